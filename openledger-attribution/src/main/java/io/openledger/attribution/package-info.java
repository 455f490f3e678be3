/**
 * Proof of Attribution: which records, contributors and datanets shaped an inference output, as
 * exact fixed-point weights. Start with {@link io.openledger.attribution.AttributionEngine}; the
 * algorithms are {@link io.openledger.attribution.SpanMethod} (suffix-array span matching) and
 * {@link io.openledger.attribution.KnnShapleyMethod}, or any
 * {@link io.openledger.attribution.spi.AttributionMethod} found through a
 * {@link io.openledger.core.spi.ComponentLoader}.
 */
@NullMarked
package io.openledger.attribution;

import org.jspecify.annotations.NullMarked;
