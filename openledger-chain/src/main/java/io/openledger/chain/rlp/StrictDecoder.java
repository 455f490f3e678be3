package io.openledger.chain.rlp;

import io.openledger.core.Bytes;
import java.util.ArrayList;
import java.util.List;

/** The canonical-only RLP parser behind {@link Rlp#decode}. One instance per input; not thread-safe. */
final class StrictDecoder {
    private final byte[] in;
    private final int maxDepth;

    StrictDecoder(byte[] in, int maxDepth) {
        this.in = in;
        this.maxDepth = maxDepth;
    }

    RlpItem decodeWhole() {
        if (in.length == 0) {
            throw new RlpException(0, "empty input, expected one item");
        }
        int[] end = new int[1];
        RlpItem item = item(0, in.length, 0, end);
        if (end[0] != in.length) {
            throw new RlpException(end[0], (in.length - end[0]) + " trailing bytes after the top-level item");
        }
        return item;
    }

    /** Parses the item at {@code at}, which must end by {@code limit}; stores its end in {@code end[0]}. */
    private RlpItem item(int at, int limit, int depth, int[] end) {
        int p = in[at] & 0xff;
        if (p < 0x80) {
            end[0] = at + 1;
            return RlpString.decoded(Bytes.of(in, at, 1), at);
        }
        if (p < 0xc0) {
            int[] payload = header(at, limit, p, 0x80);
            int start = payload[0];
            int len = payload[1];
            if (len == 1 && (in[start] & 0xff) < 0x80) {
                throw new RlpException(
                        at,
                        "single byte 0x" + Integer.toHexString(in[start] & 0xff)
                                + " below 0x80 must be encoded as itself, not as a one-byte string");
            }
            end[0] = start + len;
            return RlpString.decoded(Bytes.of(in, start, len), at);
        }
        if (depth >= maxDepth) {
            throw new RlpException(at, "lists nest deeper than the limit of " + maxDepth);
        }
        int[] payload = header(at, limit, p, 0xc0);
        int cursor = payload[0];
        int listEnd = cursor + payload[1];
        List<RlpItem> items = new ArrayList<>();
        while (cursor < listEnd) {
            items.add(item(cursor, listEnd, depth + 1, end));
            cursor = end[0];
        }
        end[0] = listEnd;
        return new RlpList(items, at);
    }

    /** Returns {start, length} of the payload after the header at {@code at}. */
    private int[] header(int at, int limit, int prefix, int base) {
        String kind = base == 0x80 ? "string" : "list";
        int shortMax = base + 55;
        if (prefix <= shortMax) {
            int len = prefix - base;
            return checkFits(at, at + 1, len, limit, kind);
        }
        int lol = prefix - shortMax;
        if (at + 1 + lol > limit) {
            throw new RlpException(at, kind + " length-of-length " + lol + " runs past the end of its enclosing item");
        }
        if (in[at + 1] == 0) {
            throw new RlpException(at, kind + " length has a leading zero byte");
        }
        if (lol > 4) {
            throw new RlpException(at, kind + " length takes " + lol + " bytes; it cannot fit the input");
        }
        long len = 0;
        for (int i = 0; i < lol; i++) {
            len = (len << 8) | (in[at + 1 + i] & 0xff);
        }
        if (len < 56) {
            throw new RlpException(at, kind + " of length " + len + " uses the long form; it must use the short form");
        }
        if (len > Integer.MAX_VALUE) {
            throw new RlpException(at, kind + " length " + len + " runs past the end of the input");
        }
        return checkFits(at, at + 1 + lol, (int) len, limit, kind);
    }

    private static int[] checkFits(int at, int start, int len, int limit, String kind) {
        if ((long) start + len > limit) {
            throw new RlpException(
                    at,
                    kind + " of length " + len + " runs past the end of " + "its enclosing item (" + (limit - start)
                            + " bytes left)");
        }
        return new int[] {start, len};
    }
}
