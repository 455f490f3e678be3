package io.openledger.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.lora.internal.ByteLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer with a BPE model, in pure Java: byte-level BPE
 * (GPT-2, Llama 3, Qwen2 and newer Mistral: {@code ByteLevel}/{@code Split} pre-tokenizers) and
 * SentencePiece-style BPE (Llama 2: {@code Prepend}/{@code Replace} normalizers or {@code
 * Metaspace}, byte fallback). Added tokens are matched before normalization; {@code
 * TemplateProcessing} adds special tokens. Unsupported components are rejected at load time with
 * {@link ModelFormatException}. Immutable and thread-safe.
 */
public final class Tokenizer {
    private static final String GPT2_REGEX =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private record Added(int id, String content, boolean special) {}

    private final Map<String, Integer> vocab;
    private final Map<Integer, String> idToToken;
    private final Map<String, Integer> mergeRanks;
    private final List<Added> added;
    private final @Nullable JsonNode normalizer;
    private final @Nullable JsonNode preTokenizer;
    private final @Nullable JsonNode decoder;
    private final List<Object> template; // Integer special ids or "A" for the sequence
    private final @Nullable String unkToken;
    private final boolean byteFallback;
    private final boolean fuseUnk;
    private final boolean ignoreMerges;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();
    private final Map<Character, List<Added>> addedByFirst = new HashMap<>();

