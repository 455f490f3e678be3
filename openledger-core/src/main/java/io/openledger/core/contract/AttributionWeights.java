package io.openledger.core.contract;

import io.openledger.core.ContributorId;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Fixed-point shares of an inference's data-contributor reward. Each share is in units of 10^-18;
 * the shares of a non-empty set sum to exactly {@link #ONE} (10^18). An empty set means no data
 * earned anything (all influence was zero or negative). Immutable and thread-safe.
 */
public final class AttributionWeights {
    /** The fixed-point one: 10^18. */
    public static final long ONE = 1_000_000_000_000_000_000L;

    private static final AttributionWeights EMPTY = new AttributionWeights(Collections.emptySortedMap());

    private final SortedMap<ContributorId, Long> shares;

    private AttributionWeights(SortedMap<ContributorId, Long> shares) {
        this.shares = shares;
    }

    /** No contributor earns. */
    public static AttributionWeights empty() {
        return EMPTY;
    }

    /**
     * Weights from explicit shares.
     *
     * @throws IllegalArgumentException unless every share is positive and they sum to exactly 10^18
     */
    public static AttributionWeights ofShares(Map<ContributorId, Long> shares) {
        long sum = 0;
        for (var e : shares.entrySet()) {
            if (e.getValue() <= 0) {
                throw new IllegalArgumentException("share of " + e.getKey() + " must be positive, got " + e.getValue());
            }
            sum = Math.addExact(sum, e.getValue());
        }
        if (!shares.isEmpty() && sum != ONE) {
            throw new IllegalArgumentException("shares must sum to exactly 10^18, got " + sum);
        }
        return shares.isEmpty()
                ? EMPTY
                : new AttributionWeights(Collections.unmodifiableSortedMap(new TreeMap<>(shares)));
    }

    /**
     * Normalises raw influence scores to shares. Only positive scores earn; the shares are the scores'
     * proportions rounded down, and the units left over go one each to the largest remainders, ties
     * broken by the smaller contributor address. Exact: no floating-point arithmetic is used.
     *
     * @param scores influence per contributor (any scale; zero and negative scores earn nothing)
     */
    public static AttributionWeights fromScores(Map<ContributorId, BigDecimal> scores) {
        TreeMap<ContributorId, BigDecimal> positive = new TreeMap<>();
        scores.forEach((k, v) -> {
            if (v.signum() > 0) {
                positive.put(k, v);
            }
        });
        if (positive.isEmpty()) {
            return EMPTY;
        }
        BigDecimal total = positive.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal one = BigDecimal.valueOf(ONE);
        record Part(ContributorId id, long floor, BigDecimal remainder) {}
        List<Part> parts = new ArrayList<>();
        long assigned = 0;
        for (var e : positive.entrySet()) {
            BigDecimal exact = e.getValue().multiply(one);
            BigDecimal[] qr = exact.divideAndRemainder(total);
            long floor = qr[0].toBigIntegerExact().longValueExact();
            // remainder / total, compared exactly across parts since total is shared
            parts.add(new Part(e.getKey(), floor, qr[1]));
            assigned += floor;
        }
        long left = ONE - assigned;
        List<Part> byRemainder = new ArrayList<>(parts);
        byRemainder.sort(
                Comparator.comparing(Part::remainder, Comparator.reverseOrder()).thenComparing(Part::id));
        TreeMap<ContributorId, Long> out = new TreeMap<>();
        for (Part p : parts) {
            out.put(p.id(), p.floor());
        }
        for (int i = 0; i < left; i++) {
            ContributorId id = byRemainder.get(i).id();
            out.merge(id, 1L, Long::sum);
        }
        out.values().removeIf(v -> v == 0);
        return out.isEmpty() ? EMPTY : new AttributionWeights(Collections.unmodifiableSortedMap(out));
    }

    /** Shares by contributor, in address order (read-only). */
    public SortedMap<ContributorId, Long> shares() {
        return shares;
    }

    /** The share of {@code c}, 0 if it has none. */
    public long shareOf(ContributorId c) {
        return shares.getOrDefault(c, 0L);
    }

    /** True if no contributor earns. */
    public boolean isEmpty() {
        return shares.isEmpty();
    }

    /** The share of {@code c} as a decimal fraction of one (for display only). */
    public BigDecimal fractionOf(ContributorId c) {
        return new BigDecimal(BigInteger.valueOf(shareOf(c)), 18).setScale(18, RoundingMode.UNNECESSARY);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttributionWeights w && shares.equals(w.shares);
    }

    @Override
    public int hashCode() {
        return shares.hashCode();
    }

    @Override
    public String toString() {
        return "AttributionWeights" + shares;
    }
}
