package io.openledger.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.attribution.spi.AttributionMethod;
import io.openledger.attribution.testing.TestCorpora;
import io.openledger.core.AdapterId;
import io.openledger.core.Address;
import io.openledger.core.Hash;
import io.openledger.core.contract.InferenceRecord;
import io.openledger.core.spi.ComponentLoader;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Builders, validation, discovery and the tokenizer. */
class ApiTest {
    @Test
    void bothMethodsAreFoundThroughTheServiceLoaderInIdOrder() {
        List<String> ids = ComponentLoader.serviceLoader().load(AttributionMethod.class).stream()
                .map(AttributionMethod::id)
                .toList();
        assertThat(ids).containsExactly(DataInfMethod.ID, KnnShapleyMethod.ID, SpanMethod.ID);
        assertThat(ComponentLoader.of(new SpanMethod()).require(AttributionMethod.class, "span-infini-gram"))
                .isInstanceOf(SpanMethod.class);
    }

    @Test
    void buildersFailEarlyNamingTheParameterAndRange() {
        assertThatThrownBy(() -> SpanMethod.builder().minLength(0)).hasMessage("minLength must be in [1, 4096], got 0");
        assertThatThrownBy(() -> SpanMethod.builder().maxCount(0)).hasMessageContaining("maxCount must be in");
        assertThatThrownBy(() -> SpanMethod.builder().keepFraction(0)).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> SpanMethod.builder().keepFraction(Double.NaN)).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> KnnShapleyMethod.builder().k(0)).hasMessage("k must be in [1, 10000], got 0");
        assertThatThrownBy(() -> KnnShapleyMethod.builder().threshold(1)).hasMessageContaining("[-1, 1)");
        assertThatThrownBy(() -> new HashingEmbedding(1)).hasMessageContaining("dimension must be in");
        assertThatThrownBy(() -> QualityPolicy.builder().duplicateFactor(new BigDecimal("1.5")))
                .hasMessageContaining("duplicateFactor must be in [0, 1]");
        assertThatThrownBy(() -> new Penalty(" ", BigDecimal.ONE)).hasMessageContaining("blank");
        assertThatThrownBy(() -> AttributionQuery.builder().outputTokens(new int[] {3, -2}))
                .hasMessage("outputTokens[1] must be >= 0, got -2");
        assertThatThrownBy(() -> AttributionQuery.builder().build()).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> AttributionQuery.builder().outputEmbedding(new float[] {Float.NaN}))
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> AttributionEngine.builder().build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(
                        () -> CorpusRecord.of("", TestCorpora.contributor(0), TestCorpora.version("x", 1), new int[0]))
                .hasMessageContaining("1 to 256 characters");
        assertThatThrownBy(() ->
                        CorpusRecord.of("r", TestCorpora.contributor(0), TestCorpora.version("x", 1), new int[] {-1}))
                .hasMessageContaining("token ids must be >= 0");
    }

    @Test
    void corpusRejectsDuplicateIdsAndUnknownVersions() {
        var v = TestCorpora.version("c", 1);
        var r = CorpusRecord.of("same", TestCorpora.contributor(0), v, new int[] {1});
        assertThatThrownBy(() -> InMemoryCorpus.of(List.of(r, r))).hasMessageContaining("duplicate record id 'same'");
        assertThatThrownBy(() -> InMemoryCorpus.of(List.of(r)).records(TestCorpora.version("d", 2)))
                .hasMessageContaining("d@2");
    }

    @Test
    void valuesAreCopiedInAndOut() {
        int[] tokens = {1, 2, 3};
        var rec = CorpusRecord.of("r", TestCorpora.contributor(0), TestCorpora.version("x", 1), tokens);
        tokens[0] = 99;
        rec.tokens()[1] = 99;
        assertThat(rec.tokens()).containsExactly(1, 2, 3);
        AttributionQuery q = AttributionQuery.builder()
                .model(TestCorpora.MODEL)
                .outputTokens(tokens)
                .build();
        tokens[1] = 42;
        assertThat(q.outputTokens()).containsExactly(99, 2, 3);
    }

    @Test
    void aQueryFromAnInferenceRecordKeepsEverything() {
        var v = TestCorpora.version("x", 1);
        InferenceRecord ir = new InferenceRecord(
                Hash.ZERO,
                TestCorpora.MODEL,
                AdapterId.of("lora-1"),
                Address.ZERO,
                List.of(5, 6),
                List.of(7, 8, 9),
                List.of(v, v),
                new InferenceRecord.Timings(Duration.ZERO, Duration.ZERO, Duration.ZERO),
                Instant.EPOCH);
        AttributionQuery q = AttributionQuery.of(ir);
        assertThat(q.model()).isEqualTo(TestCorpora.MODEL);
        assertThat(q.adapter()).contains(AdapterId.of("lora-1"));
        assertThat(q.promptTokens()).containsExactly(5, 6);
        assertThat(q.outputTokens()).containsExactly(7, 8, 9);
        assertThat(q.trainedOn()).containsExactly(v);
    }

    @Test
    void wordTokenizerSplitsWordsAndPunctuationAndRoundTrips() {
        WordTokenizer tok = new WordTokenizer();
        assertThat(WordTokenizer.split("Hello, world! It's 42."))
                .containsExactly("Hello", ",", "world", "!", "It's", "42", ".");
        int[] ids = tok.encode("Hello, world! Hello again.");
        assertThat(ids).containsExactly(0, 1, 2, 3, 0, 4, 5);
        assertThat(tok.decode(ids)).isEqualTo("Hello, world! Hello again.");
        assertThat(new WordTokenizer(tok.vocabulary()).encode("again world")).containsExactly(4, 2);
        assertThatThrownBy(() -> tok.decode(new int[] {77})).hasMessageContaining("not in the vocabulary");
    }

    @Test
    void aModelSuppliedEmbeddingIsUsedAndChecked() {
        var task = TestCorpora.planted(new Random(11), 3, 4, 1);
        try (AttributionEngine engine = AttributionEngine.builder()
                .method(KnnShapleyMethod.builder()
                        .embeddings(new HashingEmbedding(16))
                        .build())
                .corpus(task.corpus())
                .build()) {
            AttributionQuery wrong =
                    task.query().toBuilder().outputEmbedding(new float[8]).build();
            assertThatThrownBy(() -> engine.attribute(wrong)).hasMessageContaining("has 8 dimensions");
            float[] e = new HashingEmbedding(16)
                    .embed(task.corpus()
                            .record(task.quoted().get(0))
                            .orElseThrow()
                            .tokens());
            AttributionResult r =
                    engine.attribute(task.query().toBuilder().outputEmbedding(e).build());
            assertThat(r.records().get(0).record().id()).isEqualTo(task.quoted().get(0));
        }
    }

    @Test
    void aServiceLoadedSpanMethodDeletesItsTemporaryIndexOnClose() throws Exception {
        var corpus = TestCorpora.random(new Random(2), 2, 4, 6, 3);
        java.util.Set<java.nio.file.Path> before = tempIndexes();
        var attributor = new SpanMethod().prepare(corpus);
        assertThat(attributor.indexBytes()).isPositive();
        java.util.Set<java.nio.file.Path> during = tempIndexes();
        during.removeAll(before);
        assertThat(during).hasSize(1);
        attributor.close();
        assertThat(during.iterator().next()).doesNotExist();
    }

    private static java.util.Set<java.nio.file.Path> tempIndexes() throws java.io.IOException {
        try (var s = java.nio.file.Files.list(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("openledger-span-"))
                    .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
        }
    }

    @Test
    void closedIndexRefusesQueries() {
        SpanIndex index = SpanIndex.temporary(TestCorpora.random(new Random(1), 1, 3, 5, 3));
        index.close();
        assertThatThrownBy(() -> index.count(new int[] {1})).isInstanceOf(IllegalStateException.class);
    }
}
