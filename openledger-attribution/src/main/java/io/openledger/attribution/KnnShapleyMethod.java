package io.openledger.attribution;

import io.openledger.attribution.internal.KnnShapleyAttributor;
import io.openledger.attribution.spi.AttributionMethod;
import io.openledger.attribution.spi.Attributor;
import io.openledger.attribution.spi.EmbeddingProvider;
import java.util.Objects;

/**
 * KNN-Shapley attribution (Jia et al. 2019): the output and every record are embedded; records are
 * ranked by cosine similarity to the output (ties by record id); each record's value is {@code
 * max(0, similarity − threshold)}; and a record's score is its exact Shapley value in the K-nearest-
 * neighbour utility {@code (1/K) Σ value} over the K nearest, computed by the paper's O(N log N)
 * recursion. Records no closer than the threshold get exactly 0. The output embedding comes from the
 * query if the model supplied one, else from the embedding provider.
 *
 * <p>Id {@code "knn-shapley"}. Immutable and thread-safe.
 */
public final class KnnShapleyMethod implements AttributionMethod {
    /** The stable id. */
    public static final String ID = "knn-shapley";

    private final int k;
    private final double threshold;
    private final EmbeddingProvider embeddings;

    /** K = 5, threshold 0.1, {@link HashingEmbedding} with 256 dimensions. */
    public KnnShapleyMethod() {
        this(builder());
    }

    private KnnShapleyMethod(Builder b) {
        this.k = b.k;
        this.threshold = b.threshold;
        this.embeddings = b.embeddings;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String id() {
        return ID;
    }

    /** Embeds every record of the corpus with the provider. */
    @Override
    public Attributor prepare(Corpus corpus) {
        return new KnnShapleyAttributor(corpus, embeddings, k, threshold);
    }

    /** Collects settings; not thread-safe. */
    public static final class Builder {
        private int k = 5;
        private double threshold = 0.1;
        private EmbeddingProvider embeddings = new HashingEmbedding();

        private Builder() {}

        /**
         * K of the K-NN utility.
         *
         * @throws IllegalArgumentException unless {@code k} is in [1, 10000]
         */
        public Builder k(int k) {
            if (k < 1 || k > 10_000) {
                throw new IllegalArgumentException("k must be in [1, 10000], got " + k);
            }
            this.k = k;
            return this;
        }

        /**
         * Records with cosine similarity at or below this value are worth nothing.
         *
         * @throws IllegalArgumentException unless {@code threshold} is in [-1, 1)
         */
        public Builder threshold(double threshold) {
            if (!(threshold >= -1 && threshold < 1)) {
                throw new IllegalArgumentException("threshold must be in [-1, 1), got " + threshold);
            }
            this.threshold = threshold;
            return this;
        }

        /** The embedding provider for records (and for outputs without a model embedding). */
        public Builder embeddings(EmbeddingProvider provider) {
            this.embeddings = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /** The method. */
        public KnnShapleyMethod build() {
            return new KnnShapleyMethod(this);
        }
    }
}
