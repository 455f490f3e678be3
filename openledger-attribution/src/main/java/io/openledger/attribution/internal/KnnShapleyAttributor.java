package io.openledger.attribution.internal;

import io.openledger.attribution.AttributionQuery;
import io.openledger.attribution.Corpus;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.RecordScores;
import io.openledger.attribution.spi.Attributor;
import io.openledger.attribution.spi.EmbeddingProvider;
import io.openledger.core.contract.DatanetVersionRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** KNN-Shapley over record embeddings computed once at construction. Thread-safe. */
public final class KnnShapleyAttributor implements Attributor {
    private final Corpus corpus;
    private final EmbeddingProvider embeddings;
    private final int k;
    private final double threshold;
    private final Map<String, float[]> byId = new HashMap<>();

    public KnnShapleyAttributor(Corpus corpus, EmbeddingProvider embeddings, int k, double threshold) {
        this.corpus = corpus;
        this.embeddings = embeddings;
        this.k = k;
        this.threshold = threshold;
        for (DatanetVersionRef v : corpus.versions()) {
            for (CorpusRecord r : corpus.records(v)) {
                byId.put(r.id(), checked(embeddings.embed(r.tokens()), "record " + r.id()));
            }
        }
    }

    private float[] checked(float[] e, String what) {
        if (e.length != embeddings.dimension()) {
            throw new IllegalArgumentException("embedding of " + what + " has " + e.length + " dimensions, provider "
                    + embeddings.id() + " declares " + embeddings.dimension());
        }
        return e;
    }

    private record Ranked(String id, double similarity) {}

    @Override
    public RecordScores score(AttributionQuery query) {
        if (query.outputLength() == 0 && query.outputEmbedding().isEmpty()) {
            return RecordScores.empty();
        }
        float[] q =
                checked(query.outputEmbedding().orElseGet(() -> embeddings.embed(query.outputTokens())), "the output");
        List<Ranked> ranked = new ArrayList<>();
        for (DatanetVersionRef v : query.trainedOn()) {
            for (CorpusRecord r : corpus.records(v)) {
                ranked.add(new Ranked(r.id(), cosine(q, byId.get(r.id()))));
            }
        }
        if (ranked.isEmpty()) {
            return RecordScores.empty();
        }
        ranked.sort(Comparator.comparingDouble(Ranked::similarity).reversed().thenComparing(Ranked::id));
        double[] values = new double[ranked.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.max(0, ranked.get(i).similarity() - threshold);
        }
        double[] s = KnnShapley.values(values, k);
        TreeMap<String, Double> scores = new TreeMap<>();
        for (int i = 0; i < s.length; i++) {
            if (s[i] != 0) {
                scores.put(ranked.get(i).id(), s[i]);
            }
        }
        return RecordScores.of(scores);
    }

    @Override
    public long indexBytes() {
        return (long) byId.size() * embeddings.dimension() * Float.BYTES;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
