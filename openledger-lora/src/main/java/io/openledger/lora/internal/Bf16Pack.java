package io.openledger.lora.internal;

import io.openledger.lora.SafeTensorsWriter;

/**
 * The in-memory bfloat16 layout: each row is cut into blocks of 32 weights stored as 16 ints, int j
 * holding weight j in its low half and weight 16 + j in its high half (a short row is padded with
 * zeros). A vector kernel turns 16 ints into 32 floats with one shift and one mask, with no lane
 * shuffles or widening conversions.
 */
public final class Bf16Pack {
    /** Weights per block. */
    public static final int BLOCK = 32;

    private Bf16Pack() {}

    /** Ints per packed row of {@code cols} weights. */
    public static int rowInts(int cols) {
        return (cols + BLOCK - 1) / BLOCK * (BLOCK / 2);
    }

    /** Packs a row-major float matrix, rounding to bfloat16 (nearest even). */
    public static int[] pack(float[] v, int rows, int cols) {
        int ri = rowInts(cols);
        int[] out = new int[rows * ri];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int b = c / BLOCK;
                int e = c % BLOCK;
                int idx = r * ri + b * (BLOCK / 2) + (e % (BLOCK / 2));
                int bits = SafeTensorsWriter.toBf16(v[r * cols + c]) & 0xFFFF;
                out[idx] |= e < BLOCK / 2 ? bits : bits << 16;
            }
        }
        return out;
    }

    /**
     * Packs one row of {@code n} floats from {@code src[srcOff..]} into {@code dst[dstOff..]},
     * writing all {@link #rowInts}(n) ints (padding with zeros), so the destination need not be
     * cleared first. Rounds to bfloat16 (nearest even), which is exact for values read from BF16.
     */
    public static void packRow(float[] src, int srcOff, int n, int[] dst, int dstOff) {
        int half = BLOCK / 2;
        for (int b = 0; b * BLOCK < n; b++) {
            int base = b * BLOCK;
            for (int j = 0; j < half; j++) {
                int lo = base + j < n ? SafeTensorsWriter.toBf16(src[srcOff + base + j]) & 0xFFFF : 0;
                int hi = base + half + j < n ? SafeTensorsWriter.toBf16(src[srcOff + base + half + j]) & 0xFFFF : 0;
                dst[dstOff + b * half + j] = lo | hi << 16;
            }
        }
    }

    /**
     * {@link #packRow} from raw bfloat16 bits: element c of the row is {@code bits[first + c·stride]}
     * (stride 1 for a row of a row-major matrix, the row count for a column), so no rounding happens.
     */
    public static void packBits(short[] bits, int first, int stride, int n, int[] dst, int dstOff) {
        int half = BLOCK / 2;
        for (int b = 0; b * BLOCK < n; b++) {
            int base = b * BLOCK;
            for (int j = 0; j < half; j++) {
                int lo = base + j < n ? bits[first + (base + j) * stride] & 0xFFFF : 0;
                int hi = base + half + j < n ? bits[first + (base + half + j) * stride] & 0xFFFF : 0;
                dst[dstOff + b * half + j] = lo | hi << 16;
            }
        }
    }

    /** Weight {@code c} of the packed row starting at {@code off}, as a float. */
    public static float get(int[] w, int off, int c) {
        int e = c % BLOCK;
        int word = w[off + (c / BLOCK) * (BLOCK / 2) + (e % (BLOCK / 2))];
        return Float.intBitsToFloat(e < BLOCK / 2 ? word << 16 : word & 0xFFFF0000);
    }

    /** Scalar dot product over blocks {@code fromBlock..} of the first {@code n} weights. */
    public static float dotScalar(int[] w, int wOff, float[] x, int xOff, int fromBlock, int n) {
        float lo = 0;
        float hi = 0;
        int blocks = (n + BLOCK - 1) / BLOCK;
        for (int b = fromBlock; b < blocks; b++) {
            int wb = wOff + b * (BLOCK / 2);
            int xb = b * BLOCK;
            int half = BLOCK / 2;
            int loEnd = Math.min(half, n - xb);
            int hiEnd = Math.min(half, n - xb - half);
            for (int j = 0; j < loEnd; j++) {
                lo += Float.intBitsToFloat(w[wb + j] << 16) * x[xOff + xb + j];
            }
            for (int j = 0; j < hiEnd; j++) {
                hi += Float.intBitsToFloat(w[wb + j] & 0xFFFF0000) * x[xOff + xb + half + j];
            }
        }
        return lo + hi;
    }
}
