package io.openledger.attribution.internal;

import java.util.Arrays;

/**
 * Suffix-array construction by induced sorting (SA-IS; Nong, Zhang and Chan, "Two Efficient
 * Algorithms for Linear Time Suffix Array Construction", IEEE Trans. Computers 60(10), 2011). Linear
 * time; memory at most {@code n} ints for the reduced problem besides the input and output arrays. Written from the paper's description.
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
        return sa;
    }

    // The type of each suffix (S: smaller than the next suffix) lives in the sign bit of its symbol,
    // so the induce loops touch one array instead of two at random positions; it is cleared again
    // before returning. Symbols are below 2^31 - 1, so the bit is free.
    private static final int S_TYPE = Integer.MIN_VALUE;
    private static final int SYMBOL = Integer.MAX_VALUE;
    private static final int PREFETCH = 32;

    // Keeps the look-ahead loads alive; never read.
    @SuppressWarnings("unused")
    private static int sink;

    private static void sais(int[] s, int[] sa, int n, int k) {
        if (n == 1) {
            sa[0] = 0;
            return;
        }
        s[n - 1] |= S_TYPE;
        for (int i = n - 2; i >= 0; i--) {
            int a = s[i];
            int b = s[i + 1] & SYMBOL;
            if (a < b || (a == b && s[i + 1] < 0)) {
                s[i] = a | S_TYPE;
            }
        }
        int[] bkt = new int[k];
        int[] counts = new int[k];
        for (int i = 0; i < n; i++) {
            counts[s[i] & SYMBOL]++;
        }
        // Step 1: place LMS suffixes at their bucket ends and induce-sort the LMS substrings.
        bucketEnds(counts, bkt, k);
        Arrays.fill(sa, 0, n, -1);
        for (int i = 1; i < n; i++) {
            if (isLms(s, i)) {
                sa[--bkt[s[i] & SYMBOL]] = i;
            }
        }
        induceL(s, sa, n, counts, bkt, k);
        induceS(s, sa, n, counts, bkt, k);

        // Compact the sorted LMS substrings into the front of sa.
        int n1 = 0;
        for (int i = 0; i < n; i++) {
            int p = sa[i];
            if (p > 0 && isLms(s, p)) {
                sa[n1++] = p;
            }
        }
        // Name the LMS substrings; equal substrings (symbols and types) get equal names. Their
        // lengths go first into the free slots sa[n1 + p/2] (LMS positions are at least two apart),
        // so that substrings of different lengths are told apart without reading the text; each
        // slot is read before its name overwrites it.
        Arrays.fill(sa, n1, n, -1);
        for (int i = n - 1, next = n - 1; i >= 1; i--) {
            if (isLms(s, i)) {
                sa[n1 + i / 2] = next - i + 1;
                next = i;
            }
        }
        sa[n1 + (n - 1) / 2] = 1; // the sentinel's substring is itself
        int name = 0;
        int prev = -1;
        int prevLength = 0;
        for (int i = 0; i < n1; i++) {
            int pos = sa[i];
            int length = sa[n1 + pos / 2];
            boolean diff = prev == -1 || length != prevLength;
            for (int d = 0; !diff && d < length; d++) {
                diff = s[pos + d] != s[prev + d];
            }
            if (diff) {
                name++;
                prev = pos;
                prevLength = length;
            }
            sa[n1 + pos / 2] = name - 1;
        }
        int[] s1 = new int[n1];
        for (int i = n - 1, j = n1 - 1; i >= n1; i--) {
            if (sa[i] >= 0) {
                s1[j--] = sa[i];
            }
        }
        // Step 2: sort the reduced string, recursing only if names are not yet unique.
        int[] sa1 = new int[n1];
        if (name < n1) {
            sais(s1, sa1, n1, name);
        } else {
            for (int i = 0; i < n1; i++) {
                sa1[s1[i]] = i;
            }
        }
        // Step 3: induce the full suffix array from the sorted LMS suffixes.
        for (int i = 1, j = 0; i < n; i++) {
            if (isLms(s, i)) {
                s1[j++] = i;
            }
        }
        for (int i = 0; i < n1; i++) {
            sa1[i] = s1[sa1[i]];
        }
        Arrays.fill(sa, 0, n, -1);
        bucketEnds(counts, bkt, k);
        for (int i = n1 - 1; i >= 0; i--) {
            int j = sa1[i];
            sa[--bkt[s[j] & SYMBOL]] = j;
        }
        induceL(s, sa, n, counts, bkt, k);
        induceS(s, sa, n, counts, bkt, k);
        for (int i = 0; i < n; i++) {
            s[i] &= SYMBOL;
        }
    }

    private static boolean isLms(int[] s, int i) {
        return i > 0 && s[i] < 0 && s[i - 1] >= 0;
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

    private static void induceL(int[] s, int[] sa, int n, int[] counts, int[] bkt, int k) {
        bucketStarts(counts, bkt, k);
        int touched = 0;
        for (int i = 0; i < n; i++) {
            // Touch the symbol a few iterations ahead so that its cache miss overlaps this one (Java
            // has no prefetch instruction; a stale value only wastes the load).
            int ahead = i + PREFETCH < n ? sa[i + PREFETCH] - 1 : -1;
            if (ahead >= 0) {
                touched += s[ahead];
            }
            int j = sa[i] - 1;
            if (j >= 0) {
                int c = s[j];
                if (c >= 0) { // L-type
                    sa[bkt[c]++] = j;
                }
            }
        }
        sink += touched;
    }

    private static void induceS(int[] s, int[] sa, int n, int[] counts, int[] bkt, int k) {
        bucketEnds(counts, bkt, k);
        int touched = 0;
        for (int i = n - 1; i >= 0; i--) {
            int ahead = i - PREFETCH >= 0 ? sa[i - PREFETCH] - 1 : -1;
            if (ahead >= 0) {
                touched += s[ahead];
            }
            int j = sa[i] - 1;
            if (j >= 0) {
                int c = s[j];
                if (c < 0) { // S-type
                    sa[--bkt[c & SYMBOL]] = j;
                }
            }
        }
        sink += touched;
    }
}
