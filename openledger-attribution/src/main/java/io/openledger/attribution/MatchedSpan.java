package io.openledger.attribution;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * A maximal span of an output that occurs verbatim in the corpus.
 *
 * @param start index of the span's first token in the output
 * @param length number of tokens
 * @param count occurrences in the searched datanet versions
 * @param unigramLogProbability sum of the natural logs of the tokens' unigram probabilities (lower
 *     is rarer)
 * @param mass the influence the span hands out, split over its occurrences
 * @param recordIds the distinct records holding it, sorted
 */
public record MatchedSpan(
        int start, int length, long count, double unigramLogProbability, double mass, List<String> recordIds) {
    /** Copies the ids. */
    public MatchedSpan {
        recordIds = List.copyOf(recordIds);
    }

    /** The index one past the span's last token. */
    public int end() {
        return start + length;
    }

    /**
     * A stretch of the output covered by overlapping spans, shown as one highlight (OLMoTrace merges
     * overlapping spans so that the output is not cluttered).
     *
     * @param start the first token covered
     * @param end one past the last token covered
     * @param spans the spans merged into it, in output order
     * @param recordIds the distinct records holding any of them, sorted
     */
    public record Region(int start, int end, List<MatchedSpan> spans, List<String> recordIds) {
        /** Copies the lists. */
        public Region {
            spans = List.copyOf(spans);
            recordIds = List.copyOf(recordIds);
        }
    }

    /**
     * {@code spans} merged into disjoint regions: spans that share a token belong to one region
     * (spans that only touch stay apart). Regions come in output order.
     */
    public static List<Region> regions(List<MatchedSpan> spans) {
        List<MatchedSpan> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparingInt(MatchedSpan::start).thenComparingInt(MatchedSpan::end));
        List<Region> out = new ArrayList<>();
        int i = 0;
        while (i < sorted.size()) {
            int start = sorted.get(i).start();
            int end = sorted.get(i).end();
            List<MatchedSpan> members = new ArrayList<>();
            TreeSet<String> ids = new TreeSet<>();
            while (i < sorted.size() && (members.isEmpty() || sorted.get(i).start() < end)) {
                MatchedSpan s = sorted.get(i++);
                members.add(s);
                ids.addAll(s.recordIds());
                end = Math.max(end, s.end());
            }
            out.add(new Region(start, end, members, List.copyOf(ids)));
        }
        return List.copyOf(out);
    }
}
