package io.openledger.attribution.internal;

import io.openledger.attribution.AttributionQuery;
import io.openledger.attribution.Corpus;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.RecordScores;
import io.openledger.attribution.spi.Attributor;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.contract.LayerGradients;
import io.openledger.core.contract.LoraGradients;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * DataInf over the records of the query's training versions that the gradient source holds (records
 * without a gradient score 0). Records are taken in id order, so scores do not depend on corpus
 * order. Thread-safe if the gradient source is.
 */
public final class DataInfAttributor implements Attributor {
    private final Corpus corpus;
    private final LoraGradients gradients;
    private final double factor;

    public DataInfAttributor(Corpus corpus, LoraGradients gradients, double factor) {
        this.corpus = corpus;
        this.gradients = gradients;
        this.factor = factor;
    }

    @Override
    public RecordScores score(AttributionQuery query) {
        TreeMap<String, LayerGradients> train = new TreeMap<>();
        for (DatanetVersionRef v : query.trainedOn()) {
            for (CorpusRecord r : corpus.records(v)) {
                Optional<LayerGradients> g = gradients.training(r.id());
                g.ifPresent(x -> train.put(r.id(), x));
            }
        }
        if (query.outputLength() == 0 || train.isEmpty()) {
            return RecordScores.empty();
        }
        LayerGradients v = gradients.query(query.promptTokens(), query.outputTokens());
        List<String> ids = new ArrayList<>(train.keySet());
        double[] s = DataInf.scores(new ArrayList<>(train.values()), v, factor);
        TreeMap<String, Double> scores = new TreeMap<>();
        for (int i = 0; i < s.length; i++) {
            if (s[i] != 0 && Double.isFinite(s[i])) {
                scores.put(ids.get(i), s[i]);
            }
        }
        return RecordScores.of(scores);
    }
}
