package io.openledger.attribution;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Okapi BM25 over token ids, with the collection being the documents given: OLMoTrace ranks the
 * documents its spans retrieved this way, with the prompt and the response as the query (Liu et al.
 * 2025, "OLMoTrace", section 2). The score of a document d for a query q is the sum over the
 * distinct query tokens t of
 *
 * <pre>
 *   idf(t) · tf(t, d) · (k1 + 1) / (tf(t, d) + k1 · (1 − b + b · |d| / avgdl))
 *   idf(t) = ln(1 + (N − n(t) + 0.5) / (n(t) + 0.5))
 * </pre>
 *
 * (Robertson and Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond", 2009, with
 * Lucene's non-negative idf), where N is the number of documents, n(t) how many hold t and avgdl
 * their mean length. Immutable.
 *
 * @param k1 term-frequency saturation (1.2 by default)
 * @param b length normalisation, 0 to 1 (0.75 by default)
 */
public record Bm25(double k1, double b) {
    /** k1 = 1.2, b = 0.75. */
    public static final Bm25 DEFAULT = new Bm25(1.2, 0.75);

    /**
     * Checks the parameters.
     *
     * @throws IllegalArgumentException unless k1 ≥ 0 and 0 ≤ b ≤ 1
     */
    public Bm25 {
        if (!(k1 >= 0) || !(b >= 0 && b <= 1)) {
            throw new IllegalArgumentException("BM25 needs k1 >= 0 and b in [0, 1], got k1=" + k1 + ", b=" + b);
        }
    }

    /**
     * A document's score.
     *
     * @param id the document's id
     * @param score its BM25 score for the query (0 if it shares no token with it)
     */
    public record Scored(String id, double score) {}

    /**
     * Scores every document of {@code documents} (id → tokens) for {@code query}, the documents
     * forming the collection; best first, ties by id.
     */
    public List<Scored> rank(int[] query, Map<String, int[]> documents) {
        int n = documents.size();
        if (n == 0) {
            return List.of();
        }
        int[] terms = java.util.Arrays.stream(query).distinct().sorted().toArray();
        Set<Integer> wanted = new HashSet<>();
        for (int t : terms) {
            wanted.add(t);
        }
        Map<Integer, Integer> df = new HashMap<>();
        Map<String, Map<Integer, Integer>> tf = new HashMap<>();
        long totalLength = 0;
        for (Map.Entry<String, int[]> d : documents.entrySet()) {
            Map<Integer, Integer> counts = new HashMap<>();
            for (int t : d.getValue()) {
                if (wanted.contains(t)) {
                    counts.merge(t, 1, Integer::sum);
                }
            }
            counts.keySet().forEach(t -> df.merge(t, 1, Integer::sum));
            tf.put(d.getKey(), counts);
            totalLength += d.getValue().length;
        }
        double avgdl = Math.max(1e-9, (double) totalLength / n);
        List<Scored> out = new ArrayList<>(n);
        for (Map.Entry<String, int[]> d : documents.entrySet()) {
            double norm = k1 * (1 - b + b * d.getValue().length / avgdl);
            Map<Integer, Integer> counts = tf.get(d.getKey());
            double score = 0;
            for (int t : terms) { // in token order, so the sum does not depend on hashing
                Integer f = counts.get(t);
                if (f != null) {
                    int nt = df.get(t);
                    double idf = Math.log1p((n - nt + 0.5) / (nt + 0.5));
                    score += idf * f * (k1 + 1) / (f + norm);
                }
            }
            out.add(new Scored(d.getKey(), score));
        }
        out.sort(Comparator.comparingDouble(Scored::score).reversed().thenComparing(Scored::id));
        return List.copyOf(out);
    }
}
