package io.openledger.attribution.internal;

import io.openledger.attribution.AttributionQuery;
import io.openledger.attribution.Bm25;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.MatchedSpan;
import io.openledger.attribution.RecordScores;
import io.openledger.attribution.RetrievedDocument;
import io.openledger.attribution.spi.Attributor;
import io.openledger.core.contract.DatanetVersionRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The span method over a set of shards; see {@code SpanMethod} for the scoring. Thread-safe. */
public final class SpanAttributor implements Attributor {
    private final ShardSet shards;
    private final int minLength;
    private final long maxCount;
    private final double keepFraction;
    private final boolean ownsShards;
    private final Set<Integer> breaks;
    private final Bm25 bm25;

    /** Records per kept span that are ranked for display (OLMoTrace shows up to 10 per span). */
    static final int DOCUMENTS_PER_SPAN = 10;

    public SpanAttributor(
            ShardSet shards,
            int minLength,
            long maxCount,
            double keepFraction,
            boolean ownsShards,
            Set<Integer> breaks,
            Bm25 bm25) {
        this.shards = shards;
        this.minLength = minLength;
        this.maxCount = maxCount;
        this.keepFraction = keepFraction;
        this.ownsShards = ownsShards;
        this.breaks = Set.copyOf(breaks);
        this.bm25 = bm25;
    }

    /** A candidate span before selection. */
    private record Candidate(int start, int length, long count, double logProb) {}

    @Override
    public RecordScores score(AttributionQuery query) {
        int[] out = query.outputTokens();
        List<DatanetVersionRef> versions = query.trainedOn();
        List<SuffixArrayShard> searched = new ArrayList<>();
        for (DatanetVersionRef v : versions) {
            for (ShardSet.Part p : shards.parts(v)) {
                searched.add(p.shard());
            }
        }
        if (out.length == 0 || searched.isEmpty()) {
            return RecordScores.empty();
        }
        long total = shards.tokenCount(versions);
        if (total == 0) {
            return RecordScores.empty();
        }
        int[] longest = longestMatches(out, searched, reach(out, breaks));
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
        Map<String, int[]> retrieved = new HashMap<>();
        for (Candidate c : kept) {
            double mass = c.length() * Math.log1p((double) total / c.count());
            double perOccurrence = mass / c.count();
            TreeSet<String> ids = new TreeSet<>();
            for (DatanetVersionRef v : versions) {
                for (ShardSet.Part part : shards.parts(v)) {
                    SuffixArrayShard s = part.shard();
                    List<CorpusRecord> rs = part.records();
                    long[] r = s.find(out, c.start(), c.length());
                    for (long x = r[0]; x < r[1]; x++) {
                        int ordinal = s.recordAt(s.suffix(x));
                        String id = rs.get(ordinal).id();
                        // every addition within one span is the same value, so the sum does not depend
                        // on the suffix order (and thus not on the record order in the corpus)
                        scores.merge(id, perOccurrence, Double::sum);
                        ids.add(id);
                        if (ids.size() <= DOCUMENTS_PER_SPAN) {
                            // the first records of each span are shown, as OLMoTrace retrieves up to 10
                            // documents per span; every occurrence still counts for the score
                            retrieved.computeIfAbsent(id, k -> recordTokens(s, ordinal));
                        }
                    }
                }
            }
            spans.add(new MatchedSpan(c.start(), c.length(), c.count(), c.logProb(), mass, List.copyOf(ids)));
        }
        int[] prompt = query.promptTokens();
        int[] both = Arrays.copyOf(prompt, prompt.length + out.length);
        System.arraycopy(out, 0, both, prompt.length, out.length);
        return new RecordScores(scores, spans, RetrievedDocument.of(bm25.rank(both, retrieved)));
    }

    // the tokens of record `ordinal` of shard s: from its start to the separator that follows it
    private static int[] recordTokens(SuffixArrayShard s, int ordinal) {
        long from = s.recordStart(ordinal);
        long to = ordinal + 1 < s.recordCount() ? s.recordStart(ordinal + 1) - 1 : s.streamLength() - 1;
        int[] t = new int[(int) (to - from)];
        for (int i = 0; i < t.length; i++) {
            t[i] = s.token(from + i);
        }
        return t;
    }

    /**
     * How far a span starting at each output position may reach: to the end of the output, or up to
     * and including the next break token (OLMoTrace keeps spans self-contained: a sentence end may
     * close a span but not sit inside it).
     */
    static int[] reach(int[] out, Set<Integer> breaks) {
        int[] reach = new int[out.length];
        int next = out.length; // one past the next break at or after i, or the end
        for (int i = out.length - 1; i >= 0; i--) {
            if (breaks.contains(out[i])) {
                next = i + 1;
            }
            reach[i] = next - i;
        }
        return reach;
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
        int[] whole = new int[out.length];
        for (int i = 0; i < out.length; i++) {
            whole[i] = out.length - i;
        }
        return longestMatches(out, searched, whole);
    }

    /** {@link #longestMatches(int[], List)} with the match at i at most {@code reach[i]} tokens long. */
    static int[] longestMatches(int[] out, List<SuffixArrayShard> searched, int[] reach) {
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
                while (d < reach[i]) {
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
