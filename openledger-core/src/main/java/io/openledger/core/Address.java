package io.openledger.core;

import io.openledger.core.crypto.Hashing;
import java.util.Locale;

/**
 * A 20-byte Ethereum account address. {@link #toString()} gives the EIP-55 mixed-case checksum
 * text. Immutable and thread-safe.
 */
public final class Address implements Comparable<Address> {
    /** Length in bytes. */
    public static final int SIZE = 20;

    /** The zero address. */
    public static final Address ZERO = new Address(Bytes.wrap(new byte[SIZE]));

    private final Bytes bytes;

    private Address(Bytes bytes) {
        this.bytes = bytes;
    }

    /**
     * The address with these bytes.
     *
     * @throws IllegalArgumentException if {@code bytes} is not exactly 20 bytes long
     */
    public static Address of(Bytes bytes) {
        if (bytes.size() != SIZE) {
            throw new IllegalArgumentException("an address is 20 bytes, got " + bytes.size());
        }
        return new Address(bytes);
    }

    /**
     * Parses 40 hex digits with or without {@code 0x}. All-lower or all-upper case is accepted as is;
     * mixed case must carry a valid EIP-55 checksum.
     *
     * @throws IllegalArgumentException on a bad length, a non-hex digit or a wrong checksum
     */
    public static Address fromHex(String hex) {
        String digits = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
        if (digits.length() != 2 * SIZE) {
            throw new IllegalArgumentException("an address is 40 hex digits, got " + digits.length() + ": " + hex);
        }
        Address a = of(Bytes.fromHex(digits));
        boolean mixed =
                !digits.equals(digits.toLowerCase(Locale.ROOT)) && !digits.equals(digits.toUpperCase(Locale.ROOT));
        if (mixed && !a.toChecksumHex().substring(2).equals(digits)) {
            throw new IllegalArgumentException("address fails its EIP-55 checksum: " + hex);
        }
        return a;
    }

    /** The bytes. */
    public Bytes bytes() {
        return bytes;
    }

    /** {@code 0x} and 40 lower-case hex digits. */
    public String toHex() {
        return bytes.toHex();
    }

    /** EIP-55 checksum text: a hex letter is upper case where the matching nibble of keccak256(lower-hex) is >= 8. */
    public String toChecksumHex() {
        String lower = bytes.toUnprefixedHex();
        byte[] h = Hashing.keccak256(Bytes.wrap(lower.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .toArray();
        StringBuilder sb = new StringBuilder(42).append("0x");
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            int nibble = (h[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
            sb.append(c >= 'a' && nibble >= 8 ? Character.toUpperCase(c) : c);
        }
        return sb.toString();
    }

    @Override
    public int compareTo(Address o) {
        return bytes.compareTo(o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Address a && bytes.equals(a.bytes);
    }

    @Override
    public int hashCode() {
        return bytes.hashCode();
    }

    @Override
    public String toString() {
        return toChecksumHex();
    }
}
