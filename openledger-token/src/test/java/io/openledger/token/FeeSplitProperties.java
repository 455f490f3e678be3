package io.openledger.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.ContributorId;
import io.openledger.core.contract.AttributionWeights;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Exact splitting: parts always sum to the fee, for any weights and any amount up to 2^256 - 1. */
class FeeSplitProperties {
    static final BigInteger MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    @Provide
    Arbitrary<Amount> amounts() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Amount.MAX)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, 1000).map(Amount::of)),
                net.jqwik.api.Tuple.of(
                        4,
                        Arbitraries.bigIntegers().between(BigInteger.ZERO, MAX).map(Amount::of)));
    }

    @Provide
    Arbitrary<List<BigInteger>> weights() {
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(2, Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.TEN)),
                        net.jqwik.api.Tuple.of(
                                1, Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.ONE.shiftLeft(200))))
                .list()
                .ofMinSize(1)
                .ofMaxSize(25)
                .filter(l -> l.stream().anyMatch(x -> x.signum() > 0));
    }

    /** The reference: floor, then one unit at a time to the largest remaining remainder, lowest index first. */
    static List<BigInteger> naive(BigInteger total, List<BigInteger> w) {
        BigInteger sum = w.stream().reduce(BigInteger.ZERO, BigInteger::add);
        List<BigInteger> parts = new ArrayList<>();
        List<BigInteger> rem = new ArrayList<>();
        for (BigInteger x : w) {
            parts.add(total.multiply(x).divide(sum));
            rem.add(total.multiply(x).mod(sum));
        }
        BigInteger left = total.subtract(parts.stream().reduce(BigInteger.ZERO, BigInteger::add));
        boolean[] given = new boolean[w.size()];
        while (left.signum() > 0) {
            int best = -1;
            for (int i = 0; i < w.size(); i++) {
                if (!given[i] && (best < 0 || rem.get(i).compareTo(rem.get(best)) > 0)) {
                    best = i;
                }
            }
            given[best] = true;
            parts.set(best, parts.get(best).add(BigInteger.ONE));
            left = left.subtract(BigInteger.ONE);
        }
        return parts;
    }

    @Property(tries = 400)
    void largestRemainderIsExactQuotaRespectingAndDeterministic(
            @ForAll("amounts") Amount total, @ForAll("weights") List<BigInteger> w) {
        List<Amount> parts = LargestRemainder.split(total, w);
        assertThat(parts.stream().reduce(Amount.ZERO, Amount::add)).isEqualTo(total);
        assertThat(LargestRemainder.split(total, w)).isEqualTo(parts);
        BigInteger sum = w.stream().reduce(BigInteger.ZERO, BigInteger::add);
        for (int i = 0; i < w.size(); i++) {
            BigInteger floor = total.toBigInteger().multiply(w.get(i)).divide(sum);
            assertThat(parts.get(i).toBigInteger()).isBetween(floor, floor.add(BigInteger.ONE));
        }
        assertThat(parts.stream().map(Amount::toBigInteger).toList()).isEqualTo(naive(total.toBigInteger(), w));
    }

    @Property(tries = 200)
    void floorSplitSendsLessThanOneUnitPerPartToTheRemainder(
            @ForAll("amounts") Amount total, @ForAll("weights") List<BigInteger> w) {
        List<Amount> parts = LargestRemainder.floorWithRemainder(total, w);
        assertThat(parts.stream().reduce(Amount.ZERO, Amount::add)).isEqualTo(total);
        assertThat(parts.getLast()).isLessThan(Amount.of(w.size()));
    }

    @Provide
    Arbitrary<AttributionWeights> attributions() {
        return Arbitraries.maps(
                        Arbitraries.integers().between(1, 10_000).map(i -> ContributorId.of(addr(i))),
                        Arbitraries.bigDecimals()
                                .between(BigDecimal.valueOf(-5), BigDecimal.valueOf(1_000_000))
                                .ofScale(6))
                .ofMaxSize(30)
                .map(AttributionWeights::fromScores);
    }

    static Address addr(int i) {
        return OpenToken.systemAddress("contributor-" + i);
    }

    @Property(tries = 400)
    void feeSplitPartsAlwaysSumToTheFee(
            @ForAll("amounts") Amount fee,
            @ForAll("attributions") AttributionWeights weights,
            @ForAll @IntRange(min = 0, max = 10_000) int dev,
            @ForAll @IntRange(min = 0, max = 10_000) int stakers,
            @ForAll boolean stakersPresent,
            @ForAll FeeSplit.RemainderPolicy policy) {
        int st = Math.min(stakers, 10_000 - dev);
        int contrib = (10_000 - dev - st) / 2;
        SplitRatios r = new SplitRatios(dev, st, contrib, 10_000 - dev - st - contrib);
        FeeSplit s = FeeSplit.compute(fee, r, weights, stakersPresent, policy);
        Amount sum = s.modelDeveloper().add(s.stakers()).add(s.protocol()).add(s.dust());
        for (Amount a : s.contributors().values()) {
            sum = sum.add(a);
        }
        assertThat(sum).isEqualTo(fee);
        assertThat(FeeSplit.compute(fee, r, weights, stakersPresent, policy)).isEqualTo(s);
        assertThat(s.contributors().keySet()).isSubsetOf(weights.shares().keySet());
        if (!stakersPresent) {
            assertThat(s.stakers()).isEqualTo(Amount.ZERO);
        }
        if (policy == FeeSplit.RemainderPolicy.LARGEST_REMAINDER && stakersPresent && !weights.isEmpty()) {
            assertThat(s.dust()).isEqualTo(Amount.ZERO);
        }
    }

    @Example
    void tieBreakIsByOrderAndWeightsMustBeValid() {
        // 10 split three ways evenly: remainders tie, the lower indexes get the extra units.
        assertThat(LargestRemainder.split(Amount.of(10), List.of(BigInteger.ONE, BigInteger.ONE, BigInteger.ONE)))
                .containsExactly(Amount.of(4), Amount.of(3), Amount.of(3));
        // 100 by 1:2 → quotas 33.3 and 66.6: the larger remainder wins the unit.
        assertThat(LargestRemainder.split(Amount.of(100), List.of(BigInteger.ONE, BigInteger.TWO)))
                .containsExactly(Amount.of(33), Amount.of(67));
        assertThatThrownBy(() -> LargestRemainder.split(Amount.ONE, List.of(BigInteger.ZERO)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not all be zero");
        assertThatThrownBy(() -> LargestRemainder.split(Amount.ONE, List.of(BigInteger.ONE.negate())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(">= 0");
    }

    @Example
    void contributorsSplitByAttributionWeights() {
        Map<ContributorId, Long> shares = new HashMap<>();
        shares.put(ContributorId.of(addr(1)), 600_000_000_000_000_000L);
        shares.put(ContributorId.of(addr(2)), 400_000_000_000_000_000L);
        AttributionWeights w = AttributionWeights.ofShares(shares);
        FeeSplit s = FeeSplit.compute(
                Amount.of(10_001), SplitRatios.defaults(), w, true, FeeSplit.RemainderPolicy.LARGEST_REMAINDER);
        // 10,001 by 30/15/45/10 %: quotas 3000.3, 1500.15, 4500.45, 1000.1 → the 4500.45 part takes the unit.
        assertThat(s.modelDeveloper()).isEqualTo(Amount.of(3000));
        assertThat(s.stakers()).isEqualTo(Amount.of(1500));
        assertThat(s.protocol()).isEqualTo(Amount.of(1000));
        // 4501 by 60/40: 2700.6 and 1800.4 → 2701 and 1800.
        assertThat(s.contributors()).containsEntry(ContributorId.of(addr(1)), Amount.of(2701));
        assertThat(s.contributors()).containsEntry(ContributorId.of(addr(2)), Amount.of(1800));
        FeeSplit none = FeeSplit.compute(
                Amount.of(10_001),
                SplitRatios.defaults(),
                AttributionWeights.empty(),
                false,
                FeeSplit.RemainderPolicy.LARGEST_REMAINDER);
        assertThat(none.dust()).isEqualTo(Amount.of(1500 + 4501));
    }

    @Example
    void feeScheduleRoundsTheMeteredPartUp() {
        FeeSchedule f = new FeeSchedule(Amount.of(3), Amount.of(7), Amount.of(100));
        // (1000*3 + 1*7) / 1000 = 3.007 → 4, plus 100.
        assertThat(f.fee(1000, 1)).isEqualTo(Amount.of(104));
        assertThat(f.fee(0, 0)).isEqualTo(Amount.of(100));
        assertThat(f.fee(2000, 1000)).isEqualTo(Amount.of(113));
        assertThatThrownBy(() -> f.fee(-1, 0)).hasMessageContaining("token counts must be >= 0");
        assertThatThrownBy(() -> new SplitRatios(5000, 5000, 1, 0)).hasMessageContaining("10000");
    }
}
