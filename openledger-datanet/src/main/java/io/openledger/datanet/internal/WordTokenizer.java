package io.openledger.datanet.internal;

import io.openledger.datanet.Tokenizer;
import java.util.Arrays;

/**
 * The default {@link Tokenizer}: runs of letters or digits, and single other non-space code points,
 * lower-cased, each mapped to the 31-bit FNV-1a hash of its UTF-8 bytes (FNV-1a: Fowler, Noll, Vo;
 * offset basis 2166136261, prime 16777619). Stateless and thread-safe.
 */
public final class WordTokenizer implements Tokenizer {
    /** The single instance. */
    public static final WordTokenizer INSTANCE = new WordTokenizer();

    private WordTokenizer() {}

    @Override
    public String id() {
        return "word-fnv1a";
    }

    @Override
    public int[] encode(String text) {
        int[] out = new int[Math.max(4, text.length() / 4)];
        int n = 0;
        int i = 0;
        int len = text.length();
        while (i < len) {
            int cp = text.codePointAt(i);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int h = 0x811c9dc5;
            if (Character.isLetterOrDigit(cp)) {
                while (i < len) {
                    int c = text.codePointAt(i);
                    if (!Character.isLetterOrDigit(c)) {
                        break;
                    }
                    h = fnv(h, Character.toLowerCase(c));
                    i += Character.charCount(c);
                }
            } else {
                h = fnv(h, cp);
                i += Character.charCount(cp);
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = h & 0x7fffffff;
        }
        return Arrays.copyOf(out, n);
    }

    /** Feeds the UTF-8 bytes of one code point into an FNV-1a state. */
    private static int fnv(int h, int cp) {
        if (cp < 0x80) {
            return step(h, cp);
        } else if (cp < 0x800) {
            h = step(h, 0xc0 | (cp >> 6));
            return step(h, 0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            h = step(h, 0xe0 | (cp >> 12));
            h = step(h, 0x80 | ((cp >> 6) & 0x3f));
            return step(h, 0x80 | (cp & 0x3f));
        } else {
            h = step(h, 0xf0 | (cp >> 18));
            h = step(h, 0x80 | ((cp >> 12) & 0x3f));
            h = step(h, 0x80 | ((cp >> 6) & 0x3f));
            return step(h, 0x80 | (cp & 0x3f));
        }
    }

    private static int step(int h, int b) {
        return (h ^ b) * 0x01000193;
    }
}
