package io.openledger.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.openledger.core.FileTrees;
import io.openledger.lora.TestModels.TokenizerKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Java tokenizer against Hugging Face tokenizers 0.21 (the Rust library, through DJL's offline
 * binding) on the same tokenizer.json: ids and decoded text must be identical.
 */
class TokenizerTest {
    private static final List<String> TEXTS = List.of(
            "Hello world",
            "The quick brown fox jumps over the lazy dog.",
            "  leading spaces and\ttabs\n\nnew lines  \n",
            "numbers 1234567 and 3.14159, dates 2026-11-21",
            "unicode: café naïve Ünïcödé 日本語のテキスト 😀🚀 Ελληνικά",
            "I'm sure you're right; they'll say it's what we'd done, WE'VE",
            "<|begin_of_text|>special tokens inside<|end_of_text|> text",
            "<s>sentencepiece specials</s>",
            "datanet contributors attribution inference adapters",
            "",
            " ",
            "a");

    private static final Map<TokenizerKind, Tokenizer> JAVA = new EnumMap<>(TokenizerKind.class);
    private static final Map<TokenizerKind, HuggingFaceTokenizer> RUST = new EnumMap<>(TokenizerKind.class);
    private static final List<Path> DIRS = new ArrayList<>();

    private static synchronized void open(TokenizerKind kind) {
        if (JAVA.containsKey(kind)) {
            return;
        }
        try {
            Path dir = Files.createTempDirectory("tok-" + kind);
            DIRS.add(dir);
            Path f = dir.resolve("tokenizer.json");
            Files.writeString(f, TestModels.tokenizerJson(kind, 700, TestModels.CORPUS));
            JAVA.put(kind, Tokenizer.load(f));
            RUST.put(kind, HuggingFaceTokenizer.newInstance(f, Map.of("addSpecialTokens", "false")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterContainer
    static synchronized void close() throws IOException {
        RUST.values().forEach(HuggingFaceTokenizer::close);
        for (Path dir : DIRS) {
            FileTrees.delete(dir);
        }
        DIRS.clear();
    }

    private static void check(TokenizerKind kind, String text) {
        open(kind);
        Tokenizer j = JAVA.get(kind);
        HuggingFaceTokenizer r = RUST.get(kind);
        for (boolean special : new boolean[] {false, true}) {
            long[] want = r.encode(text, special, false).getIds();
            int[] got = j.encode(text, special);
            assertThat(toLong(got))
                    .as("%s encode(%s, special=%s)", kind, escape(text), special)
                    .isEqualTo(want);
            for (boolean skip : new boolean[] {false, true}) {
                assertThat(j.decode(got, skip))
                        .as("%s decode(%s, skip=%s)", kind, escape(text), skip)
                        .isEqualTo(r.decode(want, skip));
            }
        }
    }

    private static boolean wellFormed(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(s);
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7F) {
                b.appendCodePoint(cp);
            } else {
                b.append(String.format("\\u{%X}", cp));
            }
        });
        return b.toString();
    }

    private static long[] toLong(int[] ids) {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(TokenizerKind.class)
    void matchesHuggingFaceOnFixedTexts(TokenizerKind kind) {
        for (String t : TEXTS) {
            check(kind, t);
        }
        // the generated vocabulary learned real merges: common words are single tokens
        open(kind);
        assertThat(JAVA.get(kind).encode(" the", false).length).isLessThanOrEqualTo(2);
        assertThat(JAVA.get(kind).size()).isEqualTo(700);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(
                        // well-formed Unicode only: a lone surrogate is not a string Rust can receive
                        Arbitraries.strings().all().ofMaxLength(40),
                        Arbitraries.strings()
                                .withChars("abc de'\n\t 1234.,;!?é日😀")
                                .ofMaxLength(60),
                        Arbitraries.of(TEXTS).map(t -> t + " " + t.toUpperCase()))
                .filter(TokenizerTest::wellFormed);
    }

    @Property(tries = 150)
    void byteLevelMatchesHuggingFace(@ForAll("texts") String text) {
        check(TokenizerKind.BYTE_LEVEL, text);
    }

    @Property(tries = 150)
    void gpt2MatchesHuggingFace(@ForAll("texts") String text) {
        check(TokenizerKind.GPT2, text);
    }

    @Property(tries = 150)
    void sentencePieceMatchesHuggingFace(@ForAll("texts") String text) {
        check(TokenizerKind.SENTENCEPIECE, text);
    }

    @Property(tries = 150)
    void metaspaceMatchesHuggingFace(@ForAll("texts") String text) {
        check(TokenizerKind.METASPACE, text);
    }

    @Property(tries = 100)
    void byteLevelRoundTrips(@ForAll("texts") String text) {
        open(TokenizerKind.BYTE_LEVEL);
        Tokenizer t = JAVA.get(TokenizerKind.BYTE_LEVEL);
        assertThat(t.decode(t.encode(text, false), false)).isEqualTo(text);
    }

    @ParameterizedTest
    @EnumSource(TokenizerKind.class)
    void rejectsUnsupportedComponents(TokenizerKind kind) {
        String json = TestModels.tokenizerJson(kind, 600, TestModels.CORPUS);
        assertThatThrownBy(() -> Tokenizer.parse("tok", json.replace("\"type\" : \"BPE\"", "\"type\" : \"Unigram\"")))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("is not BPE");
        assertThatThrownBy(() -> Tokenizer.parse("tok", "{oops")).hasMessageContaining("invalid JSON");
    }
}
