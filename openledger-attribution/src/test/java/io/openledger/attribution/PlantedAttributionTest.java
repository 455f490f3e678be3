package io.openledger.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.attribution.testing.TestCorpora;
import io.openledger.core.ContributorId;
import io.openledger.core.contract.AttributionWeights;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Outputs quoting one contributor's records among generic text: that contributor wins, every time. */
class PlantedAttributionTest {
    private static final long HALF = AttributionWeights.ONE / 2;

    @Property(tries = 40)
    void theQuotedContributorGetsTheLargestShare(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int quotes) {
        var task = TestCorpora.planted(new Random(seed), 6, 12, quotes);
        try (AttributionEngine engine = AttributionEngine.builder()
                .method(new SpanMethod())
                .corpus(task.corpus())
                .build()) {
            AttributionResult r = engine.attribute(task.query());
            ContributorId top = r.weights().shares().entrySet().stream()
                    .max(Map.Entry.<ContributorId, Long>comparingByValue())
                    .orElseThrow()
                    .getKey();
            assertThat(top).isEqualTo(task.source());
            assertThat(r.weights().shareOf(task.source())).isGreaterThan(HALF);
            // each kept span names records that really hold it
            for (MatchedSpan s : r.spans()) {
                assertThat(s.length()).isGreaterThanOrEqualTo(6);
                assertThat(s.recordIds()).isNotEmpty();
            }
            assertThat(r.records().get(0).record().id()).isIn(task.quoted());
        }
    }

    @Test
    void aDuplicateEarnsNothingAndSaysWhy() {
        var v = TestCorpora.version("dup", 1);
        int[] text = TestCorpora.zipf(new Random(5), 30, 2000);
        InMemoryCorpus corpus = InMemoryCorpus.of(List.of(
                CorpusRecord.of("a-original", TestCorpora.contributor(0), v, text),
                CorpusRecord.of("b-copy", TestCorpora.contributor(1), v, text)));
        AttributionQuery q = AttributionQuery.builder()
                .model(TestCorpora.MODEL)
                .outputTokens(text)
                .trainedOn(List.of(v))
                .build();
        try (AttributionEngine engine = AttributionEngine.builder()
                .method(new SpanMethod())
                .corpus(corpus)
                .build()) {
            AttributionResult r = engine.attribute(q);
            assertThat(r.weights().shareOf(TestCorpora.contributor(0))).isEqualTo(AttributionWeights.ONE);
            assertThat(r.penalised()).singleElement().satisfies(s -> {
                assertThat(s.record().id()).isEqualTo("b-copy");
                assertThat(s.penalty().reason()).isEqualTo("duplicate of a-original");
                assertThat(s.earning().signum()).isZero();
            });
        }
        // a custom filter halves contributor 0; without duplicate detection both earn
        QualityPolicy policy = QualityPolicy.builder()
                .duplicateFactor(BigDecimal.ONE)
                .filter(rec -> rec.id().startsWith("a-")
                        ? Optional.of(new Penalty("flagged by reviewer", new BigDecimal("0.5")))
                        : Optional.empty())
                .build();
        try (AttributionEngine engine = AttributionEngine.builder()
                .method(new SpanMethod())
                .corpus(corpus)
                .qualityPolicy(policy)
                .build()) {
            AttributionResult r = engine.attribute(q);
            long halved = r.weights().shareOf(TestCorpora.contributor(0));
            long full = r.weights().shareOf(TestCorpora.contributor(1));
            assertThat(Math.abs(full - 2 * halved)).isLessThanOrEqualTo(2);
            assertThat(r.penalised())
                    .singleElement()
                    .satisfies(s -> assertThat(s.penalty().reason()).isEqualTo("flagged by reviewer"));
        }
    }
}
