/**
 * Extension points of attribution: {@link io.openledger.attribution.spi.AttributionMethod} (an
 * algorithm, found by id) and {@link io.openledger.attribution.spi.EmbeddingProvider}.
 */
@NullMarked
package io.openledger.attribution.spi;

import org.jspecify.annotations.NullMarked;
