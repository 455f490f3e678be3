package io.openledger.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The parts of a Hugging Face {@code config.json} that define a Llama-family decoder
 * ({@code LlamaForCausalLM}, {@code MistralForCausalLM}, {@code Qwen2ForCausalLM}). Immutable;
 * {@link #parse} rejects other architectures and inconsistent sizes.
 *
 * @param architecture which of the three families
 * @param hiddenSize model width
 * @param layers number of decoder layers
 * @param heads attention heads
 * @param kvHeads key/value heads (GQA when fewer than {@code heads})
 * @param headDim per-head width (usually hidden / heads)
 * @param intermediateSize MLP width
 * @param vocabSize vocabulary size
 * @param rmsNormEps RMSNorm epsilon
 * @param ropeTheta RoPE base
 * @param ropeScaling optional RoPE scaling ("llama3" or "linear")
 * @param tieWordEmbeddings whether the LM head reuses the embedding matrix
 * @param attentionBias whether q/k/v projections carry biases (Qwen2)
 * @param slidingWindow attention window, 0 for none
 * @param maxPositions {@code max_position_embeddings}
 */
public record ModelConfig(
        Architecture architecture,
        int hiddenSize,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int intermediateSize,
        int vocabSize,
        double rmsNormEps,
        double ropeTheta,
        @Nullable RopeScaling ropeScaling,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        int slidingWindow,
        int maxPositions) {

    /** Supported decoder families, with their Hugging Face class and model_type names. */
    public enum Architecture {
        /** Llama 2/3 ({@code LlamaForCausalLM}). */
        LLAMA("LlamaForCausalLM", "llama"),
        /** Mistral ({@code MistralForCausalLM}). */
        MISTRAL("MistralForCausalLM", "mistral"),
        /** Qwen2 / Qwen2.5 ({@code Qwen2ForCausalLM}), with q/k/v biases. */
        QWEN2("Qwen2ForCausalLM", "qwen2");

        private final String className;
        private final String modelType;

        Architecture(String className, String modelType) {
            this.className = className;
            this.modelType = modelType;
        }

        /** The {@code architectures[0]} value. */
        public String className() {
            return className;
        }

        /** The {@code model_type} value. */
        public String modelType() {
            return modelType;
        }

        /** Parses {@code llama|mistral|qwen2} (case-insensitive). */
        public static Architecture fromName(String name) {
            for (Architecture a : values()) {
                if (a.modelType.equalsIgnoreCase(name) || a.className.equalsIgnoreCase(name)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("arch must be llama, mistral or qwen2, got " + name);
        }
    }

    /**
     * RoPE frequency scaling.
     *
     * @param type "llama3" or "linear"
     * @param factor scale factor
     * @param lowFreqFactor Llama-3 low-frequency factor
     * @param highFreqFactor Llama-3 high-frequency factor
     * @param originalMaxPositions Llama-3 original context length
     */
    public record RopeScaling(
            String type, double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {}

    /** Validates sizes. */
    public ModelConfig {
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", layers);
        positive("num_attention_heads", heads);
        positive("num_key_value_heads", kvHeads);
        positive("head_dim", headDim);
        positive("intermediate_size", intermediateSize);
        positive("vocab_size", vocabSize);
        if (heads % kvHeads != 0) {
            throw new ModelFormatException(
                    "config.json",
                    "num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        if (headDim % 2 != 0) {
            throw new ModelFormatException("config.json", "head_dim " + headDim + " must be even for RoPE");
        }
        if (!(rmsNormEps > 0) || !(ropeTheta > 0)) {
            throw new ModelFormatException("config.json", "rms_norm_eps and rope_theta must be > 0");
        }
        if (slidingWindow < 0) {
            throw new ModelFormatException("config.json", "sliding_window must be >= 0");
        }
    }

    private static void positive(String field, int v) {
        if (v <= 0) {
            throw new ModelFormatException("config.json", field + " must be > 0, got " + v);
        }
    }

    /** Total parameters of the checkpoint (embedding, layers, norms, and the head unless tied). */
    public long parameterCount() {
        long q = (long) heads * headDim;
        long kv = (long) kvHeads * headDim;
        long attn = hiddenSize * q * 2 + hiddenSize * kv * 2 + (attentionBias ? q + 2 * kv : 0);
        long mlp = 3L * hiddenSize * intermediateSize;
        long perLayer = attn + mlp + 2L * hiddenSize;
        long emb = (long) vocabSize * hiddenSize;
        return emb + layers * perLayer + hiddenSize + (tieWordEmbeddings ? 0 : emb);
    }

    /**
     * Reads {@code config.json} from a file or model directory.
     *
     * @throws ModelFormatException for an unknown architecture or missing/invalid fields
     */
    public static ModelConfig read(Path fileOrDir) {
        Path file = Files.isDirectory(fileOrDir) ? fileOrDir.resolve("config.json") : fileOrDir;
        try {
            return parse(file.toString(), Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    /**
     * Parses config.json text; {@code where} names the input in errors.
     *
     * @throws ModelFormatException for an unknown architecture or missing/invalid fields
     */
    public static ModelConfig parse(String where, String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new ModelFormatException(where, "invalid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(where, "not a JSON object");
        }
        JsonNode archs = root.path("architectures");
        String arch = archs.isArray() && archs.size() > 0
                ? archs.get(0).asText()
                : root.path("model_type").asText("");
        Architecture a = null;
        for (Architecture c : Architecture.values()) {
            if (c.className.equals(arch) || c.modelType.equals(arch)) {
                a = c;
            }
        }
        if (a == null) {
            throw new ModelFormatException(
                    where,
                    "unsupported architecture \"" + arch
                            + "\"; supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM");
        }
        int hidden = intField(where, root, "hidden_size", null);
        int heads = intField(where, root, "num_attention_heads", null);
        int kv = intField(where, root, "num_key_value_heads", heads);
        int headDim =
                root.hasNonNull("head_dim") ? intField(where, root, "head_dim", null) : hidden / Math.max(heads, 1);
        String act = root.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new ModelFormatException(where, "hidden_act \"" + act + "\" is not supported (only silu)");
        }
        RopeScaling scaling = null;
        JsonNode rs = root.get("rope_scaling");
        if (rs != null && !rs.isNull()) {
            String type =
                    rs.path("rope_type").asText(rs.path("type").asText("")).toLowerCase(Locale.ROOT);
            double factor = rs.path("factor").asDouble(1.0);
            switch (type) {
                case "llama3" ->
                    scaling = new RopeScaling(
                            type,
                            factor,
                            rs.path("low_freq_factor").asDouble(1.0),
                            rs.path("high_freq_factor").asDouble(4.0),
                            rs.path("original_max_position_embeddings").asInt(8192));
                case "linear" -> scaling = new RopeScaling(type, factor, 0, 0, 0);
                case "default" -> scaling = null;
                default ->
                    throw new ModelFormatException(
                            where, "rope_scaling type \"" + type + "\" is not supported (llama3, linear)");
            }
        }
        boolean bias = a == Architecture.QWEN2 || root.path("attention_bias").asBoolean(false);
        if (root.path("mlp_bias").asBoolean(false)) {
            throw new ModelFormatException(where, "mlp_bias=true is not supported");
        }
        int window = 0;
        JsonNode sw = root.get("sliding_window");
        boolean useWindow =
                a == Architecture.MISTRAL || root.path("use_sliding_window").asBoolean(false);
        if (useWindow && sw != null && sw.isIntegralNumber()) {
            window = sw.asInt();
        }
        return new ModelConfig(
                a,
                hidden,
                intField(where, root, "num_hidden_layers", null),
                heads,
                kv,
                headDim,
                intField(where, root, "intermediate_size", null),
                intField(where, root, "vocab_size", null),
                root.path("rms_norm_eps").asDouble(1e-6),
                root.path("rope_theta").asDouble(10000.0),
                scaling,
                root.path("tie_word_embeddings").asBoolean(false),
                bias,
                window,
                root.path("max_position_embeddings").asInt(4096));
    }

    private static int intField(String where, JsonNode root, String name, @Nullable Integer dflt) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            if (dflt != null) {
                return dflt;
            }
            throw new ModelFormatException(where, "missing \"" + name + "\"");
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new ModelFormatException(where, "\"" + name + "\" must be an integer, got " + n);
        }
        return n.asInt();
    }

    /** This config as Hugging Face config.json text (what {@link #parse} reads back). */
    public String toJson() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.putArray("architectures").add(architecture.className);
        o.put("model_type", architecture.modelType);
        o.put("hidden_size", hiddenSize);
        o.put("num_hidden_layers", layers);
        o.put("num_attention_heads", heads);
        o.put("num_key_value_heads", kvHeads);
        o.put("head_dim", headDim);
        o.put("intermediate_size", intermediateSize);
        o.put("vocab_size", vocabSize);
        o.put("rms_norm_eps", rmsNormEps);
        o.put("rope_theta", ropeTheta);
        o.put("hidden_act", "silu");
        o.put("tie_word_embeddings", tieWordEmbeddings);
        o.put("max_position_embeddings", maxPositions);
        o.put("torch_dtype", "float32");
        if (architecture == Architecture.LLAMA) {
            o.put("attention_bias", attentionBias);
        }
        if (architecture == Architecture.QWEN2) {
            o.put("use_sliding_window", slidingWindow > 0);
        }
        if (slidingWindow > 0) {
            o.put("sliding_window", slidingWindow);
        } else if (architecture != Architecture.LLAMA) {
            o.putNull("sliding_window");
        }
        if (ropeScaling != null) {
            ObjectNode r = o.putObject("rope_scaling");
            r.put("rope_type", ropeScaling.type());
            r.put("factor", ropeScaling.factor());
            if (ropeScaling.type().equals("llama3")) {
                r.put("low_freq_factor", ropeScaling.lowFreqFactor());
                r.put("high_freq_factor", ropeScaling.highFreqFactor());
                r.put("original_max_position_embeddings", ropeScaling.originalMaxPositions());
            }
        }
        try {
            return m.writerWithDefaultPrettyPrinter().writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sliding window, if this model uses one. */
    public Optional<Integer> window() {
        return slidingWindow > 0 ? Optional.of(slidingWindow) : Optional.empty();
    }
}
