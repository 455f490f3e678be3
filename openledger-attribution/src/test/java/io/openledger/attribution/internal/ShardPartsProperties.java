package io.openledger.attribution.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.attribution.AttributionQuery;
import io.openledger.attribution.Bm25;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.InMemoryCorpus;
import io.openledger.attribution.Occurrence;
import io.openledger.attribution.RecordScores;
import io.openledger.attribution.testing.TestCorpora;
import io.openledger.core.contract.DatanetVersionRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A version too large for one shard is split into parts that are searched together: with a small
 * shard limit, every answer (count, locate, token count, span attribution) equals that of one shard
 * per version, the parts keep the records in order within the limit, and reopening reuses them.
 */
class ShardPartsProperties {
    @Property(tries = 40)
    void partsAnswerAsOneShardDoes(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 3) int versions,
            @ForAll @IntRange(min = 2, max = 5) int vocab,
            @ForAll @IntRange(min = 0, max = 100) int limitPercent)
            throws IOException {
        Random rnd = new Random(seed);
        InMemoryCorpus corpus = TestCorpora.random(rnd, versions, 12, 25, vocab);
        int longest = 0;
        for (DatanetVersionRef v : corpus.versions()) {
            for (CorpusRecord r : corpus.records(v)) {
                longest = Math.max(longest, r.length() + 1);
            }
        }
        // from the longest record (every record its own part, nearly) up to about half a version
        long limit = longest + (long) limitPercent * 3;
        Path dir = Files.createTempDirectory("shard-parts");
        try (ShardSet one = ShardSet.open(corpus, Files.createTempDirectory("shard-one"), true);
                ShardSet split = ShardSet.open(corpus, dir, false, limit)) {
            int totalParts = 0;
            for (DatanetVersionRef v : corpus.versions()) {
                List<CorpusRecord> joined = new ArrayList<>();
                for (ShardSet.Part p : split.parts(v)) {
                    assertThat(p.shard().streamLength()).isLessThanOrEqualTo(limit);
                    joined.addAll(p.records());
                }
                assertThat(joined).isEqualTo(corpus.records(v));
                long stream = joined.stream().mapToLong(r -> r.length() + 1L).sum();
                if (stream > limit) {
                    assertThat(split.parts(v)).hasSizeGreaterThan(1); // the case under test
                }
                totalParts += split.parts(v).size();
            }
            assertThat(split.built()).isEqualTo(totalParts);
            assertThat(split.tokenCount(corpus.versions())).isEqualTo(one.tokenCount(corpus.versions()));

            for (int q = 0; q < 20; q++) {
                int[] query = new int[1 + rnd.nextInt(4)];
                for (int i = 0; i < query.length; i++) {
                    query[i] = rnd.nextInt(vocab + 1);
                }
                assertThat(split.count(query, corpus.versions())).isEqualTo(one.count(query, corpus.versions()));
                assertThat(occurrences(split, query, corpus.versions()))
                        .containsExactlyInAnyOrderElementsOf(occurrences(one, query, corpus.versions()));
            }

            // span attribution of outputs quoting records gives the same scores and spans
            SpanAttributor a1 = new SpanAttributor(one, 2, 1_000, 1, false, Set.of(), Bm25.DEFAULT);
            SpanAttributor a2 = new SpanAttributor(split, 2, 1_000, 1, false, Set.of(), Bm25.DEFAULT);
            List<CorpusRecord> all = new ArrayList<>();
            corpus.versions().forEach(v -> all.addAll(corpus.records(v)));
            for (int q = 0; q < 5; q++) {
                List<Integer> out = new ArrayList<>();
                while (out.size() < 40) {
                    CorpusRecord r = all.get(rnd.nextInt(all.size()));
                    for (int t : r.tokens()) {
                        out.add(t);
                    }
                    out.add(vocab + 1); // a token no record holds
                }
                AttributionQuery query = AttributionQuery.builder()
                        .model(TestCorpora.MODEL)
                        .outputTokens(out.stream().mapToInt(Integer::intValue).toArray())
                        .trainedOn(corpus.versions())
                        .build();
                RecordScores r1 = a1.score(query);
                RecordScores r2 = a2.score(query);
                assertThat(r2.scores()).isEqualTo(r1.scores());
                assertThat(r2.spans()).isEqualTo(r1.spans());
            }
        }
        // reopened with the same limit, every part is reused
        try (ShardSet again = ShardSet.open(corpus, dir, true, limit)) {
            assertThat(again.built()).isZero();
        }
    }

    @Property(tries = 5)
    void aRecordLongerThanAShardIsRefusedByName(@ForAll long seed) throws IOException {
        InMemoryCorpus corpus = TestCorpora.random(new Random(seed), 1, 4, 25, 3);
        int longest = corpus.records(corpus.versions().getFirst()).stream()
                .mapToInt(CorpusRecord::length)
                .max()
                .orElseThrow();
        Path dir = Files.createTempDirectory("shard-parts");
        try {
            assertThatThrownBy(() -> ShardSet.open(corpus, dir, true, longest))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("one shard holds fewer than " + longest);
        } finally {
            Files.deleteIfExists(dir);
        }
    }

    private static List<String> occurrences(ShardSet s, int[] q, List<DatanetVersionRef> versions) {
        List<String> out = new ArrayList<>();
        for (Occurrence o : s.locate(q, versions, Integer.MAX_VALUE)) {
            out.add(o.record().id() + "@" + o.offset());
        }
        return out;
    }
}
