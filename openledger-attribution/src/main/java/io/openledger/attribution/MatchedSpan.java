package io.openledger.attribution;

import java.util.List;

/**
 * A maximal span of an output that occurs verbatim in the corpus.
 *
 * @param start index of the span's first token in the output
 * @param length number of tokens
 * @param count occurrences in the searched datanet versions
 * @param unigramLogProbability sum of the natural logs of the tokens' unigram probabilities (lower
 *     is rarer)
 * @param mass the influence the span hands out, split over its occurrences
 * @param recordIds the distinct records holding it, sorted
 */
public record MatchedSpan(
        int start, int length, long count, double unigramLogProbability, double mass, List<String> recordIds) {
    /** Copies the ids. */
    public MatchedSpan {
        recordIds = List.copyOf(recordIds);
    }

    /** The index one past the span's last token. */
    public int end() {
        return start + length;
    }
}
