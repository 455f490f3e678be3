package io.openledger.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.attribution.testing.TestCorpora;
import io.openledger.core.contract.DatanetVersionRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** count and locate against a brute-force scan; shard reuse; corrupt files. */
class SpanIndexProperties {
    @Property(tries = 60)
    void countAndLocateEqualABruteForceScan(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int versions) {
        Random rnd = new Random(seed);
        InMemoryCorpus corpus = TestCorpora.random(rnd, versions, 12, 25, 4);
        try (SpanIndex index = SpanIndex.temporary(corpus)) {
            for (int q = 0; q < 30; q++) {
                int[] query = new int[1 + rnd.nextInt(4)];
                for (int i = 0; i < query.length; i++) {
                    query[i] = rnd.nextInt(5); // token 4 never occurs in the corpus
                }
                List<DatanetVersionRef> vs = corpus.versions();
                Set<String> expected = new HashSet<>();
                for (DatanetVersionRef v : vs) {
                    for (CorpusRecord r : corpus.records(v)) {
                        for (int off = 0; off + query.length <= r.length(); off++) {
                            boolean match = true;
                            for (int j = 0; j < query.length && match; j++) {
                                match = r.tokenAt(off + j) == query[j];
                            }
                            if (match) {
                                expected.add(r.id() + "@" + off);
                            }
                        }
                    }
                }
                assertThat(index.count(query)).isEqualTo(expected.size());
                Set<String> located = new HashSet<>();
                for (Occurrence o : index.locate(query, vs, Integer.MAX_VALUE)) {
                    located.add(o.record().id() + "@" + o.offset());
                }
                assertThat(located).isEqualTo(expected);
                assertThat(index.locate(query, vs, 1)).hasSize(Math.min(1, expected.size()));
            }
        }
    }

    @Test
    void aNewVersionBuildsOnlyItsOwnShard(@TempDir Path dir) throws IOException {
        Random rnd = new Random(7);
        InMemoryCorpus one = TestCorpora.random(rnd, 1, 10, 30, 50);
        DatanetVersionRef v1 = one.versions().get(0);
        try (SpanIndex index = SpanIndex.open(one, dir)) {
            assertThat(index.shardsBuilt()).isEqualTo(1);
        }
        Path shard1 = dir.resolve(SpanIndex.shardFileName(v1));
        Object key = Files.getAttribute(shard1, "unix:ino");
        var builder = InMemoryCorpus.builder();
        one.records(v1).forEach(builder::add);
        DatanetVersionRef v2 = TestCorpora.version("other", 2);
        builder.add(CorpusRecord.of("n-1", TestCorpora.contributor(9), v2, new int[] {1, 2, 3}));
        InMemoryCorpus two = builder.build();
        try (SpanIndex index = SpanIndex.open(two, dir)) {
            assertThat(index.shardsBuilt()).isEqualTo(1);
            assertThat(index.count(new int[] {1, 2, 3}, List.of(v2))).isEqualTo(1);
        }
        assertThat(Files.getAttribute(shard1, "unix:ino")).isEqualTo(key);
        try (SpanIndex index = SpanIndex.open(two, dir)) {
            assertThat(index.shardsBuilt()).isZero();
        }
    }

