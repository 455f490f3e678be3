package io.openledger.token;

import io.openledger.core.Amount;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Exact integer apportionment by the largest-remainder (Hamilton) method: each part is {@code
 * floor(total × w_i / W)}, and the {@code R < n} units left over go one each to the parts with the
 * largest exact remainders {@code (total × w_i) mod W}, ties broken by the lower index. The parts
 * always sum to exactly {@code total}, each is the floor or the ceiling of its exact quota, and the
 * same inputs always give the same parts. No floating point. (Method: Hamilton 1792; see
 * reference/token-ledger.md §3.2.) Stateless.
 */
public final class LargestRemainder {
    private LargestRemainder() {}

    /**
     * Splits {@code total} in proportion to {@code weights}.
     *
     * @throws IllegalArgumentException if a weight is negative or all are zero
     */
    public static List<Amount> split(Amount total, List<BigInteger> weights) {
        BigInteger w = BigInteger.ZERO;
        for (BigInteger x : weights) {
            if (x.signum() < 0) {
                throw new IllegalArgumentException("weights must be >= 0, got " + x);
            }
            w = w.add(x);
        }
        if (w.signum() == 0) {
            throw new IllegalArgumentException("weights must not all be zero (got " + weights.size() + " weights)");
        }
        int n = weights.size();
        BigInteger t = total.toBigInteger();
        BigInteger[] floor = new BigInteger[n];
        BigInteger[] rem = new BigInteger[n];
        BigInteger assigned = BigInteger.ZERO;
        for (int i = 0; i < n; i++) {
            BigInteger[] qr = t.multiply(weights.get(i)).divideAndRemainder(w);
            floor[i] = qr[0];
            rem[i] = qr[1];
            assigned = assigned.add(qr[0]);
        }
        int left = t.subtract(assigned).intValueExact(); // < n
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int c = rem[b].compareTo(rem[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        for (int k = 0; k < left; k++) {
            floor[order[k]] = floor[order[k]].add(BigInteger.ONE);
        }
        List<Amount> out = new ArrayList<>(n);
        for (BigInteger f : floor) {
            out.add(Amount.of(f));
        }
        return out;
    }

    /**
     * Splits by flooring only: parts {@code floor(total × w_i / W)}, and the remainder (which is less
     * than the number of parts) returned as the last element, for callers that send it to a dust
     * account.
     *
     * @throws IllegalArgumentException if a weight is negative or all are zero
     */
    public static List<Amount> floorWithRemainder(Amount total, List<BigInteger> weights) {
        BigInteger w = weights.stream().reduce(BigInteger.ZERO, BigInteger::add);
        if (weights.stream().anyMatch(x -> x.signum() < 0) || w.signum() == 0) {
            throw new IllegalArgumentException("weights must be >= 0 and not all zero: " + weights);
        }
        List<Amount> out = new ArrayList<>(weights.size() + 1);
        BigInteger assigned = BigInteger.ZERO;
        for (BigInteger x : weights) {
            BigInteger f = total.toBigInteger().multiply(x).divide(w);
            out.add(Amount.of(f));
            assigned = assigned.add(f);
        }
        out.add(Amount.of(total.toBigInteger().subtract(assigned)));
        return out;
    }
}
