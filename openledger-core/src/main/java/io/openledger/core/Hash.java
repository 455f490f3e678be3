package io.openledger.core;

import java.util.Objects;

/** A 32-byte digest (Keccak-256 or SHA-256). Immutable and thread-safe. */
public final class Hash implements Comparable<Hash> {
    /** Length in bytes. */
    public static final int SIZE = 32;

    /** All zero bytes. */
    public static final Hash ZERO = new Hash(Bytes.wrap(new byte[SIZE]));

    private final Bytes bytes;

    private Hash(Bytes bytes) {
        this.bytes = bytes;
    }

    /**
     * The hash with these bytes.
     *
     * @throws IllegalArgumentException if {@code bytes} is not exactly 32 bytes long
     */
    public static Hash of(Bytes bytes) {
        if (bytes.size() != SIZE) {
            throw new IllegalArgumentException("a hash is 32 bytes, got " + bytes.size());
        }
        return new Hash(bytes);
    }

    /** The hash with a copy of these bytes. */
    public static Hash of(byte[] bytes) {
        return of(Bytes.of(bytes));
    }

    /** Parses 64 hex digits, with or without {@code 0x}. */
    public static Hash fromHex(String hex) {
        return of(Bytes.fromHex(hex));
    }

    /** The bytes. */
    public Bytes bytes() {
        return bytes;
    }

    /** A fresh copy of the bytes. */
    public byte[] toArray() {
        return bytes.toArray();
    }

    /** {@code 0x} and 64 lower-case hex digits. */
    public String toHex() {
        return bytes.toHex();
    }

    @Override
    public int compareTo(Hash o) {
        return bytes.compareTo(o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hash h && bytes.equals(h.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(bytes);
    }

    @Override
    public String toString() {
        return bytes.toHex();
    }
}
