package io.openledger.chain.internal;

/**
 * The length FastLZ level-1 compression would produce, without producing it: the size function
 * OP Stack's Fjord L1 fee uses (op-geth {@code FlzCompressLen}, itself a port of solady's {@code
 * LibZip.flzCompress}). A greedy LZ77 over 3-byte sequences with an 8192-entry hash table and an
 * 8191-byte window; literals cost 1 byte per run of up to 32 plus the bytes, matches 2 or 3 bytes
 * per 262-byte chunk. Stateless.
 */
public final class FastLz {
    private static final int HASH_SIZE = 8192;
    private static final int MAX_DISTANCE = 8192;

    private FastLz() {}

    /** The FastLZ-compressed length of {@code in}. */
    public static int compressedLength(byte[] in) {
        int[] table = new int[HASH_SIZE];
        int limit = in.length < 13 ? 0 : in.length - 13;
        int pos = 2;
        int anchor = 0;
        int size = 0;
        while (pos < limit) {
            int ref;
            int seq;
            // find the next position whose 3-byte sequence was seen within the window
            while (true) {
                seq = u24(in, pos);
                int h = hash(seq);
                ref = table[h];
                table[h] = pos;
                int distance = pos - ref;
                if (pos >= limit) {
                    break;
                }
                pos++;
                if (distance < MAX_DISTANCE && seq == u24(in, ref)) {
                    break;
                }
            }
            if (pos >= limit) {
                break;
            }
            pos--;
            if (pos > anchor) {
                size = literalCost(pos - anchor, size);
            }
            int len = matchLength(in, ref + 3, pos + 3, limit + 9);
            size = matchCost(len, size);
            pos += len;
            table[hash(u24(in, pos))] = pos;
            pos++;
            table[hash(u24(in, pos))] = pos;
            pos++;
            anchor = pos;
        }
        return literalCost(in.length - anchor, size);
    }

    private static int literalCost(int runLength, int size) {
        size += 33 * (runLength / 32);
        int rest = runLength % 32;
        return rest == 0 ? size : size + rest + 1;
    }

    private static int matchLength(byte[] in, int p, int q, int end) {
        int n = 0;
        int max = end - q;
        while (n < max) {
            if (in[p + n] != in[q + n]) {
                // counts the mismatching byte too, as the reference does
                n++;
                break;
            }
            n++;
        }
        return n;
    }

    private static int matchCost(int len, int size) {
        int l = len - 1;
        size += 3 * (l / 262);
        return l % 262 >= 6 ? size + 3 : size + 2;
    }

    private static int hash(int v) {
        return (int) (((v & 0xffffffffL) * 2654435769L) >>> 19) & 0x1fff;
    }

    private static int u24(byte[] in, int i) {
        return (in[i] & 0xff) | (in[i + 1] & 0xff) << 8 | (in[i + 2] & 0xff) << 16;
    }
}
