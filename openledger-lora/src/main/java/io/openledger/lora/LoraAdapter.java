package io.openledger.lora;

import io.openledger.lora.internal.LoraPack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A PEFT LoRA adapter loaded for a given base model: for each adapted projection, {@code A}
 * ({@code [r, in]}), {@code B} ({@code [out, r]}) and the scaling {@code s}, so the layer computes
 * {@code y = W x + s · B (A x)}. Loading validates the adapter against the base config: every
 * tensor belongs to a target module that exists in the base, every target module has both tensors,
 * shapes and ranks fit. Immutable and thread-safe.
 */
public final class LoraAdapter {
    /** The config file of a PEFT adapter directory. */
    public static final String CONFIG_FILE = "adapter_config.json";

    /** The weights file of a PEFT adapter directory. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";

    private static final Pattern MODULE = Pattern.compile("model\\.layers\\.(\\d+)\\.(self_attn|mlp)\\.([a-z_]+)");

    /**
     * A run of 32-bit words that holds one adapter's matrices: {@code length} words from {@code
     * offset} of either a float array (float32 weights) or an int array (bfloat16 weights, two per
     * int in the {@code LoraPack} layouts). An adapter loaded on its own gets an array of its own; the
     * adapter cache places adapters in the large arrays of its memory pool.
     *
     * @param floats the backing array of a float32 region, else null
     * @param ints the backing array of a bfloat16 region, else null
     * @param offset the first word of the run
     * @param length the words in the run
     */
    public record Region(float @Nullable [] floats, int @Nullable [] ints, int offset, int length) {
        /**
         * Checks that exactly one array is given and that the run lies inside it.
         *
         * @throws IllegalArgumentException if both or neither array is given
         * @throws IndexOutOfBoundsException if the run does not fit
         */
        public Region {
            if ((floats == null) == (ints == null)) {
                throw new IllegalArgumentException("a region needs exactly one of a float or an int array");
            }
            java.util.Objects.checkFromIndexSize(offset, length, floats != null ? floats.length : ints.length);
        }

        /** A float32 region. */
        public static Region ofFloats(float[] array, int offset, int length) {
            return new Region(array, null, offset, length);
        }

        /** A bfloat16 region. */
        public static Region ofInts(int[] array, int offset, int length) {
            return new Region(null, array, offset, length);
        }

        /** The backing array, float[] or int[], for identity comparisons. */
        public Object array() {
            return floats != null ? floats : java.util.Objects.requireNonNull(ints);
        }
    }

    /** Where {@link #load(Path, ModelConfig, Storage)} puts an adapter's matrices, and in which form. */
    public interface Storage {
        /**
         * A region of exactly {@code words} 32-bit words (contents unspecified; loading overwrites
         * them), of floats unless {@link #bf16()}, then of ints.
         */
        Region allocate(int words);

        /** Whether the adapter is kept in bfloat16 (rounded to nearest even; lossless for BF16 files). */
        default boolean bf16() {
            return false;
        }
    }

    /** Float32 storage in a new array per adapter. */
    public static final Storage OWN_ARRAY = n -> Region.ofFloats(new float[n], 0, n);

    /** Bfloat16 storage in a new array per adapter. */
    public static final Storage OWN_BF16 = new Storage() {
        @Override
        public Region allocate(int words) {
            return Region.ofInts(new int[words], 0, words);
        }

        @Override
        public boolean bf16() {
            return true;
        }
    };

