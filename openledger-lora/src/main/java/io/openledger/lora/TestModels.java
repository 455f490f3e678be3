package io.openledger.lora;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.lora.internal.ByteLevel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generates random Llama-family checkpoints, PEFT adapters and trained BPE tokenizers on disk, in
 * the exact formats real ones use (config.json, model.safetensors or shards with an index,
 * tokenizer.json, adapter_config.json + adapter_model.safetensors). For tests, samples and
 * benchmarks: no weights are downloaded. Deterministic for a given seed. Stateless and thread-safe.
 */
public final class TestModels {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Llama 3's pre-tokenizer split pattern (from its tokenizer.json). */
    public static final String LLAMA3_SPLIT =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Text the generated tokenizers learn their merges from. */
    public static final String CORPUS = """
            OpenLedger makes artificial intelligence attributable and payable. Contributors submit records to a \
            datanet; curators review them; every approved version is anchored on chain by its Merkle root. \
            A base model serves thousands of low-rank adapters. Each adapter was fine-tuned on a datanet version, \
            and every inference records which adapter answered, which prompt it saw and which tokens it produced. \
            Proof of attribution then says which records shaped the answer, and the fee is split between the model \
            developer, the stakers, the data contributors and the protocol. The engine runs the transformer on the \
            processor: it normalizes, rotates queries and keys, attends over the cache, and multiplies weights in \
            bfloat16 or eight-bit blocks. The quick brown fox jumps over the lazy dog. 0123456789 tokens per second.
            Question: what is a datanet? Answer: a community owned, versioned dataset.
            Question: who is paid? Answer: the contributors whose data influenced the output.
            """;

    private TestModels() {}

    /** Tokenizer families the generator can write. */
    public enum TokenizerKind {
        /** Llama 3 / Qwen2 style: Split regex + ByteLevel, ignore_merges, BOS template. */
        BYTE_LEVEL,
        /** GPT-2 style: ByteLevel pre-tokenizer with its built-in regex, no special template. */
        GPT2,
        /** Llama 2 style: Prepend/Replace normalizer, byte fallback, SentencePiece decoder chain. */
        SENTENCEPIECE,
        /** Llama 2 / Mistral as newer transformers convert them: Metaspace pre-tokenizer ("first"), byte fallback. */
        METASPACE
    }

    /**
     * A config with the usual defaults of {@code arch} (RoPE base 10000 for Llama and Mistral, 1e6
     * for Qwen2; Qwen2 with q/k/v biases).
     *
     * @throws ModelFormatException if the sizes are inconsistent (e.g. heads not divisible by kvHeads)
     */
    public static ModelConfig config(
            ModelConfig.Architecture arch,
            int layers,
            int hidden,
            int heads,
            int kvHeads,
            int intermediate,
            int vocab) {
        if (heads <= 0 || hidden % heads != 0) {
            throw new ModelFormatException("config", "hidden " + hidden + " must be a multiple of heads " + heads);
        }
        return new ModelConfig(
                arch,
                hidden,
                layers,
                heads,
                kvHeads,
                hidden / heads,
                intermediate,
                vocab,
                1e-5,
                arch == ModelConfig.Architecture.QWEN2 ? 1_000_000.0 : 10_000.0,
                null,
                false,
                arch == ModelConfig.Architecture.QWEN2,
                0,
                2048);
    }

