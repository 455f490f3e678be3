package io.openledger.chain.rlp;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.math.BigInteger;

/**
 * An RLP byte string, with strict readers for the scalar types Ethereum stores in strings: integers
 * must be minimal big-endian (no leading zero byte, zero is the empty string). Immutable and
 * thread-safe.
 */
public final class RlpString implements RlpItem {
    /** The empty string, which is also the integer zero. */
    public static final RlpString EMPTY = new RlpString(Bytes.EMPTY, -1);

    private final Bytes bytes;
    private final int position;

    private RlpString(Bytes bytes, int position) {
        this.bytes = bytes;
        this.position = position;
    }

    /** A string holding {@code bytes}. */
    public static RlpString of(Bytes bytes) {
        return bytes.isEmpty() ? EMPTY : new RlpString(bytes, -1);
    }

    /** A decoded string; {@code position} is its offset in the input. */
    static RlpString decoded(Bytes bytes, int position) {
        return new RlpString(bytes, position);
    }

    /** The minimal big-endian encoding of an unsigned 64-bit integer ({@code value} read as unsigned). */
    public static RlpString ofLong(long value) {
        return of(Rlp.minimalBytes(value));
    }

    /**
     * The minimal big-endian encoding of a non-negative integer.
     *
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public static RlpString ofBigInteger(BigInteger value) {
        return of(Rlp.minimalBytes(value));
    }

    /** The minimal big-endian encoding of an amount. */
    public static RlpString ofAmount(Amount value) {
        return of(value.toMinimalBytes());
    }

    /** The content bytes. */
    public Bytes bytes() {
        return bytes;
    }

    @Override
    public int position() {
        return position;
    }

    /**
     * Reads a canonical unsigned integer of at most 8 bytes; the result is to be read as unsigned.
     *
     * @param what the field name used in error messages
     * @throws RlpException on a leading zero byte or more than 8 bytes
     */
    public long asLong(String what) {
        checkCanonicalInteger(what, 8);
        long v = 0;
        for (int i = 0; i < bytes.size(); i++) {
            v = (v << 8) | bytes.getUnsigned(i);
        }
        return v;
    }

    /**
     * Reads a canonical unsigned integer of at most {@code maxBytes} bytes.
     *
     * @throws RlpException on a leading zero byte or more than {@code maxBytes} bytes
     */
    public BigInteger asBigInteger(String what, int maxBytes) {
        checkCanonicalInteger(what, maxBytes);
        return bytes.isEmpty() ? BigInteger.ZERO : new BigInteger(1, bytes.unsafeArray());
    }

    /**
     * Reads a canonical unsigned 256-bit integer.
     *
     * @throws RlpException on a leading zero byte or more than 32 bytes
     */
    public Amount asAmount(String what) {
        checkCanonicalInteger(what, 32);
        return Amount.fromUnsignedBytes(bytes);
    }

    /**
     * Reads exactly 20 bytes.
     *
     * @throws RlpException on any other length
     */
    public Address asAddress(String what) {
        if (bytes.size() != Address.SIZE) {
            throw new RlpException(position, what + " must be 20 bytes, got " + bytes.size());
        }
        return Address.of(bytes);
    }

    /**
     * Reads exactly 32 bytes.
     *
     * @throws RlpException on any other length
     */
    public Hash asHash(String what) {
        if (bytes.size() != Hash.SIZE) {
            throw new RlpException(position, what + " must be 32 bytes, got " + bytes.size());
        }
        return Hash.of(bytes);
    }

    /**
     * Reads a boolean: the empty string is false and {@code 0x01} true, nothing else.
     *
     * @throws RlpException on any other content
     */
    public boolean asBoolean(String what) {
        if (bytes.isEmpty()) {
            return false;
        }
        if (bytes.size() == 1 && bytes.get(0) == 1) {
            return true;
        }
        throw new RlpException(position, what + " must be a boolean (0x80 or 0x01), got " + bytes);
    }

    private void checkCanonicalInteger(String what, int maxBytes) {
        if (!bytes.isEmpty() && bytes.get(0) == 0) {
            throw new RlpException(position, what + " has a leading zero byte (non-canonical integer)");
        }
        if (bytes.size() > maxBytes) {
            throw new RlpException(
                    position, what + " is " + bytes.size() + " bytes, more than the " + maxBytes + " allowed");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RlpString s && bytes.equals(s.bytes);
    }

    @Override
    public int hashCode() {
        return bytes.hashCode();
    }

    @Override
    public String toString() {
        return bytes.toString();
    }
}
