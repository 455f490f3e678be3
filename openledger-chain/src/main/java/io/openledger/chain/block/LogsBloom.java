package io.openledger.chain.block;

import io.openledger.core.Bytes;
import io.openledger.core.crypto.Hashing;
import java.util.Arrays;

/**
 * The 2048-bit logs bloom filter of the Yellow Paper (§4.3.1): for the address and every topic of
 * every log, three bits chosen by the low 11 bits of the first three byte pairs of its keccak256 are
 * set. Immutable and thread-safe.
 */
public final class LogsBloom {
    /** Size in bytes. */
    public static final int SIZE = 256;

    /** The empty filter. */
    public static final LogsBloom EMPTY = new LogsBloom(new byte[SIZE]);

    private final byte[] bits;

    private LogsBloom(byte[] bits) {
        this.bits = bits;
    }

    /**
     * The filter with these 256 bytes.
     *
     * @throws IllegalArgumentException on any other length
     */
    public static LogsBloom of(Bytes bytes) {
        if (bytes.size() != SIZE) {
            throw new IllegalArgumentException("a logs bloom is 256 bytes, got " + bytes.size());
        }
        return new LogsBloom(bytes.toArray());
    }

    /** The filter of {@code logs}. */
    public static LogsBloom of(Iterable<Log> logs) {
        byte[] b = new byte[SIZE];
        for (Log log : logs) {
            add(b, log.address().bytes());
            for (var t : log.topics()) {
                add(b, t.bytes());
            }
        }
        return new LogsBloom(b);
    }

    /** The union of this filter and {@code other}. */
    public LogsBloom or(LogsBloom other) {
        byte[] b = bits.clone();
        for (int i = 0; i < SIZE; i++) {
            b[i] |= other.bits[i];
        }
        return new LogsBloom(b);
    }

    /** True if {@code value} (an address or topic) may have been added; false means certainly not. */
    public boolean mightContain(Bytes value) {
        byte[] h = Hashing.keccak256(value).bytes().unsafeArray();
        for (int i = 0; i < 6; i += 2) {
            int bit = ((h[i] & 0xff) << 8 | (h[i + 1] & 0xff)) & 2047;
            if ((bits[SIZE - 1 - bit / 8] & (1 << (bit % 8))) == 0) {
                return false;
            }
        }
        return true;
    }

    private static void add(byte[] b, Bytes value) {
        byte[] h = Hashing.keccak256(value).bytes().unsafeArray();
        for (int i = 0; i < 6; i += 2) {
            int bit = ((h[i] & 0xff) << 8 | (h[i + 1] & 0xff)) & 2047;
            b[SIZE - 1 - bit / 8] |= (byte) (1 << (bit % 8));
        }
    }

    /** The 256 bytes. */
    public Bytes bytes() {
        return Bytes.of(bits);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogsBloom l && Arrays.equals(bits, l.bits);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bits);
    }

    @Override
    public String toString() {
        return bytes().toString();
    }
}
