package io.openledger.attribution.internal;

/**
 * Exact Shapley values of the unweighted K-nearest-neighbour utility (Jia et al., "Efficient
 * Task-Specific Data Valuation for Nearest Neighbor Algorithms", PVLDB 12(11), 2019, Theorem 1).
 *
 * <p>For training points sorted by distance to the test point, α_1 nearest, with per-point values
 * v_i (1[y_i = y_test] in the paper), the utility of a subset S is {@code U(S) = (1/K) Σ_{k ≤
 * min(K,|S|)} v_{α_k(S)}}. Its Shapley values follow from the recursion
 *
 * <pre>
 *   s_N = v_N / N · min(K, N) / K      (v_N / N when N ≥ K, as in the paper)
 *   s_i = s_{i+1} + (v_i − v_{i+1}) / K · min(K, i) / i
 * </pre>
 *
 * (1-based i). The paper states it for 0/1 values; the derivation only uses that U is linear in the
 * values of the K nearest points, so it holds for any real values, which the tests check against
 * brute-force Shapley. The values sum to U(all points). Sorting makes it O(N log N).
 */
public final class KnnShapley {
    private KnnShapley() {}

    /**
     * Shapley values for values already in nearest-first order.
     *
     * @param valuesByRank v_i, nearest first
     * @param k the K of the K-NN utility, at least 1
     * @return s_i in the same order
     * @throws IllegalArgumentException if {@code k < 1}
     */
    public static double[] values(double[] valuesByRank, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        int n = valuesByRank.length;
        double[] s = new double[n];
        if (n == 0) {
            return s;
        }
        // the farthest point changes the utility only when fewer than K others are present
        s[n - 1] = valuesByRank[n - 1] / k * Math.min(k, n) / n;
        for (int i = n - 2; i >= 0; i--) {
            int rank = i + 1; // 1-based
            s[i] = s[i + 1] + (valuesByRank[i] - valuesByRank[i + 1]) / k * Math.min(k, rank) / rank;
        }
        return s;
    }

    /** The K-NN utility of the points at {@code members} (ranks, ascending) with {@code valuesByRank}. */
    public static double utility(double[] valuesByRank, int[] membersAscending, int k) {
        double u = 0;
        for (int j = 0; j < Math.min(k, membersAscending.length); j++) {
            u += valuesByRank[membersAscending[j]];
        }
        return u / k;
    }
}