    @Test
    void aStaleShardIsRebuiltAndACorruptOneIsRejected(@TempDir Path dir) throws IOException {
        InMemoryCorpus corpus = TestCorpora.random(new Random(3), 1, 5, 10, 9);
        DatanetVersionRef v = corpus.versions().get(0);
        Path file = dir.resolve(SpanIndex.shardFileName(v));
        try (SpanIndex index = SpanIndex.open(corpus, dir)) {
            assertThat(index.shardsBuilt()).isEqualTo(1);
        }
        // same version, one record fewer: the fingerprint differs, so the shard is rebuilt
        var b = InMemoryCorpus.builder();
        corpus.records(v).stream().skip(1).forEach(b::add);
        try (SpanIndex index = SpanIndex.open(b.build(), dir)) {
            assertThat(index.shardsBuilt()).isEqualTo(1);
        }
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 8));
        assertThatThrownBy(() -> SpanIndex.open(corpus, dir))
                .isInstanceOf(IndexFormatException.class)
                .hasMessageContaining("differs from the");
        bytes[0] = 'X';
        Files.write(file, bytes);
        assertThatThrownBy(() -> SpanIndex.open(corpus, dir))
                .isInstanceOf(IndexFormatException.class)
                .hasMessageContaining("bad magic");
        ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        bytes[0] = 'O';
        header.putLong(8, -5);
        Files.write(file, bytes);
        assertThatThrownBy(() -> SpanIndex.open(corpus, dir))
                .isInstanceOf(IndexFormatException.class)
                .hasMessageContaining("impossible");
    }

    // records "7 8" and "7": the stream 7 8 | 7 |
    private static InMemoryCorpus sevenEightSeven(DatanetVersionRef v) {
        return InMemoryCorpus.of(List.of(
                CorpusRecord.of("a", TestCorpora.contributor(1), v, new int[] {7, 8}),
                CorpusRecord.of("b", TestCorpora.contributor(2), v, new int[] {7})));
    }

    @Test
    void theFormatHasTwoByteTokensAndFourBytePositions(@TempDir Path dir) throws IOException {
        DatanetVersionRef v = TestCorpora.version("fmt", 1);
        InMemoryCorpus corpus = sevenEightSeven(v);
        try (SpanIndex index = SpanIndex.open(corpus, dir)) {
            assertThat(index.count(new int[] {7})).isEqualTo(2);
        }
        byte[] bytes = Files.readAllBytes(dir.resolve(SpanIndex.shardFileName(v)));
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(bytes, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("OLSAIDX2");
        assertThat(b.getLong(8)).isEqualTo(5); // 7 8 | 7 |
        assertThat(b.getLong(16)).isEqualTo(2);
        assertThat(bytes[56]).isEqualTo((byte) 2);
        assertThat(bytes[57]).isEqualTo((byte) 4);
        List<Integer> stream = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            stream.add(Short.toUnsignedInt(b.getShort(64 + 2 * i)));
        }
        assertThat(stream).containsExactly(7, 8, 0xFFFF, 7, 0xFFFF);
        int sa = 64 + 2 * 5;
        List<Integer> suffixes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            suffixes.add(b.getInt(sa + 4 * i));
        }
        // suffixes: "|"(2) "|"(4) "7 8 |"(0) "7 |"(3) "8 |"(1); the two separators tie on their first
        // token and the one at 4 is shorter
        assertThat(suffixes).containsExactly(4, 2, 3, 0, 1);
        assertThat(b.getInt(sa + 20)).isZero();
        assertThat(b.getInt(sa + 24)).isEqualTo(3);
        assertThat(bytes).hasSize(sa + 28 + 8);
        assertThat(java.util.Arrays.copyOfRange(bytes, sa + 28, bytes.length)).containsOnly(0);
    }

    @Test
    void theTokenWidthFollowsTheLargestTokenId(@TempDir Path dir) {
        // the all-ones value of each width is the separator, so it moves a shard to the next width
        int[][] cases = {{0xFFFE, 2}, {0xFFFF, 3}, {0xFF_FFFE, 3}, {0xFF_FFFF, 4}, {Integer.MAX_VALUE - 1, 4}};
        for (int[] c : cases) {
            int big = c[0];
            DatanetVersionRef v = TestCorpora.version("w" + c[1] + "-" + big, 1);
            InMemoryCorpus corpus = InMemoryCorpus.of(List.of(
                    CorpusRecord.of("a", TestCorpora.contributor(1), v, new int[] {big, 1, big}),
                    CorpusRecord.of("b", TestCorpora.contributor(2), v, new int[] {1, big})));
            Path sub = dir.resolve(Integer.toString(big));
            try (SpanIndex index = SpanIndex.open(corpus, sub)) {
                assertThat(index.count(new int[] {big})).as("%d", big).isEqualTo(3);
                assertThat(index.count(new int[] {1, big})).as("%d", big).isEqualTo(2);
                assertThat(index.count(new int[] {big, 1})).as("%d", big).isEqualTo(1);
                assertThat(index.count(new int[] {big, big})).as("%d", big).isZero();
                // n = 7 tokens with separators, d = 2 records
                assertThat(index.bytes()).as("%d", big).isEqualTo(64 + 7L * c[1] + 4L * (7 + 2) + 8);
            }
        }
    }

    @Test
    void aFormatOneShardIsStillRead(@TempDir Path dir) throws IOException {
        DatanetVersionRef v = TestCorpora.version("fmt", 1);
        InMemoryCorpus corpus = sevenEightSeven(v);
        // written by hand in the first format: int32 tokens, padding to 8, int64 positions
        ByteBuffer b = ByteBuffer.allocate(64 + 24 + 40 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put("OLSAIDX1".getBytes(StandardCharsets.US_ASCII)).putLong(5).putLong(2);
        b.put(io.openledger.attribution.internal.SuffixArrayShard.fingerprint(v, corpus.records(v)));
        b.putLong(0);
        for (int t : new int[] {7, 8, -1, 7, -1}) {
            b.putInt(t);
        }
        b.putInt(0); // padding to 8
        for (long p : new long[] {4, 2, 3, 0, 1, 0, 3}) {
            b.putLong(p);
        }
        Path file = dir.resolve(SpanIndex.shardFileName(v));
        Files.createDirectories(dir);
        Files.write(file, b.array());
        try (SpanIndex index = SpanIndex.open(corpus, dir)) {
            assertThat(index.shardsBuilt()).isZero();
            assertThat(index.bytes()).isEqualTo(b.capacity());
            assertThat(index.count(new int[] {7})).isEqualTo(2);
            assertThat(index.count(new int[] {7, 8})).isEqualTo(1);
            assertThat(index.locate(new int[] {8}, corpus.versions(), 10))
                    .extracting(o -> o.record().id() + "@" + o.offset())
                    .containsExactly("a@1");
        }
    }
}