    private Tokenizer(String where, JsonNode root) {
        JsonNode model = root.path("model");
        if (!model.path("type").asText("BPE").equals("BPE")) {
            throw new ModelFormatException(
                    where, "model type \"" + model.path("type").asText() + "\" is not BPE");
        }
        if (!model.path("continuing_subword_prefix").isNull()
                        && !model.path("continuing_subword_prefix").isMissingNode()
                || !model.path("end_of_word_suffix").isNull()
                        && !model.path("end_of_word_suffix").isMissingNode()) {
            throw new ModelFormatException(where, "BPE subword prefixes/suffixes are not supported");
        }
        vocab = new HashMap<>();
        idToToken = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        model.path("vocab").properties().iterator();
                it.hasNext(); ) {
            var e = it.next();
            vocab.put(e.getKey(), e.getValue().asInt());
            idToToken.put(e.getValue().asInt(), e.getKey());
        }
        if (vocab.isEmpty()) {
            throw new ModelFormatException(where, "model.vocab is empty");
        }
        mergeRanks = new HashMap<>();
        int rank = 0;
        for (JsonNode m : model.path("merges")) {
            String a;
            String b;
            if (m.isArray() && m.size() == 2) {
                a = m.get(0).asText();
                b = m.get(1).asText();
            } else {
                String s = m.asText();
                int sp = s.indexOf(' ', 1);
                if (sp < 0) {
                    throw new ModelFormatException(where, "merge \"" + s + "\" is not two tokens");
                }
                a = s.substring(0, sp);
                b = s.substring(sp + 1);
            }
            if (!vocab.containsKey(a + b)) {
                throw new ModelFormatException(
                        where, "merge \"" + a + " " + b + "\" produces a token missing from the vocab");
            }
            mergeRanks.putIfAbsent(a + "\u0000" + b, rank++);
        }
        unkToken = model.path("unk_token").isTextual() ? model.path("unk_token").asText() : null;
        byteFallback = model.path("byte_fallback").asBoolean(false);
        fuseUnk = model.path("fuse_unk").asBoolean(false);
        ignoreMerges = model.path("ignore_merges").asBoolean(false);
        added = new ArrayList<>();
        for (JsonNode a : root.path("added_tokens")) {
            Added t = new Added(
                    a.path("id").asInt(),
                    a.path("content").asText(),
                    a.path("special").asBoolean(false));
            added.add(t);
            idToToken.put(t.id(), t.content());
        }
        added.sort(Comparator.comparingInt((Added a) -> -a.content().length()));
        for (Added a : added) {
            if (!a.content().isEmpty()) {
                addedByFirst
                        .computeIfAbsent(a.content().charAt(0), k -> new ArrayList<>())
                        .add(a);
            }
        }
        normalizer = nullToNull(root.get("normalizer"));
        preTokenizer = nullToNull(root.get("pre_tokenizer"));
        decoder = nullToNull(root.get("decoder"));
        checkComponents(
                where,
                normalizer,
                Set.of("Sequence", "Prepend", "Replace", "NFC", "NFKC", "NFD", "NFKD", "Lowercase"),
                "normalizers");
        checkComponents(
                where, preTokenizer, Set.of("Sequence", "ByteLevel", "Split", "Metaspace", "Digits"), "pretokenizers");
        checkComponents(
                where,
                decoder,
                Set.of("Sequence", "ByteLevel", "Replace", "ByteFallback", "Fuse", "Strip", "Metaspace"),
                "decoders");
        template = new ArrayList<>();
        JsonNode post = nullToNull(root.get("post_processor"));
        if (post != null) {
            parsePost(where, post, post.path("special_tokens"));
        }
    }

    private void parsePost(String where, JsonNode post, JsonNode specials) {
        String type = post.path("type").asText();
        switch (type) {
            case "ByteLevel" -> {}
            case "Sequence" -> {
                for (JsonNode p : post.path("processors")) {
                    parsePost(where, p, p.path("special_tokens"));
                }
            }
            case "TemplateProcessing" -> {
                for (JsonNode piece : post.path("single")) {
                    if (piece.has("Sequence")) {
                        template.add("A");
                    } else if (piece.has("SpecialToken")) {
                        String id = piece.path("SpecialToken").path("id").asText();
                        JsonNode ids = specials.path(id).path("ids");
                        if (!ids.isArray() || ids.isEmpty()) {
                            throw new ModelFormatException(
                                    where, "post_processor special token \"" + id + "\" has no ids");
                        }
                        ids.forEach(n -> template.add(n.asInt()));
                    }
                }
            }
            default -> throw new ModelFormatException(where, "post_processor type \"" + type + "\" is not supported");
        }
    }

    private static @Nullable JsonNode nullToNull(@Nullable JsonNode n) {
        return n == null || n.isNull() ? null : n;
    }

    private static void checkComponents(String where, @Nullable JsonNode n, Set<String> ok, String listKey) {
        if (n == null) {
            return;
        }
        String type = n.path("type").asText();
        if (!ok.contains(type)) {
            throw new ModelFormatException(where, "component type \"" + type + "\" is not supported");
        }
        if (type.equals("Sequence")) {
            for (JsonNode c : n.path(listKey)) {
                checkComponents(where, c, ok, listKey);
            }
        }
    }

    /**
     * Loads {@code tokenizer.json} (a file, or a directory containing one).
     *
     * @throws ModelFormatException if it is not a supported BPE tokenizer
     */
    public static Tokenizer load(Path fileOrDir) {
        Path f = Files.isDirectory(fileOrDir) ? fileOrDir.resolve("tokenizer.json") : fileOrDir;
        try {
            return parse(f.toString(), Files.readString(f));
        } catch (IOException e) {
            throw new UncheckedIOException(f.toString(), e);
        }
    }

    /**
     * Parses tokenizer.json text; {@code where} names the input in errors.
     *
     * @throws ModelFormatException if it is not a supported BPE tokenizer
     */
    public static Tokenizer parse(String where, String json) {
        try {
            JsonNode root = new ObjectMapper().readTree(json);
            if (root == null || !root.isObject()) {
                throw new ModelFormatException(where, "not a JSON object");
            }
            return new Tokenizer(where, root);
        } catch (IOException e) {
            throw new ModelFormatException(where, "invalid JSON: " + e.getMessage(), e);
        }
    }

    /** Number of distinct ids (vocab plus added tokens). */
    public int size() {
        return idToToken.size();
    }

    /** The id of a token string, if it exists. */
    public Optional<Integer> tokenId(String token) {
        for (Added a : added) {
            if (a.content().equals(token)) {
                return Optional.of(a.id());
            }
        }
        return Optional.ofNullable(vocab.get(token));
    }

    /** Ids of special added tokens (BOS, EOS, …). */
    public Set<Integer> specialIds() {
        Set<Integer> s = new HashSet<>();
        for (Added a : added) {
            if (a.special()) {
                s.add(a.id());
            }
        }
        return s;
    }

    /** Encodes {@code text}; with {@code addSpecialTokens} the post-processor template is applied. */
    public int[] encode(String text, boolean addSpecialTokens) {
        List<Integer> ids = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            Added hit = null;
            for (Added a : addedByFirst.getOrDefault(text.charAt(i), List.of())) {
                if (text.startsWith(a.content(), i)) {
                    hit = a;
                    break;
                }
            }
            if (hit == null) {
                i++;
                continue;
            }
            encodeSegment(text.substring(start, i), start == 0, ids);
            ids.add(hit.id());
            i += hit.content().length();
            start = i;
        }
        encodeSegment(text.substring(start), start == 0, ids);
        if (addSpecialTokens && !template.isEmpty()) {
            List<Integer> out = new ArrayList<>();
            for (Object p : template) {
                if (p instanceof Integer id) {
                    out.add(id);
                } else {
                    out.addAll(ids);
                }
            }
            ids = out;
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    // atStart: the segment begins at offset 0 of the input (Metaspace's prepend_scheme "first")
    private void encodeSegment(String s, boolean atStart, List<Integer> out) {
        if (s.isEmpty()) {
            return;
        }
        String n = normalizer == null ? s : normalize(normalizer, s);
        List<String> pieces = new ArrayList<>();
        pieces.add(n);
        if (preTokenizer != null) {
            pieces = preTokenize(preTokenizer, pieces, atStart);
        }
        for (String p : pieces) {
            if (p.isEmpty()) {
                continue;
            }
            for (int id : cache.computeIfAbsent(p, this::bpe)) {
                out.add(id);
            }
        }
    }

    private static String normalize(JsonNode n, String s) {
        return switch (n.path("type").asText()) {
            case "Sequence" -> {
                String r = s;
                for (JsonNode c : n.path("normalizers")) {
                    r = normalize(c, r);
                }
                yield r;
            }
            case "Prepend" -> n.path("prepend").asText() + s;
            case "Replace" -> replace(n, s);
            case "NFC" -> Normalizer.normalize(s, Normalizer.Form.NFC);
            case "NFKC" -> Normalizer.normalize(s, Normalizer.Form.NFKC);
            case "NFD" -> Normalizer.normalize(s, Normalizer.Form.NFD);
            case "NFKD" -> Normalizer.normalize(s, Normalizer.Form.NFKD);
            case "Lowercase" -> s.toLowerCase(java.util.Locale.ROOT);
            default -> throw new IllegalStateException(n.toString());
        };
    }

    private static String replace(JsonNode n, String s) {
        JsonNode pat = n.path("pattern");
        String content = n.path("content").asText();
        if (pat.has("String")) {
            return s.replace(pat.path("String").asText(), content);
        }
        return Pattern.compile(pat.path("Regex").asText()).matcher(s).replaceAll(Matcher.quoteReplacement(content));
    }

    private static List<String> preTokenize(JsonNode p, List<String> in, boolean atStart) {
        switch (p.path("type").asText()) {
            case "Sequence" -> {
                List<String> r = in;
                for (JsonNode c : p.path("pretokenizers")) {
                    r = preTokenize(c, r, atStart);
                }
                return r;
            }
            case "ByteLevel" -> {
                List<String> out = new ArrayList<>();
                boolean prefix = p.path("add_prefix_space").asBoolean(false);
                boolean regex = p.path("use_regex").asBoolean(true);
                for (String s : in) {
                    String t = prefix && !s.startsWith(" ") ? " " + s : s;
                    List<String> parts =
                            regex ? split(Pattern.compile(GPT2_REGEX, Pattern.UNICODE_CHARACTER_CLASS), t) : List.of(t);
                    for (String part : parts) {
                        out.add(ByteLevel.encode(part.getBytes(StandardCharsets.UTF_8)));
                    }
                }
                return out;
            }
            case "Split" -> {
                String behavior = p.path("behavior").asText("Isolated");
                if (!behavior.equals("Isolated") || p.path("invert").asBoolean(false)) {
                    throw new ModelFormatException(
                            "tokenizer.json", "Split behavior " + behavior + " is not supported");
                }
                JsonNode pat = p.path("pattern");
                Pattern re = pat.has("Regex")
                        ? Pattern.compile(pat.path("Regex").asText(), Pattern.UNICODE_CHARACTER_CLASS)
                        : Pattern.compile(Pattern.quote(pat.path("String").asText()));
                List<String> out = new ArrayList<>();
                for (String s : in) {
                    out.addAll(split(re, s));
                }
                return out;
            }
            case "Digits" -> {
                boolean individual = p.path("individual_digits").asBoolean(false);
                Pattern re = Pattern.compile(individual ? "\\p{N}" : "\\p{N}+");
                List<String> out = new ArrayList<>();
                for (String s : in) {
                    out.addAll(split(re, s));
                }
                return out;
            }
            case "Metaspace" -> {
                String rep = p.path("replacement").asText("\u2581");
                String scheme = p.path("prepend_scheme")
                        .asText(p.path("add_prefix_space").asBoolean(true) ? "always" : "never");
                boolean splitOn = p.path("split").asBoolean(true);
                List<String> out = new ArrayList<>();
                boolean first = atStart;
                for (String s : in) {
                    String t = s.replace(" ", rep);
                    if ((scheme.equals("always") || scheme.equals("first") && first) && !t.startsWith(rep)) {
                        t = rep + t;
                    }
                    first = false;
                    if (splitOn) {
                        int st = 0;
                        for (int i = 1; i < t.length(); i++) {
                            if (t.startsWith(rep, i)) {
                                out.add(t.substring(st, i));
                                st = i;
                            }
                        }
                        out.add(t.substring(st));
                    } else {
                        out.add(t);
                    }
                }
                return out;
            }
            default -> throw new IllegalStateException(p.toString());
        }
    }

    // Isolated split: every match and every gap between matches becomes its own piece.
    private static List<String> split(Pattern re, String s) {
        List<String> out = new ArrayList<>();
        Matcher m = re.matcher(s);
        int last = 0;
        while (m.find()) {
            if (m.end() == m.start()) {
                continue;
            }
            if (m.start() > last) {
                out.add(s.substring(last, m.start()));
            }
            out.add(m.group());
            last = m.end();
        }
        if (last < s.length()) {
            out.add(s.substring(last));
        }
        return out;
    }

    // BPE over one pre-token: start from code points, repeatedly merge the adjacent pair with the
    // lowest merge rank (leftmost on ties), as tokenizers' Word::merge_all does.
    private int[] bpe(String piece) {
        Integer whole = vocab.get(piece);
        if (ignoreMerges && whole != null) {
            return new int[] {whole};
        }
        List<String> sym = new ArrayList<>();
        piece.codePoints().forEach(cp -> sym.add(new String(Character.toChars(cp))));
        while (sym.size() > 1) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < sym.size(); i++) {
                Integer r = mergeRanks.get(sym.get(i) + "\u0000" + sym.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            sym.set(best, sym.get(best) + sym.get(best + 1));
            sym.remove(best + 1);
        }
        List<Integer> ids = new ArrayList<>();
        boolean lastUnk = false;
        for (String s : sym) {
            Integer id = vocab.get(s);
            if (id != null) {
                ids.add(id);
                lastUnk = false;
                continue;
            }
            if (byteFallback) {
                boolean all = true;
                List<Integer> bytes = new ArrayList<>();
                for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
                    Integer bid = vocab.get(String.format("<0x%02X>", b & 0xFF));
                    if (bid == null) {
                        all = false;
                        break;
                    }
                    bytes.add(bid);
                }
                if (all) {
                    ids.addAll(bytes);
                    lastUnk = false;
                    continue;
                }
            }
            Integer unk = unkToken == null ? null : vocab.get(unkToken);
            if (unk == null) {
                throw new ModelFormatException(
                        "tokenizer.json", "symbol \"" + s + "\" is not in the vocab and there is no unk_token");
            }
            if (!(fuseUnk && lastUnk)) {
                ids.add(unk);
            }
            lastUnk = true;
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Decodes ids back to text through the tokenizer's decoder; special added tokens are dropped when
     * {@code skipSpecialTokens}.
     *
     * @throws IllegalArgumentException for an id the tokenizer does not know
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        Set<Integer> special = skipSpecialTokens ? specialIds() : Set.of();
        List<String> tokens = new ArrayList<>();
        for (int id : ids) {
            if (special.contains(id)) {
                continue;
            }
            String t = idToToken.get(id);
            if (t == null) {
                throw new IllegalArgumentException("token id " + id + " is not in the tokenizer");
            }
            tokens.add(t);
        }
        if (decoder != null) {
            tokens = decodeChain(decoder, tokens);
        }
        return String.join("", tokens);
    }

    private static List<String> decodeChain(JsonNode d, List<String> tokens) {
        switch (d.path("type").asText()) {
            case "Sequence" -> {
                List<String> r = tokens;
                for (JsonNode c : d.path("decoders")) {
                    r = decodeChain(c, r);
                }
                return r;
            }
            case "ByteLevel" -> {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                for (String t : tokens) {
                    byte[] raw = new byte[t.length()];
                    boolean all = true;
                    for (int i = 0; i < t.length(); i++) {
                        int b = ByteLevel.byteOf(t.charAt(i));
                        if (b < 0) {
                            all = false;
                            break;
                        }
                        raw[i] = (byte) b;
                    }
                    bytes.writeBytes(all ? raw : t.getBytes(StandardCharsets.UTF_8));
                }
                return List.of(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
            }
            case "Replace" -> {
                List<String> out = new ArrayList<>();
                for (String t : tokens) {
                    out.add(replace(d, t));
                }
                return out;
            }
            case "ByteFallback" -> {
                List<String> out = new ArrayList<>();
                ByteArrayOutputStream pending = new ByteArrayOutputStream();
                int pendingCount = 0;
                for (String t : tokens) {
                    if (t.length() == 6 && t.startsWith("<0x") && t.endsWith(">")) {
                        try {
                            pending.write(Integer.parseInt(t.substring(3, 5), 16));
                            pendingCount++;
                            continue;
                        } catch (NumberFormatException e) {
                            // not a byte token
                        }
                    }
                    flushBytes(pending, pendingCount, out);
                    pendingCount = 0;
                    out.add(t);
                }
                flushBytes(pending, pendingCount, out);
                return out;
            }
            case "Fuse" -> {
                return List.of(String.join("", tokens));
            }
            case "Strip" -> {
                String c = d.path("content").asText(" ");
                int start = d.path("start").asInt(0);
                int stop = d.path("stop").asInt(0);
                List<String> out = new ArrayList<>();
                for (String t : tokens) {
                    String r = t;
                    for (int i = 0; i < start && r.startsWith(c); i++) {
                        r = r.substring(c.length());
                    }
                    for (int i = 0; i < stop && r.endsWith(c); i++) {
                        r = r.substring(0, r.length() - c.length());
                    }
                    out.add(r);
                }
                return out;
            }
            case "Metaspace" -> {
                String rep = d.path("replacement").asText("\u2581");
                String scheme = d.path("prepend_scheme")
                        .asText(d.path("add_prefix_space").asBoolean(true) ? "always" : "never");
                List<String> out = new ArrayList<>();
                for (int i = 0; i < tokens.size(); i++) {
                    String t = tokens.get(i).replace(rep, " ");
                    if (i == 0 && !scheme.equals("never") && t.startsWith(" ")) {
                        t = t.substring(1);
                    }
                    out.add(t);
                }
                return out;
            }
            default -> throw new IllegalStateException(d.toString());
        }
    }

    // tokenizers' ByteFallback: valid UTF-8 runs become text, otherwise one U+FFFD per byte.
    private static void flushBytes(ByteArrayOutputStream pending, int count, List<String> out) {
        if (count == 0) {
            return;
        }
        byte[] b = pending.toByteArray();
        pending.reset();
        try {
            out.add(StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b))
                    .toString());
        } catch (CharacterCodingException e) {
            for (int i = 0; i < count; i++) {
                out.add("\uFFFD");
            }
        }
    }
}
