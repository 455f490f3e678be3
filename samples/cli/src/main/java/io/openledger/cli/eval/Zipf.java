package io.openledger.cli.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Token ids drawn from a Zipf (1/rank) distribution, as natural-language token frequencies fall. */
public final class Zipf {
    private final double[] cdf;

    /** A distribution over ids {@code 0 .. vocabulary-1}. */
    public Zipf(int vocabulary) {
        cdf = new double[vocabulary];
        double acc = 0;
        for (int i = 0; i < vocabulary; i++) {
            acc += 1.0 / (i + 1);
            cdf[i] = acc;
        }
        for (int i = 0; i < vocabulary; i++) {
            cdf[i] /= acc;
        }
    }

    /** {@code n} ids drawn with {@code rnd}. */
    public int[] sample(SplittableRandom rnd, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int idx = Arrays.binarySearch(cdf, rnd.nextDouble());
            out[i] = Math.min(cdf.length - 1, idx < 0 ? -idx - 1 : idx);
        }
        return out;
    }
}
