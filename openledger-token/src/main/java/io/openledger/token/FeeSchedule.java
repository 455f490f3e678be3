package io.openledger.token;

import io.openledger.core.Amount;
import java.math.BigInteger;

/**
 * The inference fee: {@code T_in/1000 × R_in + T_out/1000 × R_out + platformFee}, computed exactly
 * as {@code ceil((T_in × R_in + T_out × R_out) / 1000) + platformFee}: the metered part is rounded up,
 * in the protocol's favour, as amounts charged to users are (reference §3.3). Immutable.
 *
 * @param inputRatePer1000 base units per 1000 prompt tokens
 * @param outputRatePer1000 base units per 1000 generated tokens
 * @param platformFee a flat fee per inference in base units
 */
public record FeeSchedule(Amount inputRatePer1000, Amount outputRatePer1000, Amount platformFee) {
    private static final BigInteger THOUSAND = BigInteger.valueOf(1000);

    /** Defaults: 0.002 OPEN per 1000 prompt tokens, 0.006 OPEN per 1000 output tokens, 0.0001 OPEN flat. */
    public static FeeSchedule defaults() {
        return new FeeSchedule(
                Amount.parseDecimal("0.002"), Amount.parseDecimal("0.006"), Amount.parseDecimal("0.0001"));
    }

    /**
     * The fee of an inference with {@code inputTokens} prompt and {@code outputTokens} output tokens.
     *
     * @throws IllegalArgumentException if a token count is negative
     * @throws io.openledger.core.AmountOverflowException if the fee does not fit in 256 bits
     */
    public Amount fee(long inputTokens, long outputTokens) {
        if (inputTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException(
                    "token counts must be >= 0, got input " + inputTokens + ", output " + outputTokens);
        }
        BigInteger metered = BigInteger.valueOf(inputTokens)
                .multiply(inputRatePer1000.toBigInteger())
                .add(BigInteger.valueOf(outputTokens).multiply(outputRatePer1000.toBigInteger()));
        BigInteger[] qr = metered.divideAndRemainder(THOUSAND);
        BigInteger ceil = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
        return Amount.of(ceil).add(platformFee);
    }
}
