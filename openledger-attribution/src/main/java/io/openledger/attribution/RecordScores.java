package io.openledger.attribution;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What an {@link io.openledger.attribution.spi.Attributor} returns: a raw score per record id
 * (records absent score 0) and, for span methods, the spans that carried the evidence. Immutable.
 *
 * @param scores raw influence per record id (finite values)
 * @param spans matched spans, in output order (empty for methods without spans)
 * @param documents the records the spans retrieved (up to 10 per span, as OLMoTrace shows), by BM25
 *     relevance to the query (empty for methods without spans)
 */
public record RecordScores(
        SortedMap<String, Double> scores, List<MatchedSpan> spans, List<RetrievedDocument> documents) {
    private static final RecordScores EMPTY = new RecordScores(new TreeMap<>(), List.of());

    /**
     * Copies both collections.
     *
     * @throws IllegalArgumentException if a score is NaN or infinite
     */
    public RecordScores {
        scores.forEach((id, v) -> {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("score of record " + id + " must be finite, got " + v);
            }
        });
        scores = Collections.unmodifiableSortedMap(new TreeMap<>(scores));
        spans = List.copyOf(spans);
        documents = List.copyOf(documents);
    }

    /** Scores and spans, with no ranked documents. */
    public RecordScores(SortedMap<String, Double> scores, List<MatchedSpan> spans) {
        this(scores, spans, List.of());
    }

    /** Scores without spans. */
    public static RecordScores of(Map<String, Double> scores) {
        return new RecordScores(new TreeMap<>(scores), List.of());
    }

    /** No record has influence. */
    public static RecordScores empty() {
        return EMPTY;
    }
}
