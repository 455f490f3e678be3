package io.openledger.attribution.internal;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Suffix-array construction by induced sorting (SA-IS; Nong, Zhang and Chan, "Two Efficient
 * Algorithms for Linear Time Suffix Array Construction", IEEE Trans. Computers 60(10), 2011), written
 * from the paper's description and tuned for large texts over large alphabets, where every pass is
 * bound by cache misses:
 *
 * <ul>
 *   <li>The L/S type of each position lives in the sign bit of its symbol, and every suffix-array
 *       entry carries in its sign bit whether the current scan must induce its predecessor, so a
 *       scan reads the text only for the entries it actually induces from (once per placed suffix,
 *       not once per scanned one). The flag is computed when the entry is placed, from the symbol
 *       next to the one just read.
 *   <li>The right scan of step 1 recognises the sorted LMS suffixes as the only unflagged entries and
 *       collects them as it passes them, so no pass over the whole array looks for them in the
 *       text. Equal LMS substrings are then adjacent and are named by comparing each with the next,
 *       which costs about one cache miss per substring, taken ahead of time.
 *   <li>The reduced problem reuses the suffix-array space; before recursing, its groups of equal
 *       names are refined by a bounded number of prefix-doubling rounds (Larsson and Sadakane,
 *       "Faster suffix sorting", Theoretical Computer Science 387(3), 2007) on those groups only.
 *       On natural text nearly every name is unique after the first step, so one or two rounds
 *       finish the reduced problem; if groups remain (repetitive text), SA-IS recurses on the
 *       refined names, which sort the reduced suffixes exactly as the original names do. When no
 *       recursion was needed, step 3 puts each LMS position straight at its rank.
 * </ul>
 *
 * Time is linear: the refinement does at most {@value #REFINE_ROUNDS} rounds, each a scan of the
 * reduced problem plus sorts of groups of at most {@value #REFINE_GROUP_CAP} members (a larger group
 * sends the problem to the recursion). Memory besides the text and the result: a few arrays of the
 * alphabet size and one int per LMS suffix.
 */
public final class Sais {
    private Sais() {}

    /**
     * Sorts the suffixes of {@code s}.
     *
     * @param s the text; {@code s[n-1]} must be 0 and every other symbol in {@code [1, k)}; used as
     *     scratch space during the call and restored before it returns
     * @param k the alphabet size
     * @return the suffix array: suffix start positions in ascending order of their suffixes
     * @throws IllegalArgumentException if the sentinel or the alphabet bound is violated
     */
    public static int[] suffixArray(int[] s, int k) {
        int n = s.length;
        if (n == 0 || s[n - 1] != 0) {
            throw new IllegalArgumentException("text must end with the unique sentinel 0");
        }
        for (int i = 0; i < n - 1; i++) {
            if (s[i] <= 0 || s[i] >= k) {
                throw new IllegalArgumentException("symbol " + s[i] + " at " + i + " outside [1, " + k + ")");
            }
        }
        int[] sa = new int[n];
        sais(s, sa, n, k);
        for (int i = 0; i < n; i++) {
            s[i] &= SYMBOL;
        }
        return sa;
    }

    // In the text: the sign bit marks an S-type position (its suffix is smaller than the next one).
    // Symbols are below 2^31 - 1, so the bit is free.
    private static final int S_TYPE = Integer.MIN_VALUE;
    private static final int SYMBOL = Integer.MAX_VALUE;
    // In the suffix array: the sign bit flags an entry whose predecessor the current scan induces;
    // positions are below 2^31 - 1, so EMPTY is never a position.
    private static final int FLAG = Integer.MIN_VALUE;
    private static final int EMPTY = Integer.MAX_VALUE;
    // How far ahead a scan touches the text for the entry it will induce from, so that the cache
    // misses of several iterations overlap (Java has no prefetch instruction; a stale entry only
    // wastes the load).
    private static final int AHEAD = 32;
    static final int REFINE_ROUNDS = 8;
    static final int REFINE_GROUP_CAP = 1 << 20;

    // Keeps the look-ahead loads alive; never read.
    @SuppressWarnings("unused")
    private static int sink;

    /** Sorts the suffixes of {@code s[0, n)} into {@code sa[0, n)}; {@code sa} may be longer. */
    private static void sais(int[] s, int[] sa, int n, int k) {
        if (n == 1) {
            sa[0] = 0;
            return;
        }
        int[] counts = new int[k];
        int[] lmsCounts = new int[k];
        int n1 = classify(s, n, counts, lmsCounts);
        int[] bkt = new int[k];

        // Step 1: sort the LMS substrings.
        placeSeeds(s, sa, n, k, counts, bkt);
        induceSubstringsLeft(s, sa, n, k, counts, bkt);
        induceSubstringsRight(s, sa, n, k, counts, bkt, n1);

        // Step 2: sort the LMS suffixes, then put their positions in that order into sa[0, n1).
        int[] rankOf = sortReduced(s, sa, n, n1);
        int prev = s[0];
        if (rankOf != null) {
            for (int i = 1, r = 0; i < n; i++) {
                int cur = s[i];
                if (cur < 0 && prev >= 0) {
                    sa[rankOf[r++]] = i;
                }
                prev = cur;
            }
        } else {
            int base = n - n1;
            for (int i = 1, j = base; i < n; i++) {
                int cur = s[i];
                if (cur < 0 && prev >= 0) {
                    sa[j++] = i;
                }
                prev = cur;
            }
            for (int t = 0; t < n1; t++) {
                sa[t] = sa[base + sa[t]];
            }
        }

        // Step 3: induce every suffix from the sorted LMS suffixes.
        Arrays.fill(sa, n1, n, EMPTY);
        // The sorted LMS suffixes come in runs by first symbol, so they move to their bucket ends in
        // one descending sweep without reading the text. Their predecessors are L-type: flagged.
        for (int c = k - 1, t = n1 - 1, end = n; c >= 0; c--) {
            for (int m = lmsCounts[c], e = end; m > 0; m--) {
                int p = sa[t];
                sa[t--] = EMPTY;
                sa[--e] = p | FLAG;
            }
            end -= counts[c];
        }
        induceFinalLeft(s, sa, n, k, counts, bkt);
        induceFinalRight(s, sa, n, k, counts, bkt);
    }

    /**
     * Marks S-type positions in the sign bit and counts symbols and LMS positions per symbol; returns
     * the number of LMS positions (the sentinel included).
     */
    private static int classify(int[] s, int n, int[] counts, int[] lmsCounts) {
        int n1 = 0;
        s[n - 1] = S_TYPE; // the sentinel 0
        counts[0] = 1;
        int next = 0;
        boolean nextS = true;
        for (int i = n - 2; i >= 0; i--) {
            int a = s[i];
            boolean isS = a < next || (a == next && nextS);
            if (isS) {
                s[i] = a | S_TYPE;
            } else if (nextS) { // i + 1 is LMS
                lmsCounts[next]++;
                n1++;
            }
            counts[a]++;
            next = a;
            nextS = isS;
        }
        return n1;
    }

    private static void bucketStarts(int[] counts, int[] bkt, int k) {
        int sum = 0;
        for (int c = 0; c < k; c++) {
            bkt[c] = sum;
            sum += counts[c];
        }
    }

    private static void bucketEnds(int[] counts, int[] bkt, int k) {
        int sum = 0;
        for (int c = 0; c < k; c++) {
            sum += counts[c];
            bkt[c] = sum;
        }
    }

    /** Puts the LMS positions at their bucket ends, flagged: their predecessors are L-type. */
    private static void placeSeeds(int[] s, int[] sa, int n, int k, int[] counts, int[] bkt) {
        bucketEnds(counts, bkt, k);
        Arrays.fill(sa, 0, n, EMPTY);
        int prev = s[0];
        for (int i = 1; i < n; i++) {
            int cur = s[i];
            if (cur < 0 && prev >= 0) {
                sa[--bkt[cur & SYMBOL]] = i | FLAG;
            }
            prev = cur;
        }
    }

    /**
     * Left-to-right scan of step 1: induces the L-type suffixes from the seeds and from each other.
     * An L-type entry placed here is flagged when its predecessor is L-type too; after it has been
     * scanned it is no longer needed unless its predecessor is S-type, in which case it is flagged
     * for the right scan; everything else becomes EMPTY.
     */
    private static void induceSubstringsLeft(int[] s, int[] sa, int n, int k, int[] counts, int[] bkt) {
        bucketStarts(counts, bkt, k);
        int touched = 0;
        for (int i = 0; i < n; i++) {
            if (i + AHEAD < n) {
                int a = sa[i + AHEAD];
                if (a < 0) {
                    touched += s[(a & SYMBOL) - 1];
                }
            }
            int v = sa[i];
            if (v < 0) {
                int j = (v & SYMBOL) - 1;
                int c = s[j]; // L-type: no sign bit
                sa[bkt[c]++] = j == 0 ? EMPTY : j | (~s[j - 1] & FLAG);
                sa[i] = EMPTY;
            } else if (v != EMPTY) {
                sa[i] = v | FLAG;
            }
        }
        sink += touched;
    }

    /**
     * Right-to-left scan of step 1: induces the S-type suffixes, which overwrite the seeds, and
     * collects the LMS suffixes, now sorted by their LMS substrings, at the top of {@code sa}: the
     * unflagged entries it meets are exactly those (an S-type suffix with an L-type predecessor).
     */
    private static void induceSubstringsRight(int[] s, int[] sa, int n, int k, int[] counts, int[] bkt, int n1) {
        bucketEnds(counts, bkt, k);
        int top = n;
        int touched = 0;
        for (int i = n - 1; i >= 1; i--) {
            if (i - AHEAD > 0) {
                int a = sa[i - AHEAD];
                if (a < 0) {
                    touched += s[(a & SYMBOL) - 1];
                }
            }
            int v = sa[i];
            if (v < 0) {
                int j = (v & SYMBOL) - 1;
                int c = s[j] & SYMBOL;
                sa[--bkt[c]] = j == 0 ? EMPTY : j | (s[j - 1] & FLAG);
            } else if (v != EMPTY) { // top > i, so only scanned slots are reused
                sa[--top] = v;
            }
        }
        sa[--top] = n - 1; // the sentinel, the smallest
        if (n - top != n1) {
            throw new IllegalStateException("SA-IS found " + (n - top) + " LMS suffixes, expected " + n1);
        }
        sink += touched;
    }

    /**
     * Step 2. On entry {@code sa[n - n1, n)} holds the LMS positions in the order of their LMS
     * substrings. Returns the rank of each LMS suffix by ordinal (index in text order), or null
     * after a recursion, which leaves the ordinals in suffix order in {@code sa[0, n1)}.
     */
    private static int @Nullable [] sortReduced(int[] s, int[] sa, int n, int n1) {
        int base = n - n1;
        // Name each LMS substring by the rank of its group's first member, stored at position/2
        // (LMS positions are at least two apart; the region lies below base since n1 <= n/2).
        int half = ((n - 1) >>> 1) + 1;
        Arrays.fill(sa, 0, half, EMPTY);
        // Equal substrings are adjacent; each is compared with the next one, and the positions
        // become flagged where the next one differs. Substrings are short, so each comparison
        // costs about one cache miss, taken AHEAD entries early.
        int groupStart = 0;
        boolean unique = true;
        int touched = 0;
        for (int t = base; t < n; t++) {
            if (t + AHEAD < n) {
                touched += s[sa[t + AHEAD]];
            }
            int v = sa[t];
            sa[v >>> 1] = groupStart;
            if (t == n - 1 || !sameSubstring(s, v, sa[t + 1])) {
                sa[t] = v | FLAG;
                groupStart = t - base + 1;
            } else {
                unique = false;
            }
        }
        sink += touched;
        // The reduced string in text order; the name slots now take the LMS ordinals.
        int[] reduced = new int[n1];
        for (int i = 0, r = 0; i < half; i++) {
            int v = sa[i];
            if (v != EMPTY) {
                reduced[r] = v;
                sa[i] = r++;
            }
        }
        if (unique) {
            return reduced;
        }
        // The ordinals in name order, flagged at the end of each group of equal names. A group of
        // one is final (its rank is its name) and the refinement never reads its entry.
        for (int t = base, previous = FLAG; t < n; t++) {
            int v = sa[t];
            if ((v & previous) >= 0) {
                sa[t] = sa[(v & SYMBOL) >>> 1] | (v & FLAG);
            }
            previous = v;
        }
        if (refine(reduced, sa, base, n1)) {
            return reduced;
        }
        // The refined names are group ranks of prefixes: same suffix order, 0 still the unique
        // last symbol.
        sais(reduced, sa, n1, n1);
        return null;
    }

    /**
     * Whether the LMS substrings at {@code p} and {@code q} (up to and including the next LMS
     * position) are equal in symbols and types. The types in the sign bits decide where each ends,
     * so equal values up to an LMS position mean equal lengths.
     */
    private static boolean sameSubstring(int[] s, int p, int q) {
        if (s[p] != s[q]) {
            return false;
        }
        for (int d = 1; ; d++) {
            int a = s[p + d];
            if (a != s[q + d]) {
                return false;
            }
            if (a < 0 && s[p + d - 1] >= 0) { // both reached the next LMS position
                return true;
            }
        }
    }

    /**
     * Prefix doubling (Larsson and Sadakane) restricted to the groups of equal names: {@code
     * sa[off, off + n1)} holds ordinals grouped by name, the sign bit marking each group's last
     * member, and {@code rank} the rank of each ordinal's group start. Each round sorts every open
     * group by the rank {@code h} symbols further on and doubles {@code h}. Returns whether every
     * group became a single suffix; otherwise {@code rank} holds valid refined names.
     */
    private static boolean refine(int[] rank, int[] sa, int off, int n1) {
        long[] keyed = new long[64];
        // the slots where open groups start; the first round finds them by a scan
        int[] open = new int[64];
        int openCount = 0;
        for (int t = off, end = off + n1; t < end; ) {
            int e = t;
            while (sa[e] >= 0) {
                e++;
            }
            if (e > t) {
                if (openCount == open.length) {
                    open = Arrays.copyOf(open, 2 * openCount);
                }
                open[openCount++] = t;
            }
            t = e + 1;
        }
        int[] next = new int[64];
        for (int round = 0, h = 1; round < REFINE_ROUNDS; round++, h <<= 1) {
            long members = 0;
            int stillOpen = 0;
            for (int g = 0; g < openCount; g++) {
                int t = open[g];
                int e = t;
                while (sa[e] >= 0) {
                    e++;
                }
                int m = e - t + 1;
                if (m > REFINE_GROUP_CAP) {
                    return false;
                }
                members += m;
                if (keyed.length < m) {
                    keyed = new long[Math.max(m, 2 * keyed.length)];
                }
                // r + h < n1: a group of two or more never reaches the unique sentinel
                for (int u = t; u <= e; u++) {
                    int r = sa[u] & SYMBOL;
                    keyed[u - t] = ((long) rank[r + h] << 32) | r;
                }
                Arrays.sort(keyed, 0, m);
                int start = t - off;
                int first = 0;
                for (int q = 0; q < m; q++) {
                    int r = (int) keyed[q];
                    boolean last = q == m - 1 || (keyed[q + 1] >>> 32) != (keyed[q] >>> 32);
                    sa[t + q] = last ? r | FLAG : r;
                    rank[r] = start;
                    if (last) {
                        if (q > first) { // still two or more: open for the next round
                            if (stillOpen == next.length) {
                                next = Arrays.copyOf(next, 2 * stillOpen);
                            }
                            next[stillOpen++] = t + first;
                        }
                        first = q + 1;
                        start = t - off + q + 1;
                    }
                }
            }
            if (stillOpen == 0) {
                return true;
            }
            int[] swap = open;
            open = next;
            next = swap;
            openCount = stillOpen;
            if (members > n1 / 2) {
                return false; // repetitive text: the recursion is cheaper
            }
        }
        return false;
    }

    /**
     * Left-to-right scan of step 3: induces every L-type suffix. Flagged entries have an L-type
     * predecessor; once scanned they are final. Unflagged entries (predecessor S-type) get the flag
     * for the right scan; position 0 has no predecessor and keeps none.
     */
    private static void induceFinalLeft(int[] s, int[] sa, int n, int k, int[] counts, int[] bkt) {
        bucketStarts(counts, bkt, k);
        int touched = 0;
        for (int i = 0; i < n; i++) {
            if (i + AHEAD < n) {
                int a = sa[i + AHEAD];
                if (a < 0) {
                    touched += s[(a & SYMBOL) - 1];
                }
            }
            int v = sa[i];
            if (v < 0) {
                int p = v & SYMBOL;
                sa[i] = p;
                int j = p - 1;
                int c = s[j]; // L-type: no sign bit
                sa[bkt[c]++] = j == 0 ? 0 : j | (~s[j - 1] & FLAG);
            } else if (v != EMPTY && v != 0) {
                sa[i] = v | FLAG;
            }
        }
        sink += touched;
    }

    /** Right-to-left scan of step 3: induces every S-type suffix and clears the remaining flags. */
    private static void induceFinalRight(int[] s, int[] sa, int n, int k, int[] counts, int[] bkt) {
        bucketEnds(counts, bkt, k);
        int touched = 0;
        for (int i = n - 1; i >= 0; i--) {
            if (i - AHEAD >= 0) {
                int a = sa[i - AHEAD];
                if (a < 0) {
                    touched += s[(a & SYMBOL) - 1];
                }
            }
            int v = sa[i];
            if (v < 0) {
                int p = v & SYMBOL;
                sa[i] = p;
                int j = p - 1;
                int c = s[j] & SYMBOL;
                sa[--bkt[c]] = j == 0 ? 0 : j | (s[j - 1] & FLAG);
            }
        }
        sink += touched;
    }
}
