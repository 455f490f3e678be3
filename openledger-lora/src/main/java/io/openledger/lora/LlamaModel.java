package io.openledger.lora;

import io.openledger.lora.internal.ForwardOps;
import io.openledger.lora.internal.KernelSelector;
import io.openledger.lora.internal.Kernels;
import io.openledger.lora.internal.LoraPack;
import io.openledger.lora.internal.Matrix;
import io.openledger.lora.internal.ModelLoading;
import io.openledger.lora.internal.ModelLoading.Layer;
import io.openledger.lora.internal.Parallel;
import io.openledger.lora.internal.ScalarKernels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * A Llama-family decoder (Llama, Mistral, Qwen2) loaded from a Hugging Face checkpoint directory and
 * run on the CPU in pure Java: RMSNorm, RoPE in the Hugging Face rotate-half layout (with Llama-3 or
 * linear scaling), grouped-query attention over a KV cache, SwiGLU MLP and the LM head. Linear weights
 * are held in the chosen {@link WeightFormat}; LoRA adapters are applied unmerged per session, or
 * merged into a copy with {@link #merge}. Immutable after loading and safe to share: each {@link
 * Session} holds its own cache.
 */
public final class LlamaModel implements AutoCloseable {
    private static final Projection[] PROJ = Projection.values();

    private final ModelConfig config;
    private final WeightFormat format;
    private final Kernels kernels;
    private final Parallel parallel;
    private final ForwardOps ops;
    private final Matrix embed;
    private final Layer[] layers;
    private final float[] finalNorm;
    private final Matrix lmHead;
    private final float[] invFreq;
    private final boolean ownsPool;

    private LlamaModel(
            ModelConfig config,
            WeightFormat format,
            Kernels kernels,
            Parallel parallel,
            Matrix embed,
            Layer[] layers,
            float[] finalNorm,
            Matrix lmHead,
            boolean ownsPool) {
        this.ownsPool = ownsPool;
        this.config = config;
        this.format = format;
        this.kernels = kernels;
        this.parallel = parallel;
        this.ops = new ForwardOps(kernels, parallel, config.rmsNormEps());
        this.embed = embed;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
        this.invFreq = ModelLoading.inverseFrequencies(config);
    }

    /** A builder for loading {@code dir} (config.json + model.safetensors or a sharded index). */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** Loads {@code dir} in float32 with the best kernels on all cores. */
    public static LlamaModel load(Path dir) {
        return builder(dir).build();
    }

    /** Options for {@link LlamaModel#builder}. Not thread-safe. */
    public static final class Builder {
        private final Path dir;
        private @Nullable WeightFormat format;
        private KernelChoice kernels = KernelChoice.AUTO;
        private int threads = Runtime.getRuntime().availableProcessors();

        private Builder(Path dir) {
            this.dir = dir;
        }

        /**
         * In-memory weight format (default: as stored: BF16 for a checkpoint whose linear weights are
         * all bfloat16, which holds them exactly in half the memory and gives the same bits as F32;
         * F32 otherwise).
         */
        public Builder weights(WeightFormat f) {
            this.format = Objects.requireNonNull(f, "f");
            return this;
        }

        /** Kernel choice (default AUTO). */
        public Builder kernels(KernelChoice k) {
            this.kernels = k;
            return this;
        }

        /**
         * Worker threads for matrix kernels, 1..1024 (default: available processors).
         *
         * @throws IllegalArgumentException if out of range
         */
        public Builder threads(int n) {
            if (n < 1 || n > 1024) {
                throw new IllegalArgumentException("threads must be in 1..1024, got " + n);
            }
            this.threads = n;
            return this;
        }

