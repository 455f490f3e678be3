package io.openledger.attribution;

import io.openledger.attribution.spi.EmbeddingProvider;
import java.util.HashSet;
import java.util.Set;

/**
 * A model-free embedding: the distinct unigrams (weight 1/2) and bigrams (weight 1) of token ids
 * hashed into {@code dimension} signed buckets (the "hashing trick", Weinberger et al. 2009), then scaled to unit length. Similar token
 * content gives similar vectors, which is enough for tests and for corpora without a model. Id
 * {@code "hashing"}. Immutable and thread-safe.
 */
public final class HashingEmbedding implements EmbeddingProvider {
    private final int dimension;

    /** 256 dimensions. */
    public HashingEmbedding() {
        this(256);
    }

    /**
     * @throws IllegalArgumentException unless {@code dimension} is in [2, 65536]
     */
    public HashingEmbedding(int dimension) {
        if (dimension < 2 || dimension > 65536) {
            throw new IllegalArgumentException("dimension must be in [2, 65536], got " + dimension);
        }
        this.dimension = dimension;
    }

    @Override
    public String id() {
        return "hashing";
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public float[] embed(int[] tokens) {
        // Presence, not counts: each distinct unigram adds 1/2 and each distinct bigram 1, so the
        // frequent function words every text shares do not swamp the rarer content.
        double[] acc = new double[dimension];
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < tokens.length; i++) {
            long uni = mix(tokens[i] * 0x9E3779B97F4A7C15L + 1);
            if (seen.add(uni)) {
                add(acc, uni, 0.5);
            }
            if (i + 1 < tokens.length) {
                long bi = mix(((long) tokens[i] << 32 | (tokens[i + 1] & 0xFFFFFFFFL)) ^ 0x5851F42D4C957F2DL);
                if (seen.add(bi)) {
                    add(acc, bi, 1);
                }
            }
        }
        double norm = 0;
        for (double a : acc) {
            norm += a * a;
        }
        float[] out = new float[dimension];
        if (norm > 0) {
            double inv = 1 / Math.sqrt(norm);
            for (int i = 0; i < dimension; i++) {
                out[i] = (float) (acc[i] * inv);
            }
        }
        return out;
    }

    private void add(double[] acc, long h, double weight) {
        int bucket = (int) Long.remainderUnsigned(h, dimension);
        acc[bucket] += (h >>> 63) == 0 ? weight : -weight;
    }

    // SplitMix64 finaliser (Steele, Lea, Flood 2014)
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
