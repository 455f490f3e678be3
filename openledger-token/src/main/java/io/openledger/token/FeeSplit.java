package io.openledger.token;

import io.openledger.core.Amount;
import io.openledger.core.ContributorId;
import io.openledger.core.contract.AttributionWeights;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One fee divided between the model developer, the stakers, the data contributors and the
 * protocol, with whatever cannot be attributed in {@code dust}. The parts always sum to exactly the
 * fee. Immutable.
 *
 * @param fee the fee split
 * @param modelDeveloper the model developer's part
 * @param stakers the stakers' part (zero if nobody stakes: it goes to dust)
 * @param contributors each contributor's part, by address
 * @param protocol the protocol's part
 * @param dust units no one can be given: the contributors' part when no data earned, the stakers'
 *     part when nobody stakes, and floor remainders under {@link RemainderPolicy#TO_DUST}
 */
public record FeeSplit(
        Amount fee,
        Amount modelDeveloper,
        Amount stakers,
        SortedMap<ContributorId, Amount> contributors,
        Amount protocol,
        Amount dust) {

    /** Where the units go that flooring leaves over. */
    public enum RemainderPolicy {
        /** Largest remainder: leftover units go to the parts with the largest remainders (default). */
        LARGEST_REMAINDER,
        /** Floor every part; leftover units go to the dust account. */
        TO_DUST
    }

    /** Copies the map and checks that the parts sum to the fee. */
    public FeeSplit {
        contributors = Collections.unmodifiableSortedMap(new TreeMap<>(contributors));
        Amount sum = modelDeveloper.add(stakers).add(protocol).add(dust);
        for (Amount a : contributors.values()) {
            sum = sum.add(a);
        }
        if (!sum.equals(fee)) {
            throw new IllegalStateException("split parts sum to " + sum + ", not the fee " + fee);
        }
    }

    /**
     * Splits {@code fee}: first between the four parties by {@code ratios} (ties by the fixed order
     * developer, stakers, contributors, protocol), then the contributors' part by {@code weights}
     * (ties by the smaller contributor address).
     *
     * @param stakersPresent false if nobody stakes: the stakers' part goes to dust
     */
    public static FeeSplit compute(
            Amount fee,
            SplitRatios ratios,
            AttributionWeights weights,
            boolean stakersPresent,
            RemainderPolicy policy) {
        List<BigInteger> top = List.of(
                BigInteger.valueOf(ratios.modelDeveloperBps()),
                BigInteger.valueOf(ratios.stakersBps()),
                BigInteger.valueOf(ratios.contributorsBps()),
                BigInteger.valueOf(ratios.protocolBps()));
        List<Amount> parts = apportion(fee, top, policy);
        Amount dust = policy == RemainderPolicy.TO_DUST ? parts.get(4) : Amount.ZERO;
        Amount stakers = parts.get(1);
        if (!stakersPresent) {
            dust = dust.add(stakers);
            stakers = Amount.ZERO;
        }
        Amount contributorsPart = parts.get(2);
        SortedMap<ContributorId, Amount> byContributor = new TreeMap<>();
        if (weights.isEmpty() || contributorsPart.isZero()) {
            dust = dust.add(contributorsPart);
        } else {
            List<ContributorId> ids = new ArrayList<>(weights.shares().keySet()); // address order
            List<BigInteger> w = new ArrayList<>();
            for (ContributorId c : ids) {
                w.add(BigInteger.valueOf(weights.shareOf(c)));
            }
            List<Amount> cs = apportion(contributorsPart, w, policy);
            for (int i = 0; i < ids.size(); i++) {
                if (!cs.get(i).isZero()) {
                    byContributor.put(ids.get(i), cs.get(i));
                }
            }
            if (policy == RemainderPolicy.TO_DUST) {
                dust = dust.add(cs.get(ids.size()));
            }
        }
        return new FeeSplit(fee, parts.get(0), stakers, byContributor, parts.get(3), dust);
    }

    private static List<Amount> apportion(Amount total, List<BigInteger> weights, RemainderPolicy policy) {
        return policy == RemainderPolicy.LARGEST_REMAINDER
                ? LargestRemainder.split(total, weights)
                : LargestRemainder.floorWithRemainder(total, weights);
    }

    /** Every part by recipient kind, for display. */
    public Map<String, Amount> summary() {
        Amount c = contributors.values().stream().reduce(Amount.ZERO, Amount::add);
        return Map.of(
                "modelDeveloper",
                modelDeveloper,
                "stakers",
                stakers,
                "contributors",
                c,
                "protocol",
                protocol,
                "dust",
                dust);
    }
}