        /**
         * Reads config.json and the weights.
         *
         * @throws ModelFormatException if the checkpoint is missing tensors, has wrong shapes or an
         *     unsupported architecture
         * @throws IllegalStateException if VECTOR kernels were requested but are unavailable
         */
        public LlamaModel build() {
            ModelConfig cfg = ModelConfig.read(dir);
            Kernels k =
                    switch (kernels) {
                        case AUTO -> KernelSelector.best();
                        case SCALAR -> ScalarKernels.INSTANCE;
                        case VECTOR ->
                            KernelSelector.loadVector()
                                    .orElseThrow(() -> new IllegalStateException(
                                            "VECTOR kernels need --add-modules jdk.incubator.vector"));
                    };
            if (format == WeightFormat.Q8) {
                for (Projection p : PROJ) {
                    if (p.inFeatures(cfg) % 32 != 0 || cfg.hiddenSize() % 32 != 0) {
                        throw new ModelFormatException(dir.toString(), "Q8 weights need layer widths divisible by 32");
                    }
                }
            }
            try (SafeTensors st = SafeTensors.openCheckpoint(dir)) {
                return fromTensors(cfg, st, format, k, new Parallel(threads), dir.toString());
            }
        }
    }

    private static LlamaModel fromTensors(
            ModelConfig c, SafeTensors st, @Nullable WeightFormat f, Kernels k, Parallel par, String where) {
        ModelLoading.Weights w = ModelLoading.load(c, st, f, where);
        return new LlamaModel(c, w.format(), k, par, w.embed(), w.layers(), w.finalNorm(), w.lmHead(), true);
    }

    /**
     * A copy of this model with {@code adapter} merged into the weights ({@code W + s·B·A}, computed
     * in float32 and stored again in this model's format). Used to compare against unmerged serving.
     * The copy shares this model's worker threads: closing it does not stop them, closing this does.
     */
    public LlamaModel merge(LoraAdapter adapter) {
        Layer[] merged = new Layer[layers.length];
        for (int l = 0; l < layers.length; l++) {
            Layer src = layers[l];
            Matrix[] w = src.w().clone();
            for (Projection p : PROJ) {
                LoraAdapter.Delta d = adapter.delta(l, p);
                if (d == null) {
                    continue;
                }
                Matrix m = src.w()[p.ordinal()];
                float[] v = m.toFloats();
                int in = m.cols;
                float[] a = d.a();
                float[] bT = d.bT();
                for (int o = 0; o < m.rows; o++) {
                    for (int j = 0; j < d.rank(); j++) {
                        float bj = d.scaling() * bT[j * m.rows + o];
                        for (int i = 0; i < in; i++) {
                            v[o * in + i] += bj * a[j * in + i];
                        }
                    }
                }
                w[p.ordinal()] = Matrix.of(format.name(), v, m.rows, m.cols);
            }
            merged[l] = new Layer(w, src.qBias(), src.kBias(), src.vBias(), src.attnNorm(), src.mlpNorm());
        }
        return new LlamaModel(config, format, kernels, parallel, embed, merged, finalNorm, lmHead, false);
    }

    /** The parsed config. */
    public ModelConfig config() {
        return config;
    }

    /** The in-memory weight format. */
    public WeightFormat format() {
        return format;
    }

    /** The kernels in use: "scalar" or "vector(N lanes)". */
    public String kernelsId() {
        return kernels.id();
    }

    /** Bytes of weights one decode step reads (all linear layers and the LM head). */
    public long decodeBytes() {
        long n = lmHead.bytes();
        for (Layer l : layers) {
            for (Matrix m : l.w()) {
                n += m.bytes();
            }
        }
        return n;
    }

    /** A fresh KV cache for one sequence, with an optional unmerged adapter. */
    public Session newSession(@Nullable LoraAdapter adapter) {
        return new Session(adapter);
    }

    /** Logits after running {@code tokens} from an empty cache (last position). */
    public float[] logits(int[] tokens, @Nullable LoraAdapter adapter) {
        return newSession(adapter).forward(tokens);
    }

