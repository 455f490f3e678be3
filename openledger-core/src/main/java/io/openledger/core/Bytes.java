package io.openledger.core;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An immutable sequence of bytes. Equality is by content; ordering is unsigned lexicographic, the
 * order of every key-value store in this project. Instances are thread-safe.
 */
public final class Bytes implements Comparable<Bytes> {
    /** The empty sequence. */
    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private static final HexFormat HEX = HexFormat.of();

    private final byte[] data;
    private int hash;

    private Bytes(byte[] data) {
        this.data = data;
    }

    /** A copy of {@code data}; later changes to the array do not affect the result. */
    public static Bytes of(byte... data) {
        return data.length == 0 ? EMPTY : new Bytes(data.clone());
    }

    /** A copy of {@code length} bytes of {@code data} starting at {@code offset}. */
    public static Bytes of(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        return length == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(data, offset, offset + length));
    }

    /**
     * Wraps {@code data} without copying. The caller promises never to change the array again; use
     * only on arrays that were just created and never escape.
     */
    public static Bytes wrap(byte[] data) {
        return data.length == 0 ? EMPTY : new Bytes(data);
    }

    /** The UTF-8 encoding of {@code text}. */
    public static Bytes utf8(String text) {
        return wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Parses hex text, with or without a {@code 0x} prefix, in either case.
     *
     * @throws IllegalArgumentException if the text has an odd length or a non-hex character
     */
    public static Bytes fromHex(String hex) {
        String digits = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("hex text has an odd number of digits: " + abbreviate(hex));
        }
        try {
            return wrap(HEX.parseHex(digits));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not hex: " + abbreviate(hex), e);
        }
    }

    /** Concatenation of the parts, in order. */
    public static Bytes concat(Bytes... parts) {
        int n = 0;
        for (Bytes p : parts) {
            n = Math.addExact(n, p.data.length);
        }
        byte[] out = new byte[n];
        int at = 0;
        for (Bytes p : parts) {
            System.arraycopy(p.data, 0, out, at, p.data.length);
            at += p.data.length;
        }
        return wrap(out);
    }

    /** Number of bytes. */
    public int size() {
        return data.length;
    }

    /** True if there are no bytes. */
    public boolean isEmpty() {
        return data.length == 0;
    }

    /** The byte at {@code index}. */
    public byte get(int index) {
        return data[index];
    }

    /** The byte at {@code index} as an unsigned value in [0, 255]. */
    public int getUnsigned(int index) {
        return data[index] & 0xff;
    }

    /** The bytes from {@code from} (inclusive) to {@code to} (exclusive). */
    public Bytes slice(int from, int to) {
        Objects.checkFromToIndex(from, to, data.length);
        if (from == 0 && to == data.length) {
            return this;
        }
        return of(data, from, to - from);
    }

    /** The bytes from {@code from} to the end. */
    public Bytes slice(int from) {
        return slice(from, data.length);
    }

    /** This sequence followed by {@code other}. */
    public Bytes append(Bytes other) {
        return concat(this, other);
    }

    /** True if this sequence begins with {@code prefix}. */
    public boolean startsWith(Bytes prefix) {
        return prefix.data.length <= data.length
                && Arrays.equals(data, 0, prefix.data.length, prefix.data, 0, prefix.data.length);
    }

    /** A fresh copy of the bytes. */
    public byte[] toArray() {
        return data.clone();
    }

    /**
     * The backing array, not copied. The caller must not modify it; meant for hot paths that hand the
     * bytes to a digest or a native store.
     */
    public byte[] unsafeArray() {
        return data;
    }

    /** Copies the bytes into {@code dest} at {@code offset}. */
    public void copyTo(byte[] dest, int offset) {
        System.arraycopy(data, 0, dest, offset, data.length);
    }

    /** Lower-case hex with a {@code 0x} prefix. */
    public String toHex() {
        return "0x" + HEX.formatHex(data);
    }

    /** Lower-case hex without prefix. */
    public String toUnprefixedHex() {
        return HEX.formatHex(data);
    }

    @Override
    public int compareTo(Bytes o) {
        return Arrays.compareUnsigned(data, o.data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes b && Arrays.equals(data, b.data);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(data);
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return data.length <= 64 ? toHex() : abbreviate(toHex()) + " (" + data.length + " bytes)";
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 20) + "…" + s.substring(s.length() - 8);
    }
}