    /**
     * One adapted projection, in the layout the engines compute with: {@code A} as PEFT stores it and
     * {@code B} transposed, so that applying {@code B} to a rank-r vector is r contiguous
     * multiply-adds over the output features rather than one short dot product per output feature.
     * In float32, both live in {@code store}: A row-major {@code [rank, in]} from {@code aOffset}, Bᵀ
     * row-major {@code [rank, out]} from {@code bTOffset} (row j is column j of PEFT's {@code
     * lora_B}). In bfloat16 they live in {@code packed} instead, A from {@code aOffset} and B from
     * {@code bTOffset} in the layouts of {@code LoraPack} (A in panels of 16 ranks interleaved along
     * the input, B in blocks of 32 output features), {@link #rowWords} ints per rank and row.
     *
     * @param rank r of this module
     * @param scaling s of this module
     * @param in input features of the projection
     * @param out output features of the projection
     * @param store the float array holding A and Bᵀ, or null in bfloat16
     * @param packed the int array holding A and B in bfloat16, or null in float32
     * @param aOffset where A starts
     * @param bTOffset where Bᵀ (float32) or B (bfloat16) starts
     */
    public record Delta(
            int rank,
            float scaling,
            int in,
            int out,
            float @Nullable [] store,
            int @Nullable [] packed,
            int aOffset,
            int bTOffset) {
        /** A float32 delta from PEFT's layouts: {@code a} is {@code [rank, in]}, {@code b} is {@code [out, rank]}. */
        public static Delta ofPeft(int rank, float scaling, float[] a, float[] b) {
            int in = a.length / rank;
            int out = b.length / rank;
            float[] store = new float[a.length + b.length];
            System.arraycopy(a, 0, store, 0, a.length);
            transposeInto(b, rank, out, store, a.length);
            return new Delta(rank, scaling, in, out, store, null, 0, a.length);
        }

        /** Whether A and B are held in bfloat16 ({@code packed}). */
        public boolean bf16() {
            return packed != null;
        }

        /** 32-bit words one row of {@code n} features takes: n in float32, half of n rounded up to 16 in bfloat16. */
        public int rowWords(int n) {
            return bf16() ? LoraPack.rowInts(n) : n;
        }

        /** Words of A and B together. */
        public int words() {
            return rank * (rowWords(in) + rowWords(out));
        }

        /** A in PEFT's layout, row-major {@code [rank, in]} (a new array, widened to float). */
        public float[] a() {
            float[] a = new float[rank * in];
            for (int j = 0; j < rank; j++) {
                for (int i = 0; i < in; i++) {
                    a[j * in + i] = packed != null
                            ? LoraPack.a(packed, aOffset, rank, in, j, i)
                            : java.util.Objects.requireNonNull(store)[aOffset + j * in + i];
                }
            }
            return a;
        }

        /** Bᵀ, row-major {@code [rank, out]} (a new array, widened to float). */
        public float[] bT() {
            float[] t = new float[rank * out];
            for (int j = 0; j < rank; j++) {
                for (int o = 0; o < out; o++) {
                    t[j * out + o] = packed != null
                            ? LoraPack.b(packed, bTOffset, rank, o, j)
                            : java.util.Objects.requireNonNull(store)[bTOffset + j * out + o];
                }
            }
            return t;
        }

        /** B in PEFT's layout, row-major {@code [out, rank]} (a new array, widened to float). */
        public float[] b() {
            float[] t = bT();
            float[] b = new float[t.length];
            for (int j = 0; j < rank; j++) {
                for (int o = 0; o < out; o++) {
                    b[o * rank + j] = t[j * out + o];
                }
            }
            return b;
        }
    }

    // PEFT's B [out, rank] into Bᵀ [rank, out] at dst[dstOff..], in tiles of 16 output features: the
    // tile's rows of B stay in L1 and every write is contiguous (a plain column-by-column transpose
    // was most of an adapter's load time)
    private static void transposeInto(float[] b, int rank, int out, float[] dst, int dstOff) {
        for (int o0 = 0; o0 < out; o0 += 16) {
            int o1 = Math.min(out, o0 + 16);
            for (int j = 0; j < rank; j++) {
                int d = dstOff + j * out;
                for (int o = o0; o < o1; o++) {
                    dst[d + o] = b[o * rank + j];
                }
            }
        }
    }

    private final AdapterConfig config;
    private final String name;
    private final @Nullable Delta[][] deltas; // [layer][projection]
    private final long floats;
    private volatile boolean released;
    private final @Nullable LoraAdapter origin; // the adapter a scaled view reads through, else null

    private LoraAdapter(
            AdapterConfig config, String name, @Nullable Delta[][] deltas, long floats, @Nullable LoraAdapter origin) {
        this.config = config;
        this.name = name;
        this.deltas = deltas;
        this.floats = floats;
        this.origin = origin;
    }

