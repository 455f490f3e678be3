package io.openledger.chain.tx;

import java.math.BigInteger;

/**
 * The signature values carried by a transaction, exactly as on the wire: y parity and r, s as
 * unsigned integers below 2^256. They are not checked against the curve here; {@link
 * Transaction#sender()} does that. Immutable and thread-safe.
 *
 * @param yParity 0 or 1
 * @param r r, in [0, 2^256)
 * @param s s, in [0, 2^256)
 */
public record TxSignature(int yParity, BigInteger r, BigInteger s) {
    private static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(256);

    /**
     * Checks the ranges.
     *
     * @throws IllegalArgumentException if yParity is not 0 or 1, or r or s is outside [0, 2^256)
     */
    public TxSignature {
        if (yParity != 0 && yParity != 1) {
            throw new IllegalArgumentException("yParity must be 0 or 1, got " + yParity);
        }
        if (r.signum() < 0 || r.compareTo(LIMIT) >= 0) {
            throw new IllegalArgumentException("r must be in [0, 2^256)");
        }
        if (s.signum() < 0 || s.compareTo(LIMIT) >= 0) {
            throw new IllegalArgumentException("s must be in [0, 2^256)");
        }
    }
}
