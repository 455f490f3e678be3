package io.openledger.attribution.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The O(N log N) recursion against Shapley values computed from their definition. */
class KnnShapleyProperties {
    /**
     * φ_i = Σ_{S ⊆ D∖{i}} |S|!(n−|S|−1)!/n! · (U(S∪{i}) − U(S)), over all 2^(n−1) subsets (Shapley
     * 1953; Ghorbani and Zou 2019 eq. 1).
     */
    static double[] bruteForce(double[] v, int k) {
        int n = v.length;
        double[] phi = new double[n];
        double[] fact = new double[n + 1];
        fact[0] = 1;
        for (int i = 1; i <= n; i++) {
            fact[i] = fact[i - 1] * i;
        }
        for (int i = 0; i < n; i++) {
            for (int mask = 0; mask < (1 << n); mask++) {
                if ((mask & (1 << i)) != 0) {
                    continue;
                }
                int size = Integer.bitCount(mask);
                double weight = fact[size] * fact[n - size - 1] / fact[n];
                phi[i] += weight * (utility(v, mask | (1 << i), k) - utility(v, mask, k));
            }
        }
        return phi;
    }

    static double utility(double[] v, int mask, int k) {
        List<Integer> members = new ArrayList<>();
        for (int j = 0; j < v.length; j++) {
            if ((mask & (1 << j)) != 0) {
                members.add(j);
            }
        }
        return KnnShapley.utility(
                v, members.stream().mapToInt(Integer::intValue).toArray(), k);
    }

    @Property(tries = 200)
    void equalsBruteForceShapleyForLabelIndicators(
            @ForAll @Size(min = 1, max = 10) List<Boolean> sameLabel, @ForAll @IntRange(min = 1, max = 6) int k) {
        double[] v = sameLabel.stream().mapToDouble(b -> b ? 1 : 0).toArray();
        double[] fast = KnnShapley.values(v, k);
        double[] slow = bruteForce(v, k);
        for (int i = 0; i < v.length; i++) {
            assertThat(fast[i]).as("point %d of %s, K=%d", i, sameLabel, k).isCloseTo(slow[i], within(1e-12));
        }
    }

    @Property(tries = 200)
    void equalsBruteForceShapleyForRealValues(
            @ForAll @Size(min = 1, max = 10) List<@DoubleRange(min = -1, max = 1) Double> values,
            @ForAll @IntRange(min = 1, max = 6) int k) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        double[] fast = KnnShapley.values(v, k);
        double[] slow = bruteForce(v, k);
        for (int i = 0; i < v.length; i++) {
            assertThat(fast[i]).isCloseTo(slow[i], within(1e-12));
        }
    }

    @Property(tries = 200)
    void valuesSumToTheUtilityOfAllPoints(
            @ForAll @Size(min = 1, max = 300) List<@DoubleRange(min = 0, max = 1) Double> values,
            @ForAll @IntRange(min = 1, max = 20) int k) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        double sum = 0;
        for (double s : KnnShapley.values(v, k)) {
            sum += s;
        }
        int[] all = new int[v.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        assertThat(sum).isCloseTo(KnnShapley.utility(v, all, k), within(1e-9));
    }

    @Test
    void paperExampleWithKOne() {
        // K = 1, labels (nearest first) match, miss, match: s3 = 1/3, s2 = 1/3 - 1/2 = -1/6, s1 = -1/6 + 1
        double[] s = KnnShapley.values(new double[] {1, 0, 1}, 1);
        assertThat(s[2]).isCloseTo(1.0 / 3, within(1e-15));
        assertThat(s[1]).isCloseTo(-1.0 / 6, within(1e-15));
        assertThat(s[0]).isCloseTo(5.0 / 6, within(1e-15));
        assertThatThrownBy(() -> KnnShapley.values(new double[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k must be >= 1");
    }
}
