/** The contract test kit for attribution methods, with corpora and planted tasks. */
@NullMarked
package io.openledger.attribution.testing;

import org.jspecify.annotations.NullMarked;
