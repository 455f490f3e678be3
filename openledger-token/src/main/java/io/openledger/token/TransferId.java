package io.openledger.token;

import io.openledger.core.Bytes;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * A 128-bit transfer id chosen by the client; it is the idempotency key of a transfer. Zero and 2^128
 * - 1 are reserved. Ordered as unsigned 128-bit integers. Immutable.
 *
 * @param hi the upper 64 bits
 * @param lo the lower 64 bits
 */
public record TransferId(long hi, long lo) implements Comparable<TransferId> {
    /** The reserved "none" id, used as {@code pendingId} of transfers that resolve nothing. */
    public static final TransferId ZERO = new TransferId(0, 0);

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The id with value {@code value} (a non-negative long). */
    public static TransferId of(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("value must be >= 0, got " + value);
        }
        return new TransferId(0, value);
    }

    /** A stable id derived from a domain and parts (first 16 bytes of a keccak256, see {@link AccountId#derive}). */
    public static TransferId derive(String domain, Bytes... parts) {
        long[] v = AccountId.derive128(domain, parts);
        return new TransferId(v[0], v[1]);
    }

    /** A random id from a {@link SecureRandom}, for operations without a client idempotency key. */
    public static TransferId random() {
        long hi;
        long lo;
        do {
            hi = RANDOM.nextLong();
            lo = RANDOM.nextLong();
        } while ((hi == 0 && lo == 0) || (hi == -1 && lo == -1));
        return new TransferId(hi, lo);
    }

    /** True for the reserved ids 0 and 2^128 - 1. */
    public boolean isReserved() {
        return (hi == 0 && lo == 0) || (hi == -1 && lo == -1);
    }

    /** True for {@link #ZERO}. */
    public boolean isZero() {
        return hi == 0 && lo == 0;
    }

    /** 16 bytes, big-endian. */
    public Bytes toBytes() {
        return Bytes.wrap(ByteBuffer.allocate(16).putLong(hi).putLong(lo).array());
    }

    @Override
    public int compareTo(TransferId o) {
        int c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }

    @Override
    public String toString() {
        return String.format("xfer:%016x%016x", hi, lo);
    }
}
