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
 * One generation request: prompt tokens, what to run on (an adapter, a mix of adapters, the base
 * model, or by default the server's default adapter if it has one, else the base model), sampling,
 * stop conditions, a timeout and the caller for the inference record. Immutable; build with {@link
 * #builder}.
 */
public final class GenerationRequest {
    private final int[] prompt;
    private final @Nullable AdapterId adapter;
    private final @Nullable AdapterMix mix;
    private final boolean baseModel;
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
        this.mix = b.mix;
        this.baseModel = b.baseModel;
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

    /** The adapter named, or null (a mix, the base model, or the server's default adapter). */
    public @Nullable AdapterId adapter() {
        return adapter;
    }

    /** The adapters to mix for this request ({@link Builder#mix}), or null. */
    public @Nullable AdapterMix mix() {
        return mix;
    }

    /**
     * Whether the request asked for the base model explicitly ({@link Builder#baseModel}), so that a
     * server's default adapter does not apply.
     */
    public boolean baseModel() {
        return baseModel;
    }

    /** This request on {@code id} instead (a server's default adapter, or a mix it registered). */
    GenerationRequest withAdapter(AdapterId id) {
        Builder b = new Builder(prompt);
        b.adapter = id;
        b.adapterScale = adapterScale;
        b.maxTokens = maxTokens;
        b.sampler = sampler;
        b.stopTokens = stopTokens;
        b.stopSequences.addAll(stopSequences);
        b.timeout = timeout;
        b.caller = caller;
        b.trainedOn = trainedOn;
        return new GenerationRequest(b);
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
        private @Nullable AdapterMix mix;
        private boolean baseModel;
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

        /**
         * Runs on {@code id}. Null (the default) runs on the server's default adapter if it has one
         * ({@code LoraServer.Builder.defaultAdapter}), else on the base model.
         */
        public Builder adapter(@Nullable AdapterId id) {
            this.adapter = id;
            return this;
        }

        /**
         * Runs on a mix of registered adapters (LoRAX's per-request {@code merged_adapters}): the
         * server merges them by the mix's recipe once, registers the result and serves it like any
         * adapter. The caller must be allowed to use every adapter in the mix.
         */
        public Builder mix(AdapterMix m) {
            this.mix = java.util.Objects.requireNonNull(m, "mix");
            return this;
        }

        /** Runs on the base model alone, even on a server with a default adapter. */
        public Builder baseModel() {
            this.baseModel = true;
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
         * @throws IllegalArgumentException if more than one of an adapter, a mix and the base model
         *     is chosen, or an adapter scale other than 1 is set on a base-model request
         */
        public GenerationRequest build() {
            int chosen = (adapter != null ? 1 : 0) + (mix != null ? 1 : 0) + (baseModel ? 1 : 0);
            if (chosen > 1) {
                throw new IllegalArgumentException("choose one of adapter, mix and baseModel; got adapter " + adapter
                        + ", mix " + (mix != null ? mix.adapters() : null) + ", baseModel " + baseModel);
            }
            if (baseModel && adapterScale != 1f) {
                throw new IllegalArgumentException(
                        "adapterScale " + adapterScale + " was set on a base-model request; name an adapter");
            }
            return new GenerationRequest(this);
        }
    }
}
