package io.openledger.token;

import io.openledger.core.Amount;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;

/**
 * A cliff followed by linear release: nothing vests before {@code start + cliff}; from then on the
 * allocation vests linearly, second by second (floor), over {@code linear}, and all of it at {@code
 * start + cliff + linear}. So "12-month cliff then 36 months linear" releases nothing in the first
 * year and 1/36 per month for the next three. Vested amounts are monotone and never exceed the
 * allocation (OpenZeppelin VestingWallet's linear formula, shifted to start at the cliff). Immutable.
 *
 * @param start when the schedule starts (token generation)
 * @param cliff how long nothing vests
 * @param linear how long the linear release after the cliff lasts (zero: everything at the cliff)
 */
public record VestingSchedule(Instant start, Duration cliff, Duration linear) {
    /** A month of 30.4375 days (365.25 / 12), so that 12 months are one Julian year. */
    private static final Duration MONTH = Duration.ofSeconds(2_629_800);

    /** Checks the durations. */
    public VestingSchedule {
        if (cliff.isNegative()) {
            throw new IllegalArgumentException("cliff must be >= 0, got " + cliff);
        }
        if (linear.isNegative()) {
            throw new IllegalArgumentException("linear must be >= 0, got " + linear);
        }
    }

    /** A schedule of {@code cliffMonths} then {@code linearMonths} (months of 30.4375 days). */
    public static VestingSchedule months(Instant start, int cliffMonths, int linearMonths) {
        if (cliffMonths < 0 || linearMonths < 0) {
            throw new IllegalArgumentException(
                    "months must be >= 0, got cliff " + cliffMonths + ", linear " + linearMonths);
        }
        return new VestingSchedule(start, MONTH.multipliedBy(cliffMonths), MONTH.multipliedBy(linearMonths));
    }

    /** The team and investor default: 12-month cliff, then 36 months linear. */
    public static VestingSchedule teamDefault(Instant tge) {
        return months(tge, 12, 36);
    }

    /** When everything has vested. */
    public Instant end() {
        return start.plus(cliff).plus(linear);
    }

    /** How much of {@code total} has vested at {@code t}. */
    public Amount vested(Amount total, Instant t) {
        Instant cliffEnd = start.plus(cliff);
        if (t.isBefore(cliffEnd)) {
            return Amount.ZERO;
        }
        if (!t.isBefore(end())) {
            return total;
        }
        long elapsed = Duration.between(cliffEnd, t).toSeconds();
        long span = linear.toSeconds();
        return Amount.of(
                total.toBigInteger().multiply(BigInteger.valueOf(elapsed)).divide(BigInteger.valueOf(span)));
    }
}
