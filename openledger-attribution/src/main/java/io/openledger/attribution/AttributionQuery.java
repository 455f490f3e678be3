package io.openledger.attribution;

import io.openledger.core.AdapterId;
import io.openledger.core.ModelId;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.contract.InferenceRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One inference to attribute: the model and adapter that served it, its prompt and output tokens,
 * the datanet versions the model was trained on (only their records can earn), and optionally an
 * embedding of the output given by the model. Immutable and thread-safe; arrays are copied in and
 * out.
 */
public final class AttributionQuery {
    private final ModelId model;
    private final @Nullable AdapterId adapter;
    private final int[] promptTokens;
    private final int[] outputTokens;
    private final List<DatanetVersionRef> trainedOn;
    private final float @Nullable [] outputEmbedding;

    private AttributionQuery(Builder b) {
        this.model = Objects.requireNonNull(b.model, "model");
        this.adapter = b.adapter;
        this.promptTokens = b.promptTokens.clone();
        this.outputTokens = b.outputTokens.clone();
        this.trainedOn = List.copyOf(new LinkedHashSet<>(b.trainedOn));
        this.outputEmbedding = b.outputEmbedding == null ? null : b.outputEmbedding.clone();
    }

    /** A builder; {@link Builder#model} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The query for a finished inference.
     *
     * @throws IllegalArgumentException if a token id is negative
     */
    public static AttributionQuery of(InferenceRecord record) {
        return builder()
                .model(record.model())
                .adapter(record.adapter())
                .promptTokens(toArray(record.promptTokens()))
                .outputTokens(toArray(record.outputTokens()))
                .trainedOn(record.trainedOn())
                .build();
    }

    private static int[] toArray(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The model that served the inference. */
    public ModelId model() {
        return model;
    }

    /** The adapter applied, if any. */
    public Optional<AdapterId> adapter() {
        return Optional.ofNullable(adapter);
    }

    /** A copy of the prompt token ids. */
    public int[] promptTokens() {
        return promptTokens.clone();
    }

    /** A copy of the output token ids. */
    public int[] outputTokens() {
        return outputTokens.clone();
    }

    /** The number of output tokens. */
    public int outputLength() {
        return outputTokens.length;
    }

    /** The datanet versions the model was trained on, without repeats, in the given order. */
    public List<DatanetVersionRef> trainedOn() {
        return trainedOn;
    }

    /** A copy of the output's embedding, if the model supplied one. */
    public Optional<float[]> outputEmbedding() {
        return Optional.ofNullable(outputEmbedding).map(float[]::clone);
    }

    /** This query with other output tokens (and no output embedding). */
    public AttributionQuery withOutputTokens(int[] tokens) {
        Builder b = toBuilder();
        b.outputTokens(tokens);
        b.outputEmbedding = null;
        return b.build();
    }

    /** A builder holding this query's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.adapter = adapter;
        b.promptTokens = promptTokens;
        b.outputTokens = outputTokens;
        b.trainedOn = new ArrayList<>(trainedOn);
        b.outputEmbedding = outputEmbedding;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttributionQuery q
                && model.equals(q.model)
                && Objects.equals(adapter, q.adapter)
                && Arrays.equals(promptTokens, q.promptTokens)
                && Arrays.equals(outputTokens, q.outputTokens)
                && trainedOn.equals(q.trainedOn)
                && Arrays.equals(outputEmbedding, q.outputEmbedding);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, adapter, Arrays.hashCode(outputTokens), trainedOn);
    }

    @Override
    public String toString() {
        return "AttributionQuery[" + model + (adapter == null ? "" : "+" + adapter) + ", prompt "
                + promptTokens.length + " tokens, output " + outputTokens.length + " tokens, trained on "
                + trainedOn.size() + " datanet versions]";
    }

    /** Collects a query's values; not thread-safe. */
    public static final class Builder {
        private @Nullable ModelId model;
        private @Nullable AdapterId adapter;
        private int[] promptTokens = new int[0];
        private int[] outputTokens = new int[0];
        private List<DatanetVersionRef> trainedOn = new ArrayList<>();
        private float @Nullable [] outputEmbedding;

        private Builder() {}

        /** The model (required). */
        public Builder model(ModelId model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** The adapter, or null for the base model alone. */
        public Builder adapter(@Nullable AdapterId adapter) {
            this.adapter = adapter;
            return this;
        }

        /**
         * The prompt tokens.
         *
         * @throws IllegalArgumentException if a token id is negative
         */
        public Builder promptTokens(int[] tokens) {
            this.promptTokens = checkTokens("promptTokens", tokens);
            return this;
        }

        /**
         * The output tokens.
         *
         * @throws IllegalArgumentException if a token id is negative
         */
        public Builder outputTokens(int[] tokens) {
            this.outputTokens = checkTokens("outputTokens", tokens);
            return this;
        }

        /** The datanet versions the model was trained on (replaces earlier ones). */
        public Builder trainedOn(List<DatanetVersionRef> versions) {
            this.trainedOn = new ArrayList<>(versions);
            return this;
        }

        /**
         * The output embedding given by the model.
         *
         * @throws IllegalArgumentException if it is empty or holds a non-finite value
         */
        public Builder outputEmbedding(float[] embedding) {
            if (embedding.length == 0) {
                throw new IllegalArgumentException("outputEmbedding must not be empty");
            }
            for (int i = 0; i < embedding.length; i++) {
                if (!Float.isFinite(embedding[i])) {
                    throw new IllegalArgumentException(
                            "outputEmbedding[" + i + "] must be finite, got " + embedding[i]);
                }
            }
            this.outputEmbedding = embedding.clone();
            return this;
        }

        /**
         * The query.
         *
         * @throws NullPointerException if no model was set
         */
        public AttributionQuery build() {
            return new AttributionQuery(this);
        }

        private static int[] checkTokens(String name, int[] tokens) {
            int[] copy = tokens.clone();
            for (int i = 0; i < copy.length; i++) {
                if (copy[i] < 0) {
                    throw new IllegalArgumentException(name + "[" + i + "] must be >= 0, got " + copy[i]);
                }
            }
            return copy;
        }
    }
}
