package io.openledger.attribution;

/**
 * A record that a span method retrieved (it holds a kept span), ranked by its BM25 relevance to the
 * query's prompt and output as OLMoTrace ranks the documents it shows (the collection being the
 * retrieved records; see {@link Bm25}). This is for display: it does not change the record's
 * attribution score.
 *
 * @param recordId the record
 * @param bm25 its BM25 score
 * @param relevance its level: {@link Relevance#HIGH} from two thirds of the best score of the
 *     query up, {@link Relevance#MEDIUM} from one third, else {@link Relevance#LOW} (our thresholds)
 */
public record RetrievedDocument(String recordId, double bm25, Relevance relevance) {
    /** How relevant a retrieved record is, relative to the best of its query. */
    public enum Relevance {
        /** At least two thirds of the best score. */
        HIGH,
        /** At least one third of the best score. */
        MEDIUM,
        /** Below one third of the best score, or sharing no token with the query. */
        LOW
    }

    /** The level of {@code score} given the query's best score {@code best}. */
    static Relevance level(double score, double best) {
        if (!(best > 0) || !(score > 0)) {
            return Relevance.LOW;
        }
        if (score * 3 >= best * 2) {
            return Relevance.HIGH;
        }
        return score * 3 >= best ? Relevance.MEDIUM : Relevance.LOW;
    }

    /** The ranking of {@code scored} (best first) as retrieved documents with levels. */
    public static java.util.List<RetrievedDocument> of(java.util.List<Bm25.Scored> scored) {
        double best = scored.isEmpty() ? 0 : scored.getFirst().score();
        return scored.stream()
                .map(s -> new RetrievedDocument(s.id(), s.score(), level(s.score(), best)))
                .toList();
    }
}
