package io.openledger.attribution;

import io.openledger.attribution.internal.QualityScreen;
import io.openledger.attribution.spi.AttributionMethod;
import io.openledger.attribution.spi.Attributor;
import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.contract.AttributionWeights;
import io.openledger.core.contract.DatanetVersionRef;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Attributes outputs with one method over one corpus: runs the method, applies the quality policy,
 * keeps only positive influence, sums it per contributor and datanet, and converts it to exact
 * {@link AttributionWeights}. Every method gets the same normalisation, so methods can be compared
 * on equal terms.
 *
 * <p>Thread-safe: queries may run concurrently. Close it to release the method's index.
 */
public final class AttributionEngine implements AutoCloseable {
    private final AttributionMethod method;
    private final Corpus corpus;
    private final Attributor attributor;
    private final QualityScreen screen;

    private AttributionEngine(AttributionMethod method, Corpus corpus, QualityPolicy policy) {
        this.method = method;
        this.corpus = corpus;
        this.attributor = method.prepare(corpus);
        this.screen = new QualityScreen(corpus, policy);
    }

    /** A builder; method and corpus are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The method's id. */
    public String methodId() {
        return method.id();
    }

    /** Bytes of index the method holds. */
    public long indexBytes() {
        return attributor.indexBytes();
    }

    /**
     * Attributes one output.
     *
     * @throws IllegalArgumentException if the query names a datanet version the corpus lacks
     * @throws IllegalStateException if the method scored a record outside the query's versions
     */
    public AttributionResult attribute(AttributionQuery query) {
        for (DatanetVersionRef v : query.trainedOn()) {
            if (!corpus.contains(v)) {
                throw new IllegalArgumentException(
                        "corpus holds no datanet version " + v.datanet() + "@" + v.version() + " named by the query");
            }
        }
        RecordScores raw = attributor.score(query);
        Set<DatanetVersionRef> allowed = new HashSet<>(query.trainedOn());
        Map<String, Penalty> penalties = screen.penalties(query.trainedOn());
        List<RecordScore> records = new ArrayList<>();
        TreeMap<ContributorId, BigDecimal> byContributor = new TreeMap<>();
        TreeMap<DatanetId, BigDecimal> byDatanet = new TreeMap<>();
        for (var e : raw.scores().entrySet()) {
            double score = e.getValue();
            if (score == 0) {
                continue;
            }
            CorpusRecord r = corpus.record(e.getKey())
                    .orElseThrow(() -> new IllegalStateException(
                            "method " + method.id() + " scored unknown record '" + e.getKey() + "'"));
            if (!allowed.contains(r.version())) {
                throw new IllegalStateException("method " + method.id() + " scored record '" + r.id()
                        + "' outside the query's datanet versions");
            }
            @Nullable Penalty p = penalties.get(r.id());
            BigDecimal earning = score > 0 ? new BigDecimal(score) : BigDecimal.ZERO;
            if (p != null) {
                earning = earning.multiply(p.factor());
            }
            if (earning.signum() == 0) {
                earning = BigDecimal.ZERO;
            } else {
                byContributor.merge(r.contributor(), earning, BigDecimal::add);
                byDatanet.merge(r.version().datanet(), earning, BigDecimal::add);
            }
            records.add(new RecordScore(r, score, earning, p));
        }
        records.sort(Comparator.comparing(RecordScore::earning, Comparator.reverseOrder())
                .thenComparing(rs -> rs.record().id()));
        return new AttributionResult(
                method.id(),
                records,
                byContributor,
                byDatanet,
                AttributionWeights.fromScores(byContributor),
                raw.spans(),
                raw.documents());
    }

    @Override
    public void close() {
        attributor.close();
    }

    /** Collects an engine's parts; not thread-safe. */
    public static final class Builder {
        private @Nullable AttributionMethod method;
        private @Nullable Corpus corpus;
        private QualityPolicy policy = QualityPolicy.defaults();

        private Builder() {}

        /** The method (required). */
        public Builder method(AttributionMethod method) {
            this.method = Objects.requireNonNull(method, "method");
            return this;
        }

        /** The corpus (required). */
        public Builder corpus(Corpus corpus) {
            this.corpus = Objects.requireNonNull(corpus, "corpus");
            return this;
        }

        /** The quality policy (default {@link QualityPolicy#defaults()}). */
        public Builder qualityPolicy(QualityPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Prepares the method over the corpus (this may build an index).
         *
         * @throws IllegalStateException if method or corpus is missing
         */
        public AttributionEngine build() {
            if (method == null || corpus == null) {
                throw new IllegalStateException("AttributionEngine needs a method and a corpus");
            }
            return new AttributionEngine(method, corpus, policy);
        }
    }
}
