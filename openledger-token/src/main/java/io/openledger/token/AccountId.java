package io.openledger.token;

import io.openledger.core.Bytes;
import io.openledger.core.crypto.Hashing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A 128-bit ledger account id, chosen by the client (TigerBeetle style). Zero and 2^128 - 1 are
 * reserved and rejected by the ledger. Ordered as unsigned 128-bit integers. Immutable.
 *
 * @param hi the upper 64 bits
 * @param lo the lower 64 bits
 */
public record AccountId(long hi, long lo) implements Comparable<AccountId> {
    /** The reserved "no account" id. */
    public static final AccountId ZERO = new AccountId(0, 0);

    /** The id with value {@code value} (a non-negative long). */
    public static AccountId of(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("value must be >= 0, got " + value);
        }
        return new AccountId(0, value);
    }

    /**
     * A stable id derived from a domain and parts: the first 16 bytes of keccak256(domain || 0x00 ||
     * parts...). Collisions are as unlikely as 128-bit hash collisions.
     */
    public static AccountId derive(String domain, Bytes... parts) {
        long[] v = derive128(domain, parts);
        return new AccountId(v[0], v[1]);
    }

    static long[] derive128(String domain, Bytes... parts) {
        Bytes[] all = new Bytes[parts.length + 1];
        all[0] = Bytes.utf8(domain).append(Bytes.of((byte) 0));
        System.arraycopy(parts, 0, all, 1, parts.length);
        ByteBuffer b = ByteBuffer.wrap(Hashing.keccak256(all).toArray());
        return new long[] {b.getLong(), b.getLong()};
    }

    static Bytes utf8(String s) {
        return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** True for the reserved ids 0 and 2^128 - 1. */
    public boolean isReserved() {
        return (hi == 0 && lo == 0) || (hi == -1 && lo == -1);
    }

    /** 16 bytes, big-endian. */
    public Bytes toBytes() {
        return Bytes.wrap(ByteBuffer.allocate(16).putLong(hi).putLong(lo).array());
    }

    @Override
    public int compareTo(AccountId o) {
        int c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }

    @Override
    public String toString() {
        return String.format("acct:%016x%016x", hi, lo);
    }
}
