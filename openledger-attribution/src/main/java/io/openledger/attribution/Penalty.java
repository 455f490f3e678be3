package io.openledger.attribution;

import java.math.BigDecimal;

/**
 * Why a record's influence was reduced, and by how much.
 *
 * @param reason a short human-readable reason, e.g. "duplicate of r-17"
 * @param factor what the record keeps of its score, in {@code [0, 1]} (0: nothing)
 */
public record Penalty(String reason, BigDecimal factor) {
    /**
     * @throws IllegalArgumentException if {@code reason} is blank or {@code factor} is outside [0, 1]
     */
    public Penalty {
        if (reason.isBlank()) {
            throw new IllegalArgumentException("penalty reason must not be blank");
        }
        if (factor.signum() < 0 || factor.compareTo(BigDecimal.ONE) > 0) {
            throw new IllegalArgumentException("penalty factor must be in [0, 1], got " + factor);
        }
    }

    /** A penalty that keeps nothing. */
    public static Penalty zero(String reason) {
        return new Penalty(reason, BigDecimal.ZERO);
    }
}
