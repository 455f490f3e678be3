package io.openledger.attribution.spi;

import io.openledger.core.spi.Named;

/**
 * Maps a token sequence to a fixed-size embedding. A model module provides model embeddings;
 * {@link io.openledger.attribution.HashingEmbedding} serves tests and embedded use. Implementations
 * must be deterministic and thread-safe.
 */
public interface EmbeddingProvider extends Named {
    /** The length of every embedding returned. */
    int dimension();

    /** The embedding of {@code tokens}, of length {@link #dimension()}. */
    float[] embed(int[] tokens);
}
