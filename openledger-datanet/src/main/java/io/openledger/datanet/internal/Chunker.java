package io.openledger.datanet.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits extracted text into paragraphs (separated by blank lines) and paragraphs longer than the
 * record cap into pieces, preferring to cut after whitespace. Offsets are UTF-8 byte offsets into
 * the whole text. Stateless.
 */
final class Chunker {
    private Chunker() {}

    /** Paragraph segments of {@code text}, none longer than {@code maxBytes} UTF-8 bytes. */
    static List<Segment> paragraphs(String text, int maxBytes) {
        List<Segment> out = new ArrayList<>();
        int len = text.length();
        int i = 0;
        long bytePos = 0; // UTF-8 offset of char index i
        while (i < len) {
            // find the end of this paragraph: a line break followed by a blank line, or the end
            int paraStart = i;
            long paraStartByte = bytePos;
            int j = i;
            long b = bytePos;
            int paraEnd = len;
            while (j < len) {
                char c = text.charAt(j);
                if (c == '\n' && isBlankLineAfter(text, j + 1)) {
                    paraEnd = j;
                    break;
                }
                b += utf8Len(text, j);
                j += Character.isHighSurrogate(c) && j + 1 < len ? 2 : 1;
            }
            long paraEndByte = b;
            emitTrimmed(text, paraStart, paraEnd, paraStartByte, maxBytes, out);
            // skip the separator: blank lines
            i = paraEnd;
            bytePos = paraEndByte;
            while (i < len
                    && (text.charAt(i) == '\n'
                            || text.charAt(i) == '\r'
                            || text.charAt(i) == ' '
                            || text.charAt(i) == '\t')) {
                bytePos += 1;
                i++;
            }
        }
        return out;
    }

    /** True if the line starting at {@code from} is empty or whitespace up to its line break or the end. */
    private static boolean isBlankLineAfter(String text, int from) {
        for (int k = from; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c == '\n') {
                return true;
            }
            if (c != ' ' && c != '\t' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Trims [from, to) and emits it, split to the cap. {@code fromByte} is the UTF-8 offset of from. */
    static void emitTrimmed(String text, int from, int to, long fromByte, int maxBytes, List<Segment> out) {
        int s = from;
        long sb = fromByte;
        while (s < to && Character.isWhitespace(text.charAt(s))) {
            sb += utf8Len(text, s);
            s++;
        }
        int e = to;
        while (e > s && Character.isWhitespace(text.charAt(e - 1))) {
            e--;
        }
        if (s >= e) {
            return;
        }
        split(text.substring(s, e), sb, maxBytes, out);
    }

    /** Emits {@code piece} (trimmed, non-empty) starting at byte {@code startByte}, cut to the cap. */
    static void split(String piece, long startByte, int maxBytes, List<Segment> out) {
        byte[] utf8 = piece.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= maxBytes) {
            out.add(new Segment(piece, startByte, startByte + utf8.length));
            return;
        }
        int pos = 0;
        while (pos < utf8.length) {
            int limit = Math.min(utf8.length, pos + maxBytes);
            int cut = limit;
            if (limit < utf8.length) {
                // back off to a code point boundary, then prefer the last whitespace in the window
                while (cut > pos && (utf8[cut] & 0xc0) == 0x80) {
                    cut--;
                }
                int ws = cut;
                while (ws > pos + maxBytes / 2 && utf8[ws - 1] != ' ' && utf8[ws - 1] != '\n' && utf8[ws - 1] != '\t') {
                    ws--;
                }
                if (ws > pos + maxBytes / 2) {
                    cut = ws;
                }
            }
            int s = pos;
            int e = cut;
            while (s < e && isAsciiSpace(utf8[s])) {
                s++;
            }
            while (e > s && isAsciiSpace(utf8[e - 1])) {
                e--;
            }
            if (e > s) {
                out.add(new Segment(new String(utf8, s, e - s, StandardCharsets.UTF_8), startByte + s, startByte + e));
            }
            pos = cut;
        }
    }

    private static boolean isAsciiSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\t' || b == '\r';
    }

    /** UTF-8 length of the code point at {@code i}. */
    static int utf8Len(String text, int i) {
        char c = text.charAt(i);
        if (c < 0x80) {
            return 1;
        } else if (c < 0x800) {
            return 2;
        } else if (Character.isHighSurrogate(c)
                && i + 1 < text.length()
                && Character.isLowSurrogate(text.charAt(i + 1))) {
            return 4;
        } else {
            return 3;
        }
    }

    /** UTF-8 byte length of text[from, to). */
    static long utf8Length(String text, int from, int to) {
        long n = 0;
        int i = from;
        while (i < to) {
            int l = utf8Len(text, i);
            n += l;
            i += l == 4 ? 2 : 1;
        }
        return n;
    }
}
