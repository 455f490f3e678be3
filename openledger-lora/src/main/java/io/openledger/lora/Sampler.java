package io.openledger.lora;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How the next token is picked from logits: greedy (temperature 0), or softmax at a temperature
 * restricted to the top-k tokens and then to the smallest set whose probability reaches top-p.
 * Immutable; each generation draws from its own {@link SplittableRandom} seeded with {@link #seed},
 * so the same inputs give the same tokens.
 *
 * @param temperature 0 for greedy, else &gt; 0
 * @param topK 0 for no limit, else the number of most likely tokens kept
 * @param topP nucleus mass in (0, 1]
 * @param seed random seed
 */
public record Sampler(double temperature, int topK, double topP, long seed) {
    /** Validates the ranges. */
    public Sampler {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0 and finite, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
    }

    /** Always the most likely token (lowest index on ties). */
    public static Sampler greedy() {
        return new Sampler(0, 0, 1, 0);
    }

    /** A new random source for one generation. */
    public SplittableRandom newRandom() {
        return new SplittableRandom(seed);
    }

    /** Picks a token from {@code logits} (not modified). */
    public int sample(float[] logits, SplittableRandom rng) {
        if (temperature == 0) {
            return Fast.KERNELS.argmax(logits, logits.length);
        }
        int n = logits.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(
                idx, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        int keep = topK > 0 ? Math.min(topK, n) : n;
        double max = logits[idx[0]];
        double[] p = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = Math.exp((logits[idx[i]] - max) / temperature);
            sum += p[i];
        }
        double cum = 0;
        int cut = keep;
        for (int i = 0; i < keep; i++) {
            cum += p[i] / sum;
            if (cum >= topP) {
                cut = i + 1;
                break;
            }
        }
        double total = 0;
        for (int i = 0; i < cut; i++) {
            total += p[i];
        }
        double u = rng.nextDouble() * total;
        for (int i = 0; i < cut; i++) {
            u -= p[i];
            if (u < 0) {
                return idx[i];
            }
        }
        return idx[cut - 1];
    }

    // the kernels' argmax (vectorized where the Vector API is present), same result as argmax(v)
    private static final class Fast {
        static final io.openledger.lora.internal.Kernels KERNELS = io.openledger.lora.internal.KernelSelector.best();
    }

    /** Index of the largest value (lowest index on ties; a NaN never wins). */
    public static int argmax(float[] v) {
        int best = 0;
        float max = v[0];
        for (int i = 1; i < v.length; i++) {
            if (v[i] > max) { // the first of equal maxima; NaN never wins
                max = v[i];
                best = i;
            }
        }
        return best;
    }
}
