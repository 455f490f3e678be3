package io.openledger.attribution.internal;

import io.openledger.attribution.Corpus;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.Penalty;
import io.openledger.attribution.QualityFilter;
import io.openledger.attribution.QualityPolicy;
import io.openledger.core.contract.DatanetVersionRef;
import java.math.BigDecimal;
import java.nio.IntBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** Applies a {@link QualityPolicy} to the records of a set of versions; caches per version set. */
public final class QualityScreen {
    private final Corpus corpus;
    private final QualityPolicy policy;
    private final Map<List<DatanetVersionRef>, Map<String, Penalty>> cache = new ConcurrentHashMap<>();

    public QualityScreen(Corpus corpus, QualityPolicy policy) {
        this.corpus = corpus;
        this.policy = policy;
    }

    /** Penalties by record id for the records of {@code versions}. */
    public Map<String, Penalty> penalties(List<DatanetVersionRef> versions) {
        return cache.computeIfAbsent(List.copyOf(versions), this::compute);
    }

    private Map<String, Penalty> compute(List<DatanetVersionRef> versions) {
        Map<String, Penalty> out = new HashMap<>();
        boolean dedupe = policy.duplicateFactor().compareTo(BigDecimal.ONE) < 0;
        // token content -> ids holding it; the smallest id is the original
        Map<IntBuffer, TreeSet<String>> byContent = new HashMap<>();
        for (DatanetVersionRef v : versions) {
            for (CorpusRecord r : corpus.records(v)) {
                if (dedupe) {
                    byContent
                            .computeIfAbsent(IntBuffer.wrap(r.tokens()), k -> new TreeSet<>())
                            .add(r.id());
                }
                for (QualityFilter f : policy.filters()) {
                    Optional<Penalty> p = f.assess(r);
                    p.ifPresent(pen -> out.merge(r.id(), pen, QualityScreen::combine));
                }
            }
        }
        for (TreeSet<String> ids : byContent.values()) {
            if (ids.size() > 1) {
                String original = ids.first();
                for (String id : ids.tailSet(original, false)) {
                    out.merge(
                            id,
                            new Penalty("duplicate of " + original, policy.duplicateFactor()),
                            QualityScreen::combine);
                }
            }
        }
        return Map.copyOf(out);
    }

    private static Penalty combine(Penalty a, Penalty b) {
        return new Penalty(a.reason() + "; " + b.reason(), a.factor().multiply(b.factor()));
    }
}
