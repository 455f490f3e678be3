package io.openledger.lora.internal;

import java.util.HashMap;
import java.util.Map;

/** GPT-2's reversible byte-to-printable-character map (OpenAI gpt-2 encoder.py bytes_to_unicode). */
public final class ByteLevel {
    private static final char[] BYTE_CHAR = new char[256];
    private static final Map<Character, Integer> CHAR_BYTE = new HashMap<>();

    static {
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_CHAR[b] = printable ? (char) b : (char) (256 + n++);
            CHAR_BYTE.put(BYTE_CHAR[b], b);
        }
    }

    private ByteLevel() {}

    /** The character standing for byte {@code b} (0..255). */
    public static char charOf(int b) {
        return BYTE_CHAR[b & 0xFF];
    }

    /** The byte a character stands for, or -1. */
    public static int byteOf(char c) {
        Integer b = CHAR_BYTE.get(c);
        return b == null ? -1 : b;
    }

    /** Maps UTF-8 bytes of {@code s} to byte-level characters. */
    public static String encode(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            sb.append(BYTE_CHAR[b & 0xFF]);
        }
        return sb.toString();
    }
}
