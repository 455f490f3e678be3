/** Implementation of attribution: suffix arrays (SA-IS), index shards, span search, KNN-Shapley. */
@NullMarked
package io.openledger.attribution.internal;

import org.jspecify.annotations.NullMarked;