    /**
     * This adapter with every module's scaling multiplied by {@code factor}: the per-request adapter
     * strength that llama.cpp's server ({@code lora: [{id, scale}]}) and PEFT's weighted adapters
     * offer, so {@code y = W x + factor · s · B (A x)}. 0 gives the base model's outputs, 1 this
     * adapter ({@code this} itself), a negative factor subtracts the adapter. Each module's scaling
     * becomes the float product {@code s * factor}; for a power of two that is exactly the scaling of
     * an adapter whose {@code lora_alpha} is that many times larger. The view shares this adapter's
     * matrices and its release: once this adapter is released, the view's {@link #delta} throws too.
     *
     * @throws IllegalArgumentException if {@code factor} is not finite
     */
    public LoraAdapter scaled(float factor) {
        if (!Float.isFinite(factor)) {
            throw new IllegalArgumentException("adapter scale must be finite, got " + factor);
        }
        if (factor == 1f) {
            return this;
        }
        LoraAdapter base = origin != null ? origin : this;
        @Nullable Delta[][] out = new Delta[deltas.length][];
        for (int l = 0; l < deltas.length; l++) {
            out[l] = new Delta[deltas[l].length];
            for (int p = 0; p < deltas[l].length; p++) {
                Delta d = deltas[l][p];
                out[l][p] = d == null
                        ? null
                        : new Delta(
                                d.rank(),
                                d.scaling() * factor,
                                d.in(),
                                d.out(),
                                d.store(),
                                d.packed(),
                                d.aOffset(),
                                d.bTOffset());
            }
        }
        return new LoraAdapter(config, name, out, floats, base);
    }

    /**
     * Loads a PEFT adapter directory ({@code adapter_config.json} + {@code
     * adapter_model.safetensors}) for a base model with config {@code base}.
     *
     * @throws ModelFormatException if files are missing, pickle-only, inconsistent with each other or
     *     with the base model, or use unsupported features (DoRA, embedding LoRA, biases)
     */
    public static LoraAdapter load(Path dir, ModelConfig base) {
        return load(dir, base, OWN_ARRAY);
    }

    /**
     * {@link #load(Path, ModelConfig)} into a region from {@code storage}, asked once for all of the
     * adapter's matrices ({@link #floats()} words) after the files have been validated.
     *
     * @throws ModelFormatException as {@link #load(Path, ModelConfig)}, or if the storage returns a
     *     region of the wrong size
     */
    public static LoraAdapter load(Path dir, ModelConfig base, Storage storage) {
        AdapterConfig cfg = readConfig(dir);
        try (SafeTensors st = SafeTensors.open(weightsFile(dir))) {
            return load(dir, cfg, st, base, storage);
        }
    }

    /**
     * {@link #load(Path, ModelConfig, Storage)} from an adapter's files already read and mapped (as a
     * cache of mapped adapter files holds them): {@code cfg} from {@link #readConfig} and {@code
     * weights} opened on {@link #weightsFile}. Validates and converts exactly as loading from the
     * directory does; {@code weights} stays open.
     */
    public static LoraAdapter load(
            Path dir, AdapterConfig cfg, SafeTensors weights, ModelConfig base, Storage storage) {
        return build(
                cfg,
                weights,
                base,
                dir.resolve(WEIGHTS_FILE).toString(),
                dir.getFileName() == null ? "adapter" : dir.getFileName().toString(),
                storage);
    }

    /**
     * The parsed {@code adapter_config.json} of the PEFT directory {@code dir}.
     *
     * @throws ModelFormatException if it is missing or invalid
     */
    public static AdapterConfig readConfig(Path dir) {
        Path cfgFile = dir.resolve(CONFIG_FILE);
        if (!Files.exists(cfgFile)) {
            throw new ModelFormatException(dir.toString(), "no " + CONFIG_FILE);
        }
        try {
            return AdapterConfig.parse(cfgFile.toString(), Files.readString(cfgFile));
        } catch (IOException e) {
            throw new UncheckedIOException(cfgFile.toString(), e);
        }
    }

    /**
     * The safetensors weights file of the PEFT directory {@code dir}.
     *
     * @throws ModelFormatException if it is missing (naming a pickle file found instead, which is
     *     never loaded)
     */
    public static Path weightsFile(Path dir) {
        Path weights = dir.resolve(WEIGHTS_FILE);
        if (!Files.exists(weights)) {
            if (Files.exists(dir.resolve("adapter_model.bin"))) {
                throw new ModelFormatException(
                        dir.resolve("adapter_model.bin").toString(),
                        "pickle adapters cannot be loaded safely; save with safe_serialization=True");
            }
            throw new ModelFormatException(dir.toString(), "no " + WEIGHTS_FILE);
        }
        return weights;
    }