    /**
     * Writes config.json, random weights (stored as {@code dtype}: F32, F16 or BF16) in {@code shards}
     * files (1 = model.safetensors, more = an index plus shards) and, if the vocabulary holds at least
     * 260 ids, a byte-level tokenizer.json.
     */
    public static void writeModel(Path dir, ModelConfig c, long seed, DType dtype, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be >= 1, got " + shards);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, float[]> t = new LinkedHashMap<>();
        Map<String, long[]> shapes = new HashMap<>();
        int h = c.hiddenSize();
        put(t, shapes, "model.embed_tokens.weight", gaussian(rnd, (long) c.vocabSize() * h, 1.0), c.vocabSize(), h);
        for (int l = 0; l < c.layers(); l++) {
            String pre = "model.layers." + l + ".";
            put(t, shapes, pre + "input_layernorm.weight", norm(rnd, h), h);
            put(t, shapes, pre + "post_attention_layernorm.weight", norm(rnd, h), h);
            for (Projection p : Projection.values()) {
                int in = p.inFeatures(c);
                int out = p.outFeatures(c);
                put(t, shapes, p.path(l) + ".weight", gaussian(rnd, (long) in * out, 1.0 / Math.sqrt(in)), out, in);
            }
            if (c.attentionBias()) {
                put(
                        t,
                        shapes,
                        pre + "self_attn.q_proj.bias",
                        gaussian(rnd, c.heads() * c.headDim(), 0.1),
                        c.heads() * c.headDim());
                put(
                        t,
                        shapes,
                        pre + "self_attn.k_proj.bias",
                        gaussian(rnd, c.kvHeads() * c.headDim(), 0.1),
                        c.kvHeads() * c.headDim());
                put(
                        t,
                        shapes,
                        pre + "self_attn.v_proj.bias",
                        gaussian(rnd, c.kvHeads() * c.headDim(), 0.1),
                        c.kvHeads() * c.headDim());
            }
        }
        put(t, shapes, "model.norm.weight", norm(rnd, h), h);
        if (!c.tieWordEmbeddings()) {
            put(
                    t,
                    shapes,
                    "lm_head.weight",
                    gaussian(rnd, (long) c.vocabSize() * h, 1.0 / Math.sqrt(h)),
                    c.vocabSize(),
                    h);
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), c.toJson());
            List<String> names = new ArrayList<>(t.keySet());
            if (shards == 1) {
                SafeTensorsWriter w = new SafeTensorsWriter().metadata("format", "pt");
                names.forEach(n -> w.add(n, dtype, t.get(n), shapes.get(n)));
                w.write(dir.resolve("model.safetensors"));
            } else {
                ObjectNode index = JSON.createObjectNode();
                index.putObject("metadata").put("total_size", 0);
                ObjectNode map = index.putObject("weight_map");
                for (int s = 0; s < shards; s++) {
                    String file = String.format("model-%05d-of-%05d.safetensors", s + 1, shards);
                    SafeTensorsWriter w = new SafeTensorsWriter().metadata("format", "pt");
                    for (int i = s; i < names.size(); i += shards) {
                        w.add(names.get(i), dtype, t.get(names.get(i)), shapes.get(names.get(i)));
                        map.put(names.get(i), file);
                    }
                    w.write(dir.resolve(file));
                }
                Files.writeString(
                        dir.resolve(SafeTensors.INDEX_FILE),
                        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(index));
            }
            if (c.vocabSize() >= 260) {
                Files.writeString(
                        dir.resolve("tokenizer.json"), tokenizerJson(TokenizerKind.BYTE_LEVEL, c.vocabSize(), CORPUS));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir.toString(), e);
        }
    }

    /**
     * Writes a PEFT adapter (adapter_config.json + adapter_model.safetensors with PEFT tensor names)
     * with random A and B for every module {@code cfg} targets in {@code base}.
     */
    public static void writeAdapter(Path dir, ModelConfig base, AdapterConfig cfg, long seed, DType dtype) {
        SplittableRandom rnd = new SplittableRandom(seed);
        SafeTensorsWriter w = new SafeTensorsWriter().metadata("format", "pt");
        int count = 0;
        for (int l = 0; l < base.layers(); l++) {
            for (Projection p : Projection.values()) {
                String module = p.path(l);
                if (!cfg.targets(module)) {
                    continue;
                }
                int r = cfg.rankOf(module);
                int in = p.inFeatures(base);
                int out = p.outFeatures(base);
                String pre = "base_model.model." + module;
                w.add(pre + ".lora_A.weight", dtype, gaussian(rnd, (long) r * in, 1.0 / Math.sqrt(in)), r, in);
                w.add(pre + ".lora_B.weight", dtype, gaussian(rnd, (long) out * r, 0.5 / Math.sqrt(r)), out, r);
                count++;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("the adapter config targets no module of the base model");
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(LoraAdapter.CONFIG_FILE), cfg.toJson());
        } catch (IOException e) {
            throw new UncheckedIOException(dir.toString(), e);
        }
        w.write(dir.resolve(LoraAdapter.WEIGHTS_FILE));
    }

    private static void put(Map<String, float[]> t, Map<String, long[]> shapes, String name, float[] v, long... shape) {
        t.put(name, v);
        shapes.put(name, shape);
    }

    private static float[] gaussian(SplittableRandom rnd, long n, double std) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            // Box-Muller, one sample per pair
            double u1 = 1.0 - rnd.nextDouble();
            double u2 = rnd.nextDouble();
            v[i] = (float) (std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return v;
    }

    private static float[] norm(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (1.0 + 0.1 * (rnd.nextDouble() - 0.5));
        }
        return v;
    }

    /**
     * A tokenizer.json of the given kind whose BPE merges are learned from {@code corpus} (most
     * frequent pair first, ties by the pair's text), padded with reserved special tokens up to exactly
     * {@code vocabSize} ids.
     *
     * @throws IllegalArgumentException if {@code vocabSize} is too small for the byte alphabet
     */
    public static String tokenizerJson(TokenizerKind kind, int vocabSize, String corpus) {
        boolean sp = kind == TokenizerKind.SENTENCEPIECE || kind == TokenizerKind.METASPACE;
        int specials = sp ? 3 : 2;
        int base = sp ? 3 + 256 : 256;
        if (vocabSize < base + specials + 1) {
            throw new IllegalArgumentException("vocabSize must be >= " + (base + specials + 1) + ", got " + vocabSize);
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        if (sp) {
            vocab.put("<unk>", 0);
            vocab.put("<s>", 1);
            vocab.put("</s>", 2);
            for (int b = 0; b < 256; b++) {
                vocab.put(String.format("<0x%02X>", b), 3 + b);
            }
        } else {
            for (int b = 0; b < 256; b++) {
                vocab.put(String.valueOf(ByteLevel.charOf(b)), b);
            }
        }
        // words for training, split as the tokenizer will split them
        Map<String, Integer> words = new TreeMap<>();
        if (sp) {
            for (String w : ("\u2581" + corpus.replace(" ", "\u2581").replace("\n", "\u2581")).split("(?=\u2581)")) {
                if (!w.isEmpty()) {
                    words.merge(w, 1, Integer::sum);
                }
            }
            // SentencePiece keeps the characters it saw as pieces; the rest falls back to bytes
            for (String w : words.keySet()) {
                w.codePoints().forEach(cp -> vocab.putIfAbsent(new String(Character.toChars(cp)), vocab.size()));
            }
        } else {
            Pattern re = Pattern.compile(
                    kind == TokenizerKind.GPT2
                            ? "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"
                            : LLAMA3_SPLIT,
                    Pattern.UNICODE_CHARACTER_CLASS);
            Matcher m = re.matcher(corpus);
            while (m.find()) {
                words.merge(ByteLevel.encode(m.group().getBytes(StandardCharsets.UTF_8)), 1, Integer::sum);
            }
        }
        int target = vocabSize - (sp ? 0 : specials);
        List<String[]> merges = new ArrayList<>();
        Map<String, List<String>> split = new LinkedHashMap<>();
        for (String w : words.keySet()) {
            List<String> s = new ArrayList<>();
            w.codePoints().forEach(cp -> s.add(new String(Character.toChars(cp))));
            split.put(w, s);
        }
        while (vocab.size() < target) {
            Map<String, Integer> pairs = new TreeMap<>();
            for (var e : split.entrySet()) {
                List<String> s = e.getValue();
                for (int i = 0; i + 1 < s.size(); i++) {
                    pairs.merge(s.get(i) + "\u0000" + s.get(i + 1), words.get(e.getKey()), Integer::sum);
                }
            }
            String best = null;
            int bestCount = 1;
            for (var e : pairs.entrySet()) {
                if (e.getValue() > bestCount) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            if (best == null) {
                break;
            }
            String[] ab = best.split("\u0000", 2);
            String merged = ab[0] + ab[1];
            merges.add(ab);
            vocab.putIfAbsent(merged, vocab.size());
            for (List<String> s : split.values()) {
                for (int i = 0; i + 1 < s.size(); i++) {
                    if (s.get(i).equals(ab[0]) && s.get(i + 1).equals(ab[1])) {
                        s.set(i, merged);
                        s.remove(i + 1);
                    }
                }
            }
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        String bos;
        String eos;
        if (sp) {
            bos = "<s>";
            eos = "</s>";
            addToken(added, 0, "<unk>");
            addToken(added, 1, "<s>");
            addToken(added, 2, "</s>");
        } else {
            bos = kind == TokenizerKind.GPT2 ? "<|endoftext|>" : "<|begin_of_text|>";
            eos = kind == TokenizerKind.GPT2 ? "<|endoftext|>" : "<|end_of_text|>";
        }
        int next = vocab.size();
        if (!sp) {
            addToken(added, next++, bos);
            if (!eos.equals(bos)) {
                addToken(added, next++, eos);
            }
        }
        for (int r = 0; next < vocabSize; r++) {
            addToken(added, next++, "<|reserved_special_token_" + r + "|>");
        }
        ObjectNode model;
        switch (kind) {
            case SENTENCEPIECE, METASPACE -> {
                if (kind == TokenizerKind.SENTENCEPIECE) {
                    ObjectNode norm = root.putObject("normalizer");
                    norm.put("type", "Sequence");
                    ArrayNode ns = norm.putArray("normalizers");
                    ns.addObject().put("type", "Prepend").put("prepend", "\u2581");
                    ObjectNode rep = ns.addObject().put("type", "Replace");
                    rep.putObject("pattern").put("String", " ");
                    rep.put("content", "\u2581");
                    root.putNull("pre_tokenizer");
                } else {
                    root.putNull("normalizer");
                    root.putObject("pre_tokenizer")
                            .put("type", "Metaspace")
                            .put("replacement", "\u2581")
                            .put("prepend_scheme", "first")
                            .put("split", false);
                }
                template(root, bos, 1);
                ObjectNode dec = root.putObject("decoder");
                dec.put("type", "Sequence");
                ArrayNode ds = dec.putArray("decoders");
                ObjectNode r1 = ds.addObject().put("type", "Replace");
                r1.putObject("pattern").put("String", "\u2581");
                r1.put("content", " ");
                ds.addObject().put("type", "ByteFallback");
                ds.addObject().put("type", "Fuse");
                ds.addObject()
                        .put("type", "Strip")
                        .put("content", " ")
                        .put("start", 1)
                        .put("stop", 0);
                model = root.putObject("model");
                model.put("type", "BPE");
                model.putNull("dropout");
                model.put("unk_token", "<unk>");
                model.putNull("continuing_subword_prefix");
                model.putNull("end_of_word_suffix");
                model.put("fuse_unk", true);
                model.put("byte_fallback", true);
                model.put("ignore_merges", false);
            }
            case BYTE_LEVEL, GPT2 -> {
                root.putNull("normalizer");
                ObjectNode pre = root.putObject("pre_tokenizer");
                if (kind == TokenizerKind.BYTE_LEVEL) {
                    pre.put("type", "Sequence");
                    ArrayNode ps = pre.putArray("pretokenizers");
                    ObjectNode split1 = ps.addObject().put("type", "Split");
                    split1.putObject("pattern").put("Regex", LLAMA3_SPLIT);
                    split1.put("behavior", "Isolated").put("invert", false);
                    ps.addObject()
                            .put("type", "ByteLevel")
                            .put("add_prefix_space", false)
                            .put("trim_offsets", true)
                            .put("use_regex", false);
                    template(root, bos, vocab.size());
                } else {
                    pre.put("type", "ByteLevel")
                            .put("add_prefix_space", false)
                            .put("trim_offsets", true)
                            .put("use_regex", true);
                    root.putObject("post_processor")
                            .put("type", "ByteLevel")
                            .put("add_prefix_space", true)
                            .put("trim_offsets", false)
                            .put("use_regex", true);
                }
                root.putObject("decoder")
                        .put("type", "ByteLevel")
                        .put("add_prefix_space", true)
                        .put("trim_offsets", true)
                        .put("use_regex", true);
                model = root.putObject("model");
                model.put("type", "BPE");
                model.putNull("dropout");
                model.putNull("unk_token");
                model.putNull("continuing_subword_prefix");
                model.putNull("end_of_word_suffix");
                model.put("fuse_unk", false);
                model.put("byte_fallback", false);
                model.put("ignore_merges", kind == TokenizerKind.BYTE_LEVEL);
            }
            default -> throw new IllegalStateException();
        }
        ObjectNode v = model.putObject("vocab");
        vocab.forEach(v::put);
        ArrayNode ms = model.putArray("merges");
        for (String[] ab : merges) {
            ms.add(ab[0] + " " + ab[1]);
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void addToken(ArrayNode added, int id, String content) {
        added.addObject()
                .put("id", id)
                .put("content", content)
                .put("single_word", false)
                .put("lstrip", false)
                .put("rstrip", false)
                .put("normalized", false)
                .put("special", true);
    }

    private static void template(ObjectNode root, String bos, int bosId) {
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 1);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode st = post.putObject("special_tokens").putObject(bos);
        st.put("id", bos);
        st.putArray("ids").add(bosId);
        st.putArray("tokens").add(bos);
    }
}
