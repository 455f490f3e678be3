package io.openledger.attribution.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.InMemoryCorpus;
import io.openledger.attribution.testing.TestCorpora;
import io.openledger.core.contract.DatanetVersionRef;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The longest-match search (with its suffix and first-token shortcuts) against a brute-force scan. */
class SpanSearchProperties {
    @Property(tries = 60)
    void longestMatchesEqualABruteForceScan(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 3) int versions,
            @ForAll @IntRange(min = 2, max = 6) int vocab)
            throws IOException {
        Random rnd = new Random(seed);
        InMemoryCorpus corpus = TestCorpora.random(rnd, versions, 8, 30, vocab);
        List<CorpusRecord> all = new ArrayList<>();
        corpus.versions().forEach(v -> all.addAll(corpus.records(v)));
        // an output mixing random tokens (some absent from the corpus) with pieces of records
        List<Integer> out = new ArrayList<>();
        while (out.size() < 60) {
            if (rnd.nextBoolean() && !all.isEmpty()) {
                CorpusRecord r = all.get(rnd.nextInt(all.size()));
                for (int t : r.tokens()) {
                    out.add(t);
                }
            } else {
                out.add(rnd.nextInt(vocab + 1));
            }
        }
        int[] o = out.stream().mapToInt(Integer::intValue).toArray();
        try (ShardSet shards = ShardSet.open(corpus, Files.createTempDirectory("span-search"), true)) {
            List<SuffixArrayShard> searched = new ArrayList<>();
            for (DatanetVersionRef v : corpus.versions()) {
                shards.parts(v).forEach(p -> searched.add(p.shard()));
            }
            int[] fast = SpanAttributor.longestMatches(o, searched);
            // token 1 as a sentence end: a span may end with it but not hold it inside
            int[] reach = SpanAttributor.reach(o, Set.of(1));
            int[] selfContained = SpanAttributor.longestMatches(o, searched, reach);
            for (int i = 0; i < o.length; i++) {
                int best = 0;
                int bestWithin = 0;
                int limit = 0; // how far a span from i may reach: up to and including the next 1
                while (i + limit < o.length && (limit == 0 || o[i + limit - 1] != 1)) {
                    limit++;
                }
                for (CorpusRecord r : all) {
                    for (int off = 0; off < r.length(); off++) {
                        int d = 0;
                        while (i + d < o.length && off + d < r.length() && o[i + d] == r.tokenAt(off + d)) {
                            d++;
                        }
                        best = Math.max(best, d);
                        bestWithin = Math.max(bestWithin, Math.min(d, limit));
                    }
                }
                assertThat(fast[i]).as("position %d", i).isEqualTo(best);
                assertThat(reach[i]).as("reach at %d", i).isEqualTo(limit);
                assertThat(selfContained[i]).as("self-contained at %d", i).isEqualTo(bestWithin);
            }
        }
    }
}
