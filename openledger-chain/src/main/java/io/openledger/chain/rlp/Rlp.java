package io.openledger.chain.rlp;

import io.openledger.core.Bytes;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.List;

/**
 * RLP encoding and strict decoding (Yellow Paper appendix B). Stateless and thread-safe.
 *
 * <p>The decoder accepts only the canonical encoding, the way go-ethereum's {@code rlp.DecodeBytes}
 * does: a single byte below 0x80 must not be wrapped as a string, a long-form length must not fit the
 * short form, a length must not have leading zero bytes, no length may run past the end of the
 * input, no bytes may follow the top-level item, and lists may nest at most {@link
 * #DEFAULT_MAX_DEPTH} deep. Every rejection is an {@link RlpException} naming the byte offset.
 */
public final class Rlp {
    /** The nesting limit {@link #decode(Bytes)} applies. */
    public static final int DEFAULT_MAX_DEPTH = 64;

    private Rlp() {}

    /**
     * Decodes exactly one item that spans all of {@code input}.
     *
     * @throws RlpException if the input is not one canonical RLP item
     */
    public static RlpItem decode(Bytes input) {
        return decode(input, DEFAULT_MAX_DEPTH);
    }

    /**
     * Decodes exactly one item, allowing lists to nest {@code maxDepth} levels (a top-level list is
     * depth 1).
     *
     * @throws RlpException if the input is not one canonical RLP item within the depth limit
     * @throws IllegalArgumentException if {@code maxDepth} is negative
     */
    public static RlpItem decode(Bytes input, int maxDepth) {
        if (maxDepth < 0) {
            throw new IllegalArgumentException("maxDepth must be >= 0, got " + maxDepth);
        }
        return new StrictDecoder(input.unsafeArray(), maxDepth).decodeWhole();
    }

    /** The encoding of {@code item}. */
    public static Bytes encode(RlpItem item) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(item, out);
        return Bytes.wrap(out.toByteArray());
    }

    /** The encoding of the byte string {@code value}. */
    public static Bytes encodeBytes(Bytes value) {
        byte[] v = value.unsafeArray();
        if (v.length == 1 && (v[0] & 0xff) < 0x80) {
            return value;
        }
        byte[] out = new byte[headerLength(v.length) + v.length];
        int at = writeHeader(out, 0, 0x80, v.length);
        System.arraycopy(v, 0, out, at, v.length);
        return Bytes.wrap(out);
    }

    /** The encoding of an unsigned 64-bit integer ({@code value} read as unsigned). */
    public static Bytes encodeLong(long value) {
        return encodeBytes(minimalBytes(value));
    }

    /** The encoding of a non-negative integer. */
    public static Bytes encodeBigInteger(BigInteger value) {
        return encodeBytes(minimalBytes(value));
    }

    /** The encoding of a list whose elements are already encoded: a header and their concatenation. */
    public static Bytes encodeList(List<Bytes> encodedElements) {
        int n = 0;
        for (Bytes e : encodedElements) {
            n = Math.addExact(n, e.size());
        }
        byte[] out = new byte[headerLength(n) + n];
        int at = writeHeader(out, 0, 0xc0, n);
        for (Bytes e : encodedElements) {
            e.copyTo(out, at);
            at += e.size();
        }
        return Bytes.wrap(out);
    }

    /** {@link #encodeList(List)} over varargs. */
    public static Bytes encodeList(Bytes... encodedElements) {
        return encodeList(List.of(encodedElements));
    }

    /** Number of header bytes for a payload of {@code length} bytes (strings > 1 byte, and lists). */
    public static int headerLength(int length) {
        return length < 56 ? 1 : 1 + lengthOfLength(length);
    }

    /**
     * Writes a header for a payload of {@code length} bytes at {@code at}; {@code base} is 0x80 for
     * strings or 0xc0 for lists. Returns the offset after the header.
     */
    public static int writeHeader(byte[] out, int at, int base, int length) {
        if (length < 56) {
            out[at] = (byte) (base + length);
            return at + 1;
        }
        int lol = lengthOfLength(length);
        out[at++] = (byte) (base + 55 + lol);
        for (int i = lol - 1; i >= 0; i--) {
            out[at++] = (byte) (length >>> (8 * i));
        }
        return at;
    }

    /** The minimal big-endian bytes of {@code value} read as unsigned; zero gives the empty sequence. */
    public static Bytes minimalBytes(long value) {
        if (value == 0) {
            return Bytes.EMPTY;
        }
        int n = (64 - Long.numberOfLeadingZeros(value) + 7) / 8;
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (value >>> (8 * (n - 1 - i)));
        }
        return Bytes.wrap(b);
    }

    /**
     * The minimal big-endian bytes of a non-negative integer; zero gives the empty sequence.
     *
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public static Bytes minimalBytes(BigInteger value) {
        if (value.signum() < 0) {
            throw new IllegalArgumentException("RLP integers are unsigned, got " + value);
        }
        if (value.signum() == 0) {
            return Bytes.EMPTY;
        }
        byte[] raw = value.toByteArray();
        return raw[0] == 0 ? Bytes.of(raw, 1, raw.length - 1) : Bytes.wrap(raw);
    }

    private static int lengthOfLength(int length) {
        return (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
    }

    private static void write(RlpItem item, ByteArrayOutputStream out) {
        switch (item) {
            case RlpString s -> out.writeBytes(encodeBytes(s.bytes()).unsafeArray());
            case RlpList l -> {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                for (RlpItem child : l.items()) {
                    write(child, body);
                }
                byte[] header = new byte[headerLength(body.size())];
                writeHeader(header, 0, 0xc0, body.size());
                out.writeBytes(header);
                out.writeBytes(body.toByteArray());
            }
        }
    }
}
