package io.openledger.lora;

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
     * One adapted projection, in the layout the engines compute with: {@code A} as PEFT stores it and
     * {@code B} transposed, so that applying {@code B} to a rank-r vector is r contiguous
     * multiply-adds over the output features rather than one short dot product per output feature.
     *
     * @param rank r of this module
     * @param scaling s of this module
     * @param a A, row-major {@code [rank, in]}
     * @param bT B transposed, row-major {@code [rank, out]} (row j is column j of PEFT's {@code lora_B})
     */
    public record Delta(int rank, float scaling, float[] a, float[] bT) {
        /** A delta from PEFT's layouts: {@code a} is {@code [rank, in]}, {@code b} is {@code [out, rank]}. */
        public static Delta ofPeft(int rank, float scaling, float[] a, float[] b) {
            int out = b.length / rank;
            float[] t = new float[b.length];
            // in tiles of 16 output features: the tile's rows of B stay in L1 and every write is
            // contiguous (a plain column-by-column transpose was most of an adapter's load time)
            for (int o0 = 0; o0 < out; o0 += 16) {
                int o1 = Math.min(out, o0 + 16);
                for (int j = 0; j < rank; j++) {
                    int dst = j * out;
                    for (int o = o0; o < o1; o++) {
                        t[dst + o] = b[o * rank + j];
                    }
                }
            }
            return new Delta(rank, scaling, a, t);
        }

        /** Output features of the projection. */
        public int outFeatures() {
            return bT.length / rank;
        }

        /** B in PEFT's layout, row-major {@code [out, rank]} (a new array). */
        public float[] b() {
            int out = outFeatures();
            float[] b = new float[bT.length];
            for (int j = 0; j < rank; j++) {
                for (int o = 0; o < out; o++) {
                    b[o * rank + j] = bT[j * out + o];
                }
            }
            return b;
        }
    }

    private final AdapterConfig config;
    private final String name;
    private final @Nullable Delta[][] deltas; // [layer][projection]

    private LoraAdapter(AdapterConfig config, String name, @Nullable Delta[][] deltas) {
        this.config = config;
        this.name = name;
        this.deltas = deltas;
    }

    /**
     * Loads a PEFT adapter directory ({@code adapter_config.json} + {@code
     * adapter_model.safetensors}) for a base model with config {@code base}.
     *
     * @throws ModelFormatException if files are missing, pickle-only, inconsistent with each other or
     *     with the base model, or use unsupported features (DoRA, embedding LoRA, biases)
     */
    public static LoraAdapter load(Path dir, ModelConfig base) {
        Path cfgFile = dir.resolve(CONFIG_FILE);
        Path weights = dir.resolve(WEIGHTS_FILE);
        if (!Files.exists(cfgFile)) {
            throw new ModelFormatException(dir.toString(), "no " + CONFIG_FILE);
        }
        AdapterConfig cfg;
        try {
            cfg = AdapterConfig.parse(cfgFile.toString(), Files.readString(cfgFile));
        } catch (IOException e) {
            throw new UncheckedIOException(cfgFile.toString(), e);
        }
        if (!Files.exists(weights)) {
            if (Files.exists(dir.resolve("adapter_model.bin"))) {
                throw new ModelFormatException(
                        dir.resolve("adapter_model.bin").toString(),
                        "pickle adapters cannot be loaded safely; save with safe_serialization=True");
            }
            throw new ModelFormatException(dir.toString(), "no " + WEIGHTS_FILE);
        }
        try (SafeTensors st = SafeTensors.open(weights)) {
            return build(
                    cfg,
                    st,
                    base,
                    weights.toString(),
                    dir.getFileName() == null ? "adapter" : dir.getFileName().toString());
        }
    }

    /** Loads from an already-open weights file; {@code where} names it in errors. */
    static LoraAdapter build(AdapterConfig cfg, SafeTensors st, ModelConfig base, String where, String name) {
        Projection[] projs = Projection.values();
        float[][][] as = new float[base.layers()][projs.length][];
        float[][][] bs = new float[base.layers()][projs.length][];
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
            float[][][] dst = isA ? as : bs;
            if (dst[layer][p.ordinal()] != null) {
                throw new ModelFormatException(
                        where, "module '" + module + "' has two lora_" + (isA ? "A" : "B") + " tensors");
            }
            dst[layer][p.ordinal()] = st.floats(tensor);
        }
        @Nullable Delta[][] deltas = new Delta[base.layers()][projs.length];
        int count = 0;
        for (int l = 0; l < base.layers(); l++) {
            for (Projection p : projs) {
                String module = p.path(l);
                float[] a = as[l][p.ordinal()];
                float[] b = bs[l][p.ordinal()];
                if (cfg.targets(module) && (a == null || b == null)) {
                    throw new ModelFormatException(
                            where,
                            "target module '" + module + "' has no " + (a == null ? "lora_A" : "lora_B") + " weight");
                }
                if (a != null && b != null) {
                    deltas[l][p.ordinal()] = Delta.ofPeft(cfg.rankOf(module), (float) cfg.scalingOf(module), a, b);
                    count++;
                }
            }
        }
        if (count == 0) {
            throw new ModelFormatException(where, "the adapter adapts no module of the base model");
        }
        return new LoraAdapter(cfg, name, deltas);
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

    /** Bytes of A and B held in memory (float32). */
    public long bytes() {
        long n = 0;
        for (Delta[] row : deltas) {
            for (Delta d : row) {
                if (d != null) {
                    n += 4L * (d.a().length + d.bT().length);
                }
            }
        }
        return n;
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
