package io.openledger.datanet;

import io.openledger.core.spi.Named;
import io.openledger.datanet.internal.WordTokenizer;

/**
 * Turns text into token ids for training and attribution. Implementations must be deterministic
 * (the same text always gives the same ids) and thread-safe. Any tokenizer (a BPE vocabulary, a
 * Hugging Face tokenizer.json) can be adapted to this interface.
 */
public interface Tokenizer extends Named {
    /** The token ids of {@code text}, in order. */
    int[] encode(String text);

    /**
     * The built-in default ({@code id() = "word-fnv1a"}): splits into runs of letters or digits and
     * single other non-space characters, lower-cases, and maps each token to the 31-bit FNV-1a hash
     * of its UTF-8 bytes. Needs no vocabulary; distinct tokens may (rarely) share an id.
     */
    static Tokenizer simple() {
        return WordTokenizer.INSTANCE;
    }
}
