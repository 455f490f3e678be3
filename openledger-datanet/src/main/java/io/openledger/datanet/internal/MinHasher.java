package io.openledger.datanet.internal;

import java.util.Locale;

/**
 * MinHash signatures over character shingles (Broder, "On the resemblance and containment of
 * documents", 1997): the fraction of equal positions in two signatures estimates the Jaccard
 * similarity of the shingle sets. Text is lower-cased and whitespace runs collapse to one space
 * first, so layout changes do not hide a duplicate. Each of the {@code m} hash functions is
 * {@code (a_i · x + b_i) mod 2^64}, top 32 bits, over a 64-bit shingle hash {@code x}, with odd
 * {@code a_i} and {@code b_i} from a fixed SplitMix64 sequence, so signatures are the same in every
 * run. Immutable and thread-safe.
 */
public final class MinHasher {
    private final int shingle;
    private final long[] a;
    private final long[] b;

    /** A hasher with {@code m} functions over shingles of {@code shingle} characters. */
    public MinHasher(int shingle, int m) {
        this.shingle = shingle;
        this.a = new long[m];
        this.b = new long[m];
        long seed = 0x0123456789abcdefL;
        for (int i = 0; i < m; i++) {
            seed += 0x9e3779b97f4a7c15L;
            a[i] = mix(seed) | 1L;
            seed += 0x9e3779b97f4a7c15L;
            b[i] = mix(seed);
        }
    }

    /** Number of hash functions. */
    public int size() {
        return a.length;
    }

    /** The signature of {@code text}. */
    public int[] signature(String text) {
        String t = normalise(text);
        int m = a.length;
        long[] min = new long[m];
        java.util.Arrays.fill(min, Long.MAX_VALUE);
        int k = Math.min(shingle, Math.max(1, t.length()));
        for (int i = 0; i + k <= t.length(); i++) {
            long x = 0xcbf29ce484222325L;
            for (int j = i; j < i + k; j++) {
                x = (x ^ t.charAt(j)) * 0x100000001b3L; // FNV-1a 64 over UTF-16 units
            }
            x = mix(x);
            for (int h = 0; h < m; h++) {
                long v = (a[h] * x + b[h]) >>> 32;
                if (v < min[h]) {
                    min[h] = v;
                }
            }
        }
        int[] sig = new int[m];
        for (int h = 0; h < m; h++) {
            sig[h] = (int) min[h];
        }
        return sig;
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