    /** Loads from an already-open weights file; {@code where} names it in errors. */
    static LoraAdapter build(
            AdapterConfig cfg, SafeTensors st, ModelConfig base, String where, String name, Storage storage) {
        Projection[] projs = Projection.values();
        String[][] as = new String[base.layers()][projs.length];
        String[][] bs = new String[base.layers()][projs.length];
        for (String tensor : st.names()) {
            String t = tensor.startsWith("base_model.model.") ? tensor.substring("base_model.model.".length()) : tensor;
            if (t.contains("lora_embedding_A") || t.contains("lora_embedding_B")) {
                throw new ModelFormatException(where, "tensor '" + tensor + "': embedding LoRA is not supported");
            }
            if (t.contains("lora_magnitude_vector")) {
                throw new ModelFormatException(
                        where, "tensor '" + tensor + "': DoRA magnitude vectors are not supported");
            }
            boolean isA;
            String module;
            if (t.endsWith(".lora_A.weight") || t.endsWith(".lora_B.weight")) {
                isA = t.endsWith(".lora_A.weight");
                module = t.substring(0, t.length() - ".lora_A.weight".length());
            } else if (t.matches(".*\\.lora_[AB]\\.[^.]+\\.weight")) {
                // non-PEFT exporters keep the adapter name: ...lora_A.default.weight
                int i = t.lastIndexOf(".lora_");
                isA = t.charAt(i + 6) == 'A';
                module = t.substring(0, i);
            } else if (t.contains(".lora_")) {
                throw new ModelFormatException(
                        where, "tensor '" + tensor + "' is a LoRA tensor of an unsupported kind");
            } else {
                throw new ModelFormatException(
                        where,
                        "tensor '" + tensor + "' is not a LoRA A/B weight (full or bias tensors are not supported)");
            }
            Matcher m = MODULE.matcher(module);
            if (!m.matches()) {
                throw new ModelFormatException(
                        where,
                        "tensor '" + tensor + "' targets module '" + module + "', which the engine cannot adapt");
            }
            int layer = Integer.parseInt(m.group(1));
            Projection p = Projection.fromModuleName(m.group(3))
                    .filter(x -> x.path(0).contains("." + m.group(2) + "."))
                    .orElseThrow(() -> new ModelFormatException(
                            where,
                            "tensor '" + tensor + "' targets module '" + module + "', which the base model lacks"));
            if (layer >= base.layers()) {
                throw new ModelFormatException(
                        where, "tensor '" + tensor + "' is for layer " + layer + " but the base has " + base.layers());
            }
            if (!cfg.targets(module)) {
                throw new ModelFormatException(
                        where,
                        "tensor '" + tensor + "' is for module '" + module + "', which target_modules does not select");
            }
            TensorInfo info = st.info(tensor);
            int rank = cfg.rankOf(module);
            int in = p.inFeatures(base);
            int out = p.outFeatures(base);
            List<Long> want = isA ? List.of((long) rank, (long) in) : List.of((long) out, (long) rank);
            if (!info.shape().equals(want)) {
                throw new ModelFormatException(
                        where,
                        "tensor '" + tensor + "' has shape " + info.shape() + " but the base model and rank " + rank
                                + " need " + want);
            }
            if (!info.dtype().isFloatConvertible() || info.dtype() == DType.I8) {
                throw new ModelFormatException(
                        where, "tensor '" + tensor + "' has dtype " + info.dtype() + "; need F32/F16/BF16");
            }
            String[][] dst = isA ? as : bs;
            if (dst[layer][p.ordinal()] != null) {
                throw new ModelFormatException(
                        where, "module '" + module + "' has two lora_" + (isA ? "A" : "B") + " tensors");
            }
            dst[layer][p.ordinal()] = tensor;
        }
        // validated: now one region for every matrix, each converted straight into its place
        boolean bf16 = storage.bf16();
        long total = 0;
        int largest = 0;
        for (int l = 0; l < base.layers(); l++) {
            for (Projection p : projs) {
                String module = p.path(l);
                String a = as[l][p.ordinal()];
                String b = bs[l][p.ordinal()];
                if (cfg.targets(module) && (a == null || b == null)) {
                    throw new ModelFormatException(
                            where,
                            "target module '" + module + "' has no " + (a == null ? "lora_A" : "lora_B") + " weight");
                }
                if (a != null && b != null) {
                    int r = cfg.rankOf(module);
                    total += (long) r * (words(p.inFeatures(base), bf16) + words(p.outFeatures(base), bf16));
                    largest = Math.max(largest, r * Math.max(p.inFeatures(base), p.outFeatures(base)));
                }
            }
        }
        if (total == 0) {
            throw new ModelFormatException(where, "the adapter adapts no module of the base model");
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(where, "the adapter's " + total + " words do not fit one array");
        }
        Region region = storage.allocate((int) total);
        if (region.length() != total || (region.ints() != null) != bf16) {
            throw new IllegalStateException("storage gave " + region.length() + " words for " + total);
        }
        float[] tmp = new float[largest];
        short[] bits = new short[bf16 ? largest : 0];
        @Nullable Delta[][] deltas = new Delta[base.layers()][projs.length];
        int at = region.offset();
        for (int l = 0; l < base.layers(); l++) {
            for (Projection p : projs) {
                String aName = as[l][p.ordinal()];
                String bName = bs[l][p.ordinal()];
                if (aName == null || bName == null) {
                    continue;
                }
                String module = p.path(l);
                int r = cfg.rankOf(module);
                int in = p.inFeatures(base);
                int out = p.outFeatures(base);
                float scaling = (float) cfg.scalingOf(module);
                if (bf16) {
                    int[] packed = java.util.Objects.requireNonNull(region.ints());
                    int bAt = at + LoraPack.aInts(r, in);
                    // BF16 files: the raw bits go straight into the layout; others are rounded first
                    bf16Bits(st, aName, tmp, bits);
                    LoraPack.packA(bits, 0, r, in, packed, at);
                    bf16Bits(st, bName, tmp, bits);
                    LoraPack.packB(bits, 0, r, out, packed, bAt);
                    deltas[l][p.ordinal()] = new Delta(r, scaling, in, out, null, packed, at, bAt);
                    at += LoraPack.aInts(r, in) + LoraPack.bInts(r, out);
                } else {
                    float[] store = java.util.Objects.requireNonNull(region.floats());
                    st.floatsInto(aName, store, at);
                    st.floatsInto(bName, tmp, 0);
                    transposeInto(tmp, r, out, store, at + r * in);
                    deltas[l][p.ordinal()] = new Delta(r, scaling, in, out, store, null, at, at + r * in);
                    at += r * (in + out);
                }
            }
        }
        return new LoraAdapter(cfg, name, deltas, total, null);
    }

