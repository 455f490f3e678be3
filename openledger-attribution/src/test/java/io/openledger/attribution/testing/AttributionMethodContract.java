package io.openledger.attribution.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.attribution.AttributionEngine;
import io.openledger.attribution.AttributionQuery;
import io.openledger.attribution.AttributionResult;
import io.openledger.attribution.Corpus;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.InMemoryCorpus;
import io.openledger.attribution.RecordScore;
import io.openledger.attribution.spi.AttributionMethod;
import io.openledger.core.ContributorId;
import io.openledger.core.contract.AttributionWeights;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.spi.ComponentLoader;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link AttributionMethod} must pass. Extend it in your method's tests and
 * implement {@link #method()}; it checks a stable id, empty inputs, determinism, exact
 * normalisation, invariance under permuting the corpus, and that a contributor quoted verbatim gets
 * the largest share. The method must also be registered for {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/io.openledger.attribution.spi.AttributionMethod} line or a module {@code
 * provides}), since the kit looks it up by id. Ships in the {@code openledger-attribution} test-jar.
 */
public abstract class AttributionMethodContract {
    /** A fresh instance of the method under test. */
    protected abstract AttributionMethod method();

    /** Runs one query through an engine with the default quality policy. */
    protected AttributionResult attribute(Corpus corpus, AttributionQuery query) {
        try (AttributionEngine engine =
                AttributionEngine.builder().method(method()).corpus(corpus).build()) {
            return engine.attribute(query);
        }
    }

    @Test
    void idIsStableAndWellFormed() {
        assertThat(method().id()).isEqualTo(method().id()).matches("[a-z0-9][a-z0-9.-]{0,63}");
    }

    @Test
    void isFoundByIdThroughTheServiceLoader() {
        AttributionMethod found = ComponentLoader.serviceLoader().require(AttributionMethod.class, method().id());
        assertThat(found.getClass()).isEqualTo(method().getClass());
    }

    @Test
    void emptyOutputEarnsNothing() {
        var task = TestCorpora.planted(new Random(1), 3, 5, 2);
        AttributionResult r = attribute(task.corpus(), task.query().withOutputTokens(new int[0]));
        assertThat(r.weights().isEmpty()).isTrue();
        assertThat(r.contributorScores()).isEmpty();
    }

    @Test
    void emptyCorpusEarnsNothing() {
        DatanetVersionRef v = TestCorpora.version("empty", 1);
        InMemoryCorpus corpus = InMemoryCorpus.builder().addVersion(v).build();
        AttributionQuery q = AttributionQuery.builder()
                .model(TestCorpora.MODEL)
                .outputTokens(new int[] {1, 2, 3, 4, 5, 6, 7, 8})
                .trainedOn(List.of(v))
                .build();
        assertThat(attribute(corpus, q).weights().isEmpty()).isTrue();
    }

    @Test
    void noTrainingVersionsEarnNothing() {
        var task = TestCorpora.planted(new Random(2), 3, 5, 2);
        AttributionResult r = attribute(
                task.corpus(), task.query().toBuilder().trainedOn(List.of()).build());
        assertThat(r.weights().isEmpty()).isTrue();
    }

    @Test
    void anUnknownVersionIsRejected() {
        var task = TestCorpora.planted(new Random(3), 3, 5, 2);
        AttributionQuery q = task.query().toBuilder()
                .trainedOn(List.of(TestCorpora.version("nowhere", 9)))
                .build();
        assertThatThrownBy(() -> attribute(task.corpus(), q))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nowhere@9");
    }

    @Test
    void onlyRecordsOfTheTrainingVersionsEarn() {
        var task = TestCorpora.planted(new Random(4), 4, 6, 3);
        DatanetVersionRef only = task.query().trainedOn().get(0);
        AttributionResult r = attribute(
                task.corpus(), task.query().toBuilder().trainedOn(List.of(only)).build());
        for (RecordScore s : r.records()) {
            assertThat(s.record().version()).isEqualTo(only);
        }
    }

    @Property(tries = 8)
    void isDeterministic(@ForAll long seed) {
        var task = TestCorpora.planted(new Random(seed), 4, 6, 3);
        AttributionResult a = attribute(task.corpus(), task.query());
        AttributionResult b = attribute(task.corpus(), task.query());
        assertThat(b.weights()).isEqualTo(a.weights());
        assertThat(b.records()).isEqualTo(a.records());
        assertThat(b.spans()).isEqualTo(a.spans());
    }

    @Property(tries = 8)
    void sharesArePositiveAndSumToExactlyOne(@ForAll long seed) {
        var task = TestCorpora.planted(new Random(seed), 4, 6, 3);
        AttributionWeights w = attribute(task.corpus(), task.query()).weights();
        assertThat(w.isEmpty()).isFalse();
        long sum = 0;
        for (long share : w.shares().values()) {
            assertThat(share).isPositive();
            sum = Math.addExact(sum, share);
        }
        assertThat(sum).isEqualTo(AttributionWeights.ONE);
    }

    @Property(tries = 8)
    void isInvariantUnderPermutingTheCorpus(@ForAll long seed) {
        Random rnd = new Random(seed);
        var task = TestCorpora.planted(rnd, 4, 6, 3);
        AttributionResult a = attribute(task.corpus(), task.query());
        AttributionResult b = attribute(TestCorpora.shuffled(task.corpus(), rnd), task.query());
        assertThat(b.weights()).isEqualTo(a.weights());
        assertThat(earnings(b)).isEqualTo(earnings(a));
    }

    @Property(tries = 8)
    void theQuotedContributorGetsTheLargestShare(@ForAll long seed) {
        var task = TestCorpora.planted(new Random(seed), 5, 8, 3);
        AttributionWeights w = attribute(task.corpus(), task.query()).weights();
        ContributorId top = w.shares().entrySet().stream()
                .max(Map.Entry.<ContributorId, Long>comparingByValue())
                .orElseThrow()
                .getKey();
        assertThat(top).isEqualTo(task.source());
    }

    private static Map<String, String> earnings(AttributionResult r) {
        return r.records().stream()
                .collect(Collectors.toMap(s -> s.record().id(), s -> s.earning().toPlainString()));
    }

    /** A record helper for subclasses that build their own corpora. */
    protected static CorpusRecord record(String id, int contributor, DatanetVersionRef v, int... tokens) {
        return CorpusRecord.of(id, TestCorpora.contributor(contributor), v, tokens);
    }
}
