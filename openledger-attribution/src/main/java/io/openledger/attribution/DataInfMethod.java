package io.openledger.attribution;

import io.openledger.attribution.internal.DataInfAttributor;
import io.openledger.attribution.internal.HashedGradients;
import io.openledger.attribution.spi.AttributionMethod;
import io.openledger.attribution.spi.Attributor;
import io.openledger.attribution.spi.EmbeddingProvider;
import io.openledger.core.contract.LoraGradients;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * DataInf influence attribution (Kwon et al., ICLR 2024): closed-form, layer-wise influence of each
 * training record on the query's output over per-example LoRA gradients, with the damped
 * Gauss-Newton Hessian of each layer inverted by averaging Sherman-Morrison rank-one inverses (see
 * {@code internal.DataInf} for the formula). This is OpenLedger's "small model" attribution path.
 *
 * <p>The gradients come from a {@link LoraGradients} source that a trainer provides (record ids must
 * be the corpus record ids). Without one (the no-argument constructor, used by {@link
 * java.util.ServiceLoader}), a model-free stand-in is used: gradients of a logistic model over the
 * {@link HashingEmbedding} at zero, so the method still runs on any corpus.
 *
 * <p>Id {@code "datainf"}. Immutable and thread-safe (if the gradient source is).
 */
public final class DataInfMethod implements AttributionMethod {
    /** The stable id. */
    public static final String ID = "datainf";

    private final @Nullable LoraGradients gradients;
    private final double lambdaFactor;
    private final EmbeddingProvider embeddings;

    /** The model-free stand-in gradients, λ factor 0.1. */
    public DataInfMethod() {
        this(builder());
    }

    private DataInfMethod(Builder b) {
        this.gradients = b.gradients;
        this.lambdaFactor = b.lambdaFactor;
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

    /** Uses the configured gradient source, or computes stand-in gradients for every record. */
    @Override
    public Attributor prepare(Corpus corpus) {
        LoraGradients g = gradients != null ? gradients : new HashedGradients(corpus, embeddings);
        return new DataInfAttributor(corpus, g, lambdaFactor);
    }

    /** Collects settings; not thread-safe. */
    public static final class Builder {
        private @Nullable LoraGradients gradients;
        private double lambdaFactor = 0.1;
        private EmbeddingProvider embeddings = new HashingEmbedding();

        private Builder() {}

        /** Per-example gradients from a fine-tuned model (record ids = corpus record ids). */
        public Builder gradients(LoraGradients source) {
            this.gradients = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * The damping factor c in {@code λ_l = c · mean(g²)} (DataInf's 1/lambda_const_param).
         *
         * @throws IllegalArgumentException unless {@code c} is in (0, 1e6]
         */
        public Builder lambdaFactor(double c) {
            if (!(c > 0 && c <= 1e6)) {
                throw new IllegalArgumentException("lambdaFactor must be in (0, 1e6], got " + c);
            }
            this.lambdaFactor = c;
            return this;
        }

        /** The embedding of the model-free stand-in (ignored when gradients are given). */
        public Builder embeddings(EmbeddingProvider provider) {
            this.embeddings = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /** The method. */
        public DataInfMethod build() {
            return new DataInfMethod(this);
        }
    }
}