    // a BF16 tensor's bits as stored; any other dtype read as floats and rounded to nearest even
    private static void bf16Bits(SafeTensors st, String name, float[] tmp, short[] bits) {
        if (st.info(name).dtype() == DType.BF16) {
            st.bf16BitsInto(name, bits, 0);
        } else {
            st.floatsInto(name, tmp, 0);
            LoraPack.toBits(tmp, 0, (int) st.info(name).elementCount(), bits);
        }
    }

    /**
     * 32-bit words {@link #load} asks its storage for: rank × (in + out) over the adapted modules in
     * float32, about half that in bfloat16 ({@link #words(int, boolean)} per row). Equals {@link
     * #bytes()} / 4 of the loaded adapter.
     */
    public long floats() {
        return floats;
    }

    /** Words one row of {@code n} features takes in float32, or in bfloat16 if {@code bf16}. */
    public static int words(int n, boolean bf16) {
        return bf16 ? LoraPack.rowInts(n) : n;
    }

    /**
     * For the owner of this adapter's storage (the adapter cache), when it takes the memory back: from
     * then on {@link #delta} throws, so a reference kept past its lease fails loudly instead of
     * reading memory that another adapter may occupy by then. Idempotent.
     */
    public void release() {
        if (origin != null) {
            throw new IllegalStateException("a scaled view of adapter " + name + " does not own its storage");
        }
        released = true;
    }

    /** Whether {@link #release} was called (on the adapter a {@link #scaled} view reads through). */
    public boolean released() {
        return origin != null ? origin.released : released;
    }

    /** The parsed adapter_config.json. */
    public AdapterConfig config() {
        return config;
    }

    /** A display name (the directory name). */
    public String name() {
        return name;
    }

    /** The delta of one projection in one layer, or null if that module is not adapted. */
    public @Nullable Delta delta(int layer, Projection p) {
        if (released()) {
            throw new IllegalStateException("adapter " + name + " was released by the cache that loaded it");
        }
        return deltas[layer][p.ordinal()];
    }

    /** Full names of adapted modules, sorted. */
    public List<String> modules() {
        List<String> out = new ArrayList<>();
        for (int l = 0; l < deltas.length; l++) {
            for (Projection p : Projection.values()) {
                if (deltas[l][p.ordinal()] != null) {
                    out.add(p.path(l));
                }
            }
        }
        Collections.sort(out);
        return out;
    }

    /** Bytes of A and B held in memory. */
    public long bytes() {
        return 4L * floats;
    }

    /** Per-module scaling factors, by full module name. */
    public Map<String, Float> scalings() {
        Map<String, Float> m = new TreeMap<>();
        for (int l = 0; l < deltas.length; l++) {
            for (Projection p : Projection.values()) {
                Delta d = deltas[l][p.ordinal()];
                if (d != null) {
                    m.put(p.path(l), d.scaling());
                }
            }
        }
        return m;
    }
}
