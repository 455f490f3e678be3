package io.openledger.attribution;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in word-and-punctuation tokenizer: a token is a run of letters, digits, apostrophes or
 * underscores, or any other single non-space character. Ids are given in first-seen order from a
 * vocabulary this instance grows, so text tokenized for a corpus and for a query must go through the
 * same instance (or one restored from {@link #vocabulary()}). Case is kept, so matching is verbatim.
 * Thread-safe.
 */
public final class WordTokenizer {
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> words = new ArrayList<>();

    /** An empty vocabulary. */
    public WordTokenizer() {}

    /**
     * A tokenizer whose vocabulary starts with {@code vocabulary}, id i for entry i.
     *
     * @throws IllegalArgumentException if an entry repeats or is empty
     */
    public WordTokenizer(List<String> vocabulary) {
        for (String w : vocabulary) {
            if (w.isEmpty() || ids.putIfAbsent(w, words.size()) != null) {
                throw new IllegalArgumentException("vocabulary entry '" + w + "' is empty or repeated");
            }
            words.add(w);
        }
    }

    /** The words of {@code text}, without ids. */
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            int cp = text.codePointAt(i);
            if (Character.isWhitespace(cp)) {
                i += Character.charCount(cp);
            } else if (isWordChar(cp)) {
                int start = i;
                while (i < n && isWordChar(text.codePointAt(i))) {
                    i += Character.charCount(text.codePointAt(i));
                }
                out.add(text.substring(start, i));
            } else {
                out.add(text.substring(i, i + Character.charCount(cp)));
                i += Character.charCount(cp);
            }
        }
        return out;
    }

    private static boolean isWordChar(int cp) {
        return Character.isLetterOrDigit(cp) || cp == '\'' || cp == '_';
    }

    /** The token ids of {@code text}, adding new words to the vocabulary. */
    public synchronized int[] encode(String text) {
        List<String> parts = split(text);
        int[] out = new int[parts.size()];
        for (int i = 0; i < out.length; i++) {
            String w = parts.get(i);
            Integer id = ids.get(w);
            if (id == null) {
                id = words.size();
                ids.put(w, id);
                words.add(w);
            }
            out[i] = id;
        }
        return out;
    }

    /**
     * The text of {@code tokens}: words separated by single spaces, with no space before
     * punctuation nor after a joining mark ({@code - / ' ’}), so "low-rank" comes back whole.
     *
     * @throws IllegalArgumentException if an id is not in the vocabulary
     */
    public synchronized String decode(int[] tokens) {
        StringBuilder sb = new StringBuilder();
        String previous = "";
        for (int t : tokens) {
            if (t < 0 || t >= words.size()) {
                throw new IllegalArgumentException("token id " + t + " is not in the vocabulary of " + words.size());
            }
            String w = words.get(t);
            boolean joined =
                    previous.equals("-") || previous.equals("/") || previous.equals("'") || previous.equals("\u2019");
            if (!sb.isEmpty() && isWordChar(w.codePointAt(0)) && !joined) {
                sb.append(' ');
            }
            sb.append(w);
            previous = w;
        }
        return sb.toString();
    }

    /** A copy of the vocabulary, id i at index i. */
    public synchronized List<String> vocabulary() {
        return List.copyOf(words);
    }
}
