package io.openledger.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Address;
import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class AttributionWeightsProperties {
    static ContributorId c(int i) {
        byte[] a = new byte[20];
        a[19] = (byte) i;
        a[18] = (byte) (i >> 8);
        return ContributorId.of(Address.of(Bytes.wrap(a)));
    }

    @Property(tries = 500)
    void positiveScoresSumToExactlyOne(
            @ForAll @Size(max = 30) List<@IntRange(min = -50, max = 1_000_000) Integer> scores) {
        Map<ContributorId, BigDecimal> m = new HashMap<>();
        for (int i = 0; i < scores.size(); i++) {
            m.put(c(i), BigDecimal.valueOf(scores.get(i)).movePointLeft(3));
        }
        AttributionWeights w = AttributionWeights.fromScores(m);
        boolean anyPositive = scores.stream().anyMatch(s -> s > 0);
        assertThat(w.isEmpty()).isEqualTo(!anyPositive);
        if (anyPositive) {
            assertThat(w.shares().values().stream().mapToLong(Long::longValue).sum())
                    .isEqualTo(AttributionWeights.ONE);
        }
        for (int i = 0; i < scores.size(); i++) {
            if (scores.get(i) <= 0) {
                assertThat(w.shareOf(c(i))).isZero();
            }
        }
        // proportionality within one unit: a larger score never gets a smaller share
        for (int i = 0; i < scores.size(); i++) {
            for (int j = 0; j < scores.size(); j++) {
                if (scores.get(i) > scores.get(j) && scores.get(j) > 0) {
                    assertThat(w.shareOf(c(i))).isGreaterThanOrEqualTo(w.shareOf(c(j)));
                }
            }
        }
        // a permutation of the input (a different map) gives the same weights
        assertThat(AttributionWeights.fromScores(new java.util.TreeMap<>(m))).isEqualTo(w);
    }

    @Test
    void tieBreakIsBySmallerAddress() {
        AttributionWeights w =
                AttributionWeights.fromScores(Map.of(c(3), BigDecimal.ONE, c(1), BigDecimal.ONE, c(2), BigDecimal.ONE));
        // 10^18 / 3 leaves one unit, which goes to the smallest address
        assertThat(w.shareOf(c(1))).isEqualTo(333_333_333_333_333_334L);
        assertThat(w.shareOf(c(2))).isEqualTo(333_333_333_333_333_333L);
        assertThat(w.shareOf(c(3))).isEqualTo(333_333_333_333_333_333L);
    }

    @Test
    void explicitSharesMustSumToOne() {
        assertThatThrownBy(() -> AttributionWeights.ofShares(Map.of(c(1), 5L))).hasMessageContaining("exactly 10^18");
        assertThatThrownBy(() -> AttributionWeights.ofShares(Map.of(c(1), -5L))).hasMessageContaining("positive");
    }
}
