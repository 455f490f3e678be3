package io.openledger.datanet.internal;

import java.util.Locale;

/**
 * MinHash signatures over character shingles: the fraction of equal positions in two signatures
 * estimates the Jaccard similarity of the shingle sets (Broder, "On the resemblance and containment
 * of documents", 1997). Text is lower-cased and whitespace runs collapse to one space first, so
 * layout changes do not hide a duplicate.
 *
 * <p>Signatures use one-permutation hashing with optimal densification (Shrivastava, "Optimal
 * Densification for Fast and Accurate Minwise Hashing", ICML 2017): each shingle is hashed once
 * (FNV-1a 64 then the SplitMix64 finaliser); the high bits pick one of {@code m} bins and the low 32
 * bits are the value kept as that bin's minimum. A bin no shingle reached borrows the value of the
 * first non-empty bin on a fixed pseudo-random probe sequence of its own, the same for every text,
 * so that equal bins still happen with probability equal to the Jaccard similarity. Cost: one hash
 * per shingle plus {@code O(m)}, instead of {@code m} hashes per shingle. Deterministic across runs.
 * Immutable and thread-safe.
 */
public final class MinHasher {
    private static final long EMPTY = Long.MAX_VALUE;

    private final int shingle;
    private final int m;

    /** A hasher with {@code m} bins over shingles of {@code shingle} characters. */
    public MinHasher(int shingle, int m) {
        this.shingle = shingle;
        this.m = m;
    }

    /** Number of signature positions. */
    public int size() {
        return m;
    }

    /** The signature of {@code text}. */
    public int[] signature(String text) {
        String t = normalise(text);
        long[] min = new long[m];
        java.util.Arrays.fill(min, EMPTY);
        int k = Math.min(shingle, Math.max(1, t.length()));
        for (int i = 0; i + k <= t.length(); i++) {
            long x = 0xcbf29ce484222325L;
            for (int j = i; j < i + k; j++) {
                x = (x ^ t.charAt(j)) * 0x100000001b3L; // FNV-1a 64 over UTF-16 units
            }
            x = mix(x);
            int bin = bin(x >>> 32);
            long v = x & 0xffffffffL;
            if (v < min[bin]) {
                min[bin] = v;
            }
        }
        int[] sig = new int[m];
        for (int b = 0; b < m; b++) {
            long v = min[b];
            for (int attempt = 1; v == EMPTY && attempt <= 64 * m; attempt++) {
                v = min[bin(mix(b * 0x9e3779b97f4a7c15L + attempt) >>> 32)];
            }
            if (v == EMPTY) { // no probe hit within the bound: take the first non-empty bin
                for (long w : min) {
                    if (w != EMPTY) {
                        v = w;
                        break;
                    }
                }
            }
            sig[b] = (int) v;
        }
        return sig;
    }

    /** Maps 32 random bits to a bin in [0, m) (Lemire's multiply-shift reduction). */
    private int bin(long bits32) {
        return (int) (((bits32 & 0xffffffffL) * m) >>> 32);
    }

    /** Estimated Jaccard similarity: the fraction of equal positions. */
    public static double similarity(int[] x, int[] y) {
        int eq = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] == y[i]) {
                eq++;
            }
        }
        return (double) eq / x.length;
    }

    static String normalise(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                space = !sb.isEmpty();
            } else {
                if (space) {
                    sb.append(' ');
                    space = false;
                }
                sb.append(c);
            }
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    /** SplitMix64's finaliser (Steele, Lea, Flood 2014). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
