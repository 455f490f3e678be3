package io.openledger.attribution.internal;

import io.openledger.attribution.AttributionQuery;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.MatchedSpan;
import io.openledger.attribution.RecordScores;
import io.openledger.attribution.spi.Attributor;
import io.openledger.core.contract.DatanetVersionRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The span method over a set of shards; see {@code SpanMethod} for the scoring. Thread-safe. */
public final class SpanAttributor implements Attributor {
    private final ShardSet shards;
    private final int minLength;
    private final long maxCount;
    private final double keepFraction;
    private final boolean ownsShards;

    public SpanAttributor(ShardSet shards, int minLength, long maxCount, double keepFraction, boolean ownsShards) {
        this.shards = shards;
        this.minLength = minLength;
        this.maxCount = maxCount;
        this.keepFraction = keepFraction;
        this.ownsShards = ownsShards;
    }

    /** A candidate span before selection. */
    private record Candidate(int start, int length, long count, double logProb) {}

    @Override
    public RecordScores score(AttributionQuery query) {
        int[] out = query.outputTokens();
        List<DatanetVersionRef> versions = query.trainedOn();
        List<SuffixArrayShard> searched = new ArrayList<>();
        for (DatanetVersionRef v : versions) {
            searched.add(shards.shard(v));
        }
        if (out.length == 0 || searched.isEmpty()) {
            return RecordScores.empty();
        }
        long total = shards.tokenCount(versions);
        if (total == 0) {
            return RecordScores.empty();
        }
        int[] longest = longestMatches(out, searched);
        Map<Integer, Long> unigram = new HashMap<>();
        List<Candidate> candidates = new ArrayList<>();
        int maxEnd = 0;
        for (int i = 0; i < out.length; i++) {
            int end = i + longest[i];
            if (longest[i] == 0 || end <= maxEnd) {
                continue; // no match, or contained in an earlier span
            }
            maxEnd = end;
            if (longest[i] < minLength) {
                continue;
            }
            long count = 0;
            for (SuffixArrayShard s : searched) {
                long[] r = s.find(out, i, longest[i]);
                count += r[1] - r[0];
            }
            if (count > maxCount) {
                continue;
            }
            double logProb = 0;
            for (int j = i; j < end; j++) {
                long c = unigram.computeIfAbsent(out[j], t -> unigramCount(t, searched));
                logProb += Math.log((double) c / total);
            }
            candidates.add(new Candidate(i, longest[i], count, logProb));
        }
        int keep = (int) Math.max(1, Math.ceil(keepFraction * out.length));
        List<Candidate> kept = candidates.stream()
                .sorted(Comparator.comparingDouble(Candidate::logProb).thenComparingInt(Candidate::start))
                .limit(keep)
                .sorted(Comparator.comparingInt(Candidate::start))
                .toList();
        TreeMap<String, Double> scores = new TreeMap<>();
        List<MatchedSpan> spans = new ArrayList<>();
        for (Candidate c : kept) {
            double mass = c.length() * Math.log1p((double) total / c.count());
            double perOccurrence = mass / c.count();
            TreeSet<String> ids = new TreeSet<>();
            for (DatanetVersionRef v : versions) {
                SuffixArrayShard s = shards.shard(v);
                List<CorpusRecord> rs = shards.records(v);
                long[] r = s.find(out, c.start(), c.length());
                for (long x = r[0]; x < r[1]; x++) {
                    String id = rs.get(s.recordAt(s.suffix(x))).id();
                    // every addition within one span is the same value, so the sum does not depend
                    // on the suffix order (and thus not on the record order in the corpus)
                    scores.merge(id, perOccurrence, Double::sum);
                    ids.add(id);
                }
            }
            spans.add(new MatchedSpan(c.start(), c.length(), c.count(), c.logProb(), mass, List.copyOf(ids)));
        }
        return new RecordScores(scores, spans);
    }

    private static long unigramCount(int token, List<SuffixArrayShard> searched) {
        long c = 0;
        for (SuffixArrayShard s : searched) {
            c += s.unigramCount(token);
        }
        return c;
    }

    /**
     * For each output position, the length of the longest prefix of the rest of the output that
     * occurs in some shard. Uses that a match at i of length m implies one at i+1 of length m-1 in
     * the same shard, so each position starts from there instead of from zero (OLMoTrace's
     * observation that one suffix-array lookup per position suffices).
     */
    static int[] longestMatches(int[] out, List<SuffixArrayShard> searched) {
        int[] best = new int[out.length];
        int[] prev = new int[searched.size()];
        for (int i = 0; i < out.length; i++) {
            for (int si = 0; si < searched.size(); si++) {
                SuffixArrayShard s = searched.get(si);
                int d = Math.max(0, prev[si] - 1);
                long lo;
                long hi;
                if (d > 0) {
                    long[] first = s.tokenRange(out[i]);
                    long[] r = s.findWithin(out, i, d, first[0], first[1]);
                    lo = r[0];
                    hi = r[1];
                } else {
                    long[] r = s.tokenRange(out[i]);
                    lo = r[0];
                    hi = r[1];
                    d = r[0] == r[1] ? 0 : 1;
                    if (d == 0) {
                        prev[si] = 0;
                        continue;
                    }
                }
                while (i + d < out.length) {
                    long[] r = s.narrow(lo, hi, d, out[i + d]);
                    if (r[0] == r[1]) {
                        break;
                    }
                    lo = r[0];
                    hi = r[1];
                    d++;
                }
                prev[si] = d;
                best[i] = Math.max(best[i], d);
            }
        }
        return best;
    }

    @Override
    public long indexBytes() {
        return shards.bytes();
    }

    @Override
    public void close() {
        if (ownsShards) {
            shards.close();
        }
    }
}
