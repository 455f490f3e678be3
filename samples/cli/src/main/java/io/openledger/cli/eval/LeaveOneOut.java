package io.openledger.cli.eval;

import io.openledger.attribution.AttributionEngine;
import io.openledger.attribution.AttributionQuery;
import io.openledger.attribution.AttributionResult;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.InMemoryCorpus;
import io.openledger.attribution.RecordScore;
import io.openledger.attribution.SpanIndex;
import io.openledger.attribution.spi.AttributionMethod;
import io.openledger.core.contract.DatanetVersionRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Leave-one-out ground truth for a model whose dependence on its training data is exact and cheap
 * to recompute: the ∞-gram language model of the corpus (Liu et al. 2024), which predicts each
 * output token from the longest context suffix that occurs in the corpus, here add-0.01 smoothed
 * over the vocabulary. A record's true influence on an output is the drop in the output's
 * log-likelihood when the record is removed and the index rebuilt without it (Koh and Liang's
 * "retrain without the point"). A method's agreement is the Spearman correlation between its
 * per-record scores and those drops, averaged over outputs.
 */
final class LeaveOneOut {
    private final InMemoryCorpus corpus;
    private final List<DatanetVersionRef> versions;
    private final List<CorpusRecord> records = new ArrayList<>();
    private final long vocabulary;

    LeaveOneOut(InMemoryCorpus corpus, long vocabulary) {
        this.corpus = corpus;
        this.versions = corpus.versions();
        this.vocabulary = vocabulary;
        for (DatanetVersionRef v : versions) {
            records.addAll(corpus.records(v));
        }
    }

    /** For each output, the log-likelihood drop when each record (in corpus order) is left out. */
    List<double[]> drops(List<AttributionQuery> outputs) {
        List<double[]> out = new ArrayList<>();
        double[] full = new double[outputs.size()];
        try (SpanIndex index = SpanIndex.temporary(corpus)) {
            for (int o = 0; o < outputs.size(); o++) {
                full[o] = logLikelihood(index, outputs.get(o).outputTokens());
            }
        }
        for (int o = 0; o < outputs.size(); o++) {
            out.add(new double[records.size()]);
        }
        for (int r = 0; r < records.size(); r++) {
            var b = InMemoryCorpus.builder();
            versions.forEach(b::addVersion);
            for (int k = 0; k < records.size(); k++) {
                if (k != r) {
                    b.add(records.get(k));
                }
            }
            try (SpanIndex index = SpanIndex.temporary(b.build())) {
                for (int o = 0; o < outputs.size(); o++) {
                    out.get(o)[r] =
                            full[o] - logLikelihood(index, outputs.get(o).outputTokens());
                }
            }
        }
        return out;
    }

    double logLikelihood(SpanIndex index, int[] out) {
        long total = index.tokenCount(versions);
        double ll = 0;
        int j = 0;
        for (int i = 0; i < out.length; i++) {
            // the longest suffix of the context that occurs; it only ever shortens from the left
            while (j < i && index.count(Arrays.copyOfRange(out, j, i), versions) == 0) {
                j++;
            }
            long context = j < i ? index.count(Arrays.copyOfRange(out, j, i), versions) : total;
            long next = index.count(Arrays.copyOfRange(out, j, i + 1), versions);
            ll += Math.log((next + 0.01) / (context + 0.01 * vocabulary));
        }
        return ll;
    }

    /** Mean Spearman correlation between the method's raw record scores and the drops. */
    double agreement(AttributionMethod method, List<AttributionQuery> outputs, List<double[]> drops) {
        double sum = 0;
        int counted = 0;
        try (AttributionEngine engine =
                AttributionEngine.builder().method(method).corpus(corpus).build()) {
            for (int o = 0; o < outputs.size(); o++) {
                AttributionResult r = engine.attribute(outputs.get(o));
                Map<String, Double> raw = new HashMap<>();
                for (RecordScore s : r.records()) {
                    raw.put(s.record().id(), s.raw());
                }
                double[] scores = new double[records.size()];
                for (int k = 0; k < records.size(); k++) {
                    scores[k] = raw.getOrDefault(records.get(k).id(), 0.0);
                }
                double rho = spearman(scores, drops.get(o));
                if (!Double.isNaN(rho)) {
                    sum += rho;
                    counted++;
                }
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    static double spearman(double[] a, double[] b) {
        return pearson(ranks(a), ranks(b));
    }

    /** Ranks from 1, ties given their average rank. */
    static double[] ranks(double[] x) {
        Integer[] idx = new Integer[x.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (p, q) -> Double.compare(x[p], x[q]));
        double[] r = new double[x.length];
        for (int i = 0; i < idx.length; ) {
            int j = i;
            while (j + 1 < idx.length && x[idx[j + 1]] == x[idx[i]]) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[idx[k]] = avg;
            }
            i = j + 1;
        }
        return r;
    }

    static double pearson(double[] a, double[] b) {
        double ma = Arrays.stream(a).average().orElse(0);
        double mb = Arrays.stream(b).average().orElse(0);
        double num = 0;
        double da = 0;
        double db = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - ma) * (b[i] - mb);
            da += (a[i] - ma) * (a[i] - ma);
            db += (b[i] - mb) * (b[i] - mb);
        }
        return da == 0 || db == 0 ? Double.NaN : num / Math.sqrt(da * db);
    }
}
