package io.openledger.chain.internal;

import java.util.Arrays;

/** Nibble paths and the hex-prefix encoding of Yellow Paper appendix C. Stateless. */
public final class Nibbles {
    /** The empty path. */
    public static final byte[] EMPTY = new byte[0];

    private Nibbles() {}

    /** The nibbles of {@code key}, high nibble first. */
    public static byte[] of(byte[] key) {
        byte[] n = new byte[key.length * 2];
        for (int i = 0; i < key.length; i++) {
            n[2 * i] = (byte) ((key[i] >> 4) & 0xf);
            n[2 * i + 1] = (byte) (key[i] & 0xf);
        }
        return n;
    }

    /**
     * The bytes of an even-length nibble path.
     *
     * @throws IllegalArgumentException if the path has an odd length
     */
    public static byte[] toBytes(byte[] nibbles) {
        if ((nibbles.length & 1) != 0) {
            throw new IllegalArgumentException("odd nibble path of length " + nibbles.length + " is not a byte key");
        }
        byte[] out = new byte[nibbles.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((nibbles[2 * i] << 4) | nibbles[2 * i + 1]);
        }
        return out;
    }

    /** Length of the common prefix of {@code a} and {@code b[from..]}. */
    public static int commonPrefix(byte[] a, byte[] b, int from) {
        int n = Math.min(a.length, b.length - from);
        int i = 0;
        while (i < n && a[i] == b[from + i]) {
            i++;
        }
        return i;
    }

    /** {@code a[from..to)}. */
    public static byte[] slice(byte[] a, int from, int to) {
        return from == 0 && to == a.length ? a : Arrays.copyOfRange(a, from, to);
    }

    /** {@code a ++ b}. */
    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** {@code [first] ++ b}. */
    public static byte[] prepend(int first, byte[] b) {
        byte[] out = new byte[b.length + 1];
        out[0] = (byte) first;
        System.arraycopy(b, 0, out, 1, b.length);
        return out;
    }

    /** Hex-prefix encoding: flag nibble 2·leaf + odd, then the nibbles, padded to whole bytes. */
    public static byte[] hexPrefix(byte[] path, boolean leaf) {
        boolean odd = (path.length & 1) == 1;
        byte[] out = new byte[path.length / 2 + 1];
        int flag = (leaf ? 2 : 0) + (odd ? 1 : 0);
        int i = 0;
        if (odd) {
            out[0] = (byte) ((flag << 4) | path[0]);
            i = 1;
        } else {
            out[0] = (byte) (flag << 4);
        }
        for (int o = 1; i < path.length; i += 2, o++) {
            out[o] = (byte) ((path[i] << 4) | path[i + 1]);
        }
        return out;
    }

    /**
     * Decodes a hex-prefix encoded path. Returns the nibbles; {@code leafOut[0]} receives the leaf flag.
     *
     * @throws IllegalArgumentException if the flag nibble is not 0-3, or an even path's padding nibble is not 0
     */
    public static byte[] fromHexPrefix(byte[] enc, boolean[] leafOut) {
        if (enc.length == 0) {
            throw new IllegalArgumentException("hex-prefix path is empty");
        }
        int flag = (enc[0] >> 4) & 0xf;
        if (flag > 3) {
            throw new IllegalArgumentException("hex-prefix flag nibble " + flag + " is not 0-3");
        }
        boolean odd = (flag & 1) == 1;
        leafOut[0] = (flag & 2) == 2;
        if (!odd && (enc[0] & 0xf) != 0) {
            throw new IllegalArgumentException("hex-prefix padding nibble of an even path is not 0");
        }
        byte[] all = of(enc);
        return Arrays.copyOfRange(all, odd ? 1 : 2, all.length);
    }
}