    /**
     * Runs the prompt, then samples up to {@code maxTokens} tokens, stopping early at any token in
     * {@code stop}. Returns the generated tokens (the stop token included if hit).
     */
    public List<Integer> generate(
            int[] prompt, @Nullable LoraAdapter adapter, int maxTokens, Sampler sampler, Set<Integer> stop) {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        }
        Session s = newSession(adapter);
        SplittableRandom rng = sampler.newRandom();
        List<Integer> out = new ArrayList<>();
        if (maxTokens == 0) {
            return out;
        }
        float[] logits = s.forward(prompt);
        while (out.size() < maxTokens) {
            int t = sampler.sample(logits, rng);
            out.add(t);
            if (stop.contains(t) || out.size() == maxTokens) {
                break;
            }
            logits = s.forward(new int[] {t});
        }
        return out;
    }

    /** Shuts down the worker pool (if this model owns it). The model must not be used afterwards. */
    @Override
    public void close() {
        if (ownsPool) {
            parallel.shutdown();
        }
    }

    /**
     * One sequence being decoded: its position and KV cache, and the adapter applied unmerged. Not
     * thread-safe; use one session per sequence.
     */
    public final class Session {
        private final @Nullable LoraAdapter adapter;
        private final int kvDim = config.kvHeads() * config.headDim();
        private float[][] keys = new float[config.layers()][];
        private float[][] values = new float[config.layers()][];
        private int capacity;
        private int position;

        private Session(@Nullable LoraAdapter adapter) {
            this.adapter = adapter;
            grow(64);
        }

        /** Tokens processed so far. */
        public int position() {
            return position;
        }

        private void grow(int need) {
            if (need <= capacity) {
                return;
            }
            int cap = Math.max(need, capacity * 2);
            for (int l = 0; l < config.layers(); l++) {
                float[] k = new float[cap * kvDim];
                float[] v = new float[cap * kvDim];
                if (keys[l] != null) {
                    System.arraycopy(keys[l], 0, k, 0, position * kvDim);
                    System.arraycopy(values[l], 0, v, 0, position * kvDim);
                }
                keys[l] = k;
                values[l] = v;
            }
            capacity = cap;
        }

        /**
         * Appends {@code tokens} to the sequence and returns the logits at the last position.
         *
         * @throws IllegalArgumentException if a token is outside the vocabulary or tokens is empty
         */
        public float[] forward(int[] tokens) {
            int t = tokens.length;
            if (t == 0) {
                throw new IllegalArgumentException("tokens must not be empty");
            }
            for (int tok : tokens) {
                if (tok < 0 || tok >= config.vocabSize()) {
                    throw new IllegalArgumentException(
                            "token " + tok + " outside vocabulary 0.." + (config.vocabSize() - 1));
                }
            }
            grow(position + t);
            int h = config.hiddenSize();
            int qDim = config.heads() * config.headDim();
            int inter = config.intermediateSize();
            float[] x = new float[t * h];
            for (int i = 0; i < t; i++) {
                embed.row(tokens[i], x, i * h);
            }
            float[] xn = new float[t * h];
            float[] q = new float[t * qDim];
            float[] k = new float[t * kvDim];
            float[] v = new float[t * kvDim];
            float[] att = new float[t * qDim];
            float[] o = new float[t * h];
            float[] gate = new float[t * inter];
            float[] up = new float[t * inter];
            float[] down = new float[t * h];
            for (int l = 0; l < layers.length; l++) {
                Layer layer = layers[l];
                ops.rmsNorm(x, layer.attnNorm(), xn, t, h);
                // q, k and v read the same input: one parallel pass over all their rows
                ops.matmulFused(
                        layer.w(),
                        xn,
                        t,
                        new Projection[] {Projection.Q_PROJ, Projection.K_PROJ, Projection.V_PROJ},
                        q,
                        k,
                        v);
                lora(l, Projection.Q_PROJ, layer, xn, q, t);
                lora(l, Projection.K_PROJ, layer, xn, k, t);
                lora(l, Projection.V_PROJ, layer, xn, v, t);
                ForwardOps.addBias(q, layer.qBias(), t);
                ForwardOps.addBias(k, layer.kBias(), t);
                ForwardOps.addBias(v, layer.vBias(), t);
                for (int i = 0; i < t; i++) {
                    ForwardOps.rope(
                            q,
                            i * qDim,
                            config.heads(),
                            k,
                            i * kvDim,
                            config.kvHeads(),
                            position + i,
                            config.headDim(),
                            invFreq);
                }
                System.arraycopy(k, 0, keys[l], position * kvDim, t * kvDim);
                System.arraycopy(v, 0, values[l], position * kvDim, t * kvDim);
                attention(l, q, att, t);
                linear(l, Projection.O_PROJ, layer, att, o, t);
                ForwardOps.addInPlace(x, o, t * h);
                ops.rmsNorm(x, layer.mlpNorm(), xn, t, h);
                ops.matmulFused(
                        layer.w(), xn, t, new Projection[] {Projection.GATE_PROJ, Projection.UP_PROJ}, gate, up);
                lora(l, Projection.GATE_PROJ, layer, xn, gate, t);
                lora(l, Projection.UP_PROJ, layer, xn, up, t);
                ops.swiglu(gate, up, t, inter);
                linear(l, Projection.DOWN_PROJ, layer, gate, down, t);
                ForwardOps.addInPlace(x, down, t * h);
            }
            position += t;
            float[] last = new float[h];
            ops.rmsNormRow(x, finalNorm, (t - 1) * h, last, 0, h);
            float[] logits = new float[config.vocabSize()];
            ops.matmul(lmHead, last, logits, 1);
            return logits;
        }

        private void linear(int l, Projection p, Layer layer, float[] in, float[] out, int t) {
            ops.matmul(layer.w()[p.ordinal()], in, out, t);
            lora(l, p, layer, in, out, t);
        }

        private float[] deltaScratch = new float[0];

        private void lora(int l, Projection p, Layer layer, float[] in, float[] out, int t) {
            Matrix w = layer.w()[p.ordinal()];
            LoraAdapter.Delta d = adapter == null ? null : adapter.delta(l, p);
            if (d == null) {
                return;
            }
            // unmerged LoRA: out += s · B (A x), A [r, in], B [out, r], the delta computed apart and
            // then added (as PEFT does); the same steps as the serving engine
            int inDim = w.cols;
            int outDim = w.rows;
            int[] rows = new int[t];
            for (int i = 0; i < t; i++) {
                rows[i] = i;
            }
            float[] ax = new float[t * d.rank()];
            ops.loraShrink(d, in, inDim, rows, ax);
            // one buffer for every projection's delta, zeroed for each: a new one per projection was
            // some 400 KB of garbage per decoded token
            if (deltaScratch.length < t * outDim) {
                deltaScratch = new float[t * outDim];
            }
            float[] delta = deltaScratch;
            java.util.Arrays.fill(delta, 0, t * outDim, 0f);
            parallel.range(
                    outDim,
                    (long) d.rank() * t,
                    LoraPack.BLOCK,
                    (from, to) -> ops.loraExpand(d, ax, rows, delta, outDim, from, to));
            ForwardOps.addInPlace(out, delta, t * outDim);
        }

        private void attention(int l, float[] q, float[] out, int t) {
            int nH = config.heads();
            int d = config.headDim();
            int group = nH / config.kvHeads();
            int qDim = nH * d;
            float scale = (float) (1.0 / Math.sqrt(d));
            int window = config.slidingWindow();
            float[] kc = keys[l];
            float[] vc = values[l];
            int kvHeads = config.kvHeads();
            parallel.range(t * kvHeads, (long) (position + t) * d * 2 * group, (from, to) -> {
                float[] scores = new float[group * (position + t)];
                int[] rows = new int[position + t];
                for (int job = from; job < to; job++) {
                    int i = job / kvHeads;
                    int kvHead = job % kvHeads;
                    int pos = position + i;
                    int start = window > 0 ? Math.max(0, pos - window + 1) : 0;
                    int qOff = i * qDim + kvHead * group * d;
                    ops.attendGroup(
                            q,
                            qOff,
                            group,
                            kc,
                            vc,
                            j -> j * kvDim,
                            kvHead * d,
                            start,
                            pos,
                            d,
                            scale,
                            scores,
                            rows,
                            out,
                            qOff);
                }
            });
        }
    }
}
