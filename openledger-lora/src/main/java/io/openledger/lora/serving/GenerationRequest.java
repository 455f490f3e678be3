package io.openledger.lora.serving;

import io.openledger.core.AdapterId;
import io.openledger.core.Address;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.lora.Sampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One generation request: prompt tokens, the adapter to run on (none = base model), sampling, stop
 * conditions, a timeout and the caller for the inference record. Immutable; build with {@link
 * #builder}.
 */
public final class GenerationRequest {
    private final int[] prompt;
    private final @Nullable AdapterId adapter;
    private final float adapterScale;
    private final int maxTokens;
    private final Sampler sampler;
    private final Set<Integer> stopTokens;
    private final List<int[]> stopSequences;
    private final @Nullable Duration timeout;
    private final Address caller;
    private final List<DatanetVersionRef> trainedOn;

    private GenerationRequest(Builder b) {
        this.prompt = b.prompt.clone();
        this.adapter = b.adapter;
        this.adapterScale = b.adapterScale;
        this.maxTokens = b.maxTokens;
        this.sampler = b.sampler;
        this.stopTokens = Set.copyOf(b.stopTokens);
        List<int[]> ss = new ArrayList<>();
        for (int[] s : b.stopSequences) {
            ss.add(s.clone());
        }
        this.stopSequences = List.copyOf(ss);
        this.timeout = b.timeout;
        this.caller = b.caller;
        this.trainedOn = List.copyOf(b.trainedOn);
    }

    /**
     * A builder for a request with {@code prompt} (at least one token).
     *
     * @throws IllegalArgumentException if the prompt is empty or holds a negative token
     */
    public static Builder builder(int... prompt) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt must hold at least one token");
        }
        for (int t : prompt) {
            if (t < 0) {
                throw new IllegalArgumentException("prompt token " + t + " is negative");
            }
        }
        return new Builder(prompt.clone());
    }

    /** Prompt tokens (a copy). */
    public int[] prompt() {
        return prompt.clone();
    }

    int promptLength() {
        return prompt.length;
    }

    int promptToken(int i) {
        return prompt[i];
    }

    /** The adapter, or null for the base model. */
    public @Nullable AdapterId adapter() {
        return adapter;
    }

    /** The factor on the adapter's scaling for this request (1 unless set; see {@link Builder#adapterScale}). */
    public float adapterScale() {
        return adapterScale;
    }

    /** Maximum new tokens. */
    public int maxTokens() {
        return maxTokens;
    }

    /** The sampler. */
    public Sampler sampler() {
        return sampler;
    }

    /** Tokens that end generation when produced. */
    public Set<Integer> stopTokens() {
        return stopTokens;
    }

    /** Token sequences that end generation when the output ends with one (copies). */
    public List<int[]> stopSequences() {
        List<int[]> out = new ArrayList<>();
        for (int[] s : stopSequences) {
            out.add(s.clone());
        }
        return out;
    }

    List<int[]> stopSequencesShared() {
        return stopSequences;
    }

    /** The timeout from submission, or null for none. */
    public @Nullable Duration timeout() {
        return timeout;
    }

    /** The caller recorded in the inference record. */
    public Address caller() {
        return caller;
    }

    /** The datanet versions the adapter was trained on, copied into the inference record. */
    public List<DatanetVersionRef> trainedOn() {
        return trainedOn;
    }

    /** Options for a request. Not thread-safe. */
    public static final class Builder {
        private final int[] prompt;
        private @Nullable AdapterId adapter;
        private float adapterScale = 1f;
        private int maxTokens = 16;
        private Sampler sampler = Sampler.greedy();
        private Set<Integer> stopTokens = Set.of();
        private final List<int[]> stopSequences = new ArrayList<>();
        private @Nullable Duration timeout;
        private Address caller = Address.ZERO;
        private List<DatanetVersionRef> trainedOn = List.of();

        private Builder(int[] prompt) {
            this.prompt = prompt;
        }

        /** Runs on {@code id} (null: the base model). */
        public Builder adapter(@Nullable AdapterId id) {
            this.adapter = id;
            return this;
        }

        /**
         * How strongly the adapter applies to this request (default 1): every module's scaling is
         * multiplied by {@code factor} ({@link io.openledger.lora.LoraAdapter#scaled}), as llama.cpp's
         * per-request {@code lora: [{id, scale}]}. 0 is served as a base-model request: the adapter
         * is not loaded and the inference record names no adapter (access to it is still checked);
         * a negative factor subtracts the adapter. Requests on one adapter with
         * different factors share its resident copy and are batched together.
         *
         * @throws IllegalArgumentException if {@code factor} is not finite
         */
        public Builder adapterScale(float factor) {
            if (!Float.isFinite(factor)) {
                throw new IllegalArgumentException("adapterScale must be finite, got " + factor);
            }
            this.adapterScale = factor;
            return this;
        }

        /**
         * Maximum new tokens, 1..1,000,000 (default 16).
         *
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxTokens(int n) {
            if (n < 1 || n > 1_000_000) {
                throw new IllegalArgumentException("maxTokens must be in 1..1000000, got " + n);
            }
            this.maxTokens = n;
            return this;
        }

        /** The sampler (default greedy). */
        public Builder sampler(Sampler s) {
            this.sampler = s;
            return this;
        }

        /** Tokens that stop generation (default none). */
        public Builder stopTokens(Set<Integer> tokens) {
            this.stopTokens = Set.copyOf(tokens);
            return this;
        }

        /**
         * Adds a stop sequence of at least one token.
         *
         * @throws IllegalArgumentException if {@code seq} is empty
         */
        public Builder stopSequence(int... seq) {
            if (seq.length == 0) {
                throw new IllegalArgumentException("stop sequence must not be empty");
            }
            stopSequences.add(seq.clone());
            return this;
        }

        /**
         * A timeout from submission (positive), after which the request ends with TIMEOUT.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder timeout(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + d);
            }
            this.timeout = d;
            return this;
        }

        /** The caller recorded in the inference record (default the zero address). */
        public Builder caller(Address a) {
            this.caller = a;
            return this;
        }

        /** The datanet versions behind the adapter, for attribution (default none). */
        public Builder trainedOn(List<DatanetVersionRef> refs) {
            this.trainedOn = List.copyOf(refs);
            return this;
        }

        /**
         * The request.
         *
         * @throws IllegalArgumentException if an adapter scale other than 1 is set without an adapter
         */
        public GenerationRequest build() {
            if (adapter == null && adapterScale != 1f) {
                throw new IllegalArgumentException(
                        "adapterScale " + adapterScale + " was set on a base-model request; name an adapter");
            }
            return new GenerationRequest(this);
        }
    }
}
