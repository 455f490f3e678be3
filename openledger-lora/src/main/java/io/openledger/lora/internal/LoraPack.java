package io.openledger.lora.internal;

import io.openledger.lora.SafeTensorsWriter;

/**
 * The bfloat16 layouts of a LoRA pair, laid out so that each of the serving engine's kernels reads
 * its matrix as a few long sequential streams. With 32 distinct adapters in a batch, every step reads
 * each adapter's matrices once, straight from memory, so these kernels are bound by how fast the
 * bytes stream in; row-by-row layouts (a dot product per rank, r short rows per output block) start
 * a new short stream every kilobyte or so and reached about two thirds of the machine's read
 * bandwidth.
 *
 * <p><b>A</b> ({@code [rank, in]}) is stored in panels of {@value #PANEL} ranks (the last panel holds
 * the remaining {@code rank mod 16}), each interleaved along the input like the base weights' panels:
 * the int for ranks {@code p0..p0+w} and input pair kk is at {@code p0·stride + kk·w + (j − p0)},
 * holding the weight of input 2kk in its low half and 2kk + 1 in its high half, where {@code stride =
 * }{@link #rowInts}{@code (in)} (so a panel of w ranks takes {@code w·stride} ints and the
 * words per rank are the same as a packed row).
 *
 * <p><b>B</b> ({@code [out, rank]}) is stored in blocks of 32 output features: the int for rank j
 * and feature e is at {@code (e / 32)·16·rank + j·16 + e mod 16}, feature e in the low half if {@code
 * e mod 32 < 16}, else in the high half. A block of 32 features is then {@code rank} consecutive
 * vectors of 16 ints, and the expand over a range of features reads one stream.
 *
 * <p>Padding (inputs past {@code in}, features past {@code out}) is zero.
 */
public final class LoraPack {
    /** Ranks per panel of A. */
    public static final int PANEL = 16;

    /** Output features per block of B (16 ints, one vector of a 16-lane machine). */
    public static final int BLOCK = 32;

    private LoraPack() {}

    /** Ints per rank of a matrix with {@code n} features along it: ⌈n/32⌉·16 (two per int, padded to whole blocks). */
    public static int rowInts(int n) {
        return (n + BLOCK - 1) / BLOCK * (BLOCK / 2);
    }

    /** Ints A of {@code rank × in} takes. */
    public static int aInts(int rank, int in) {
        return rank * rowInts(in);
    }

    /** Ints B of {@code out × rank} takes. */
    public static int bInts(int rank, int out) {
        return rank * rowInts(out);
    }

    /**
     * Packs A from bfloat16 bits, row-major {@code [rank, in]} at {@code bits[first..]}, into {@code
     * dst[dstOff..]}, writing every int of the layout (padding included).
     */
    public static void packA(short[] bits, int first, int rank, int in, int[] dst, int dstOff) {
        int stride = rowInts(in);
        for (int p0 = 0; p0 < rank; p0 += PANEL) {
            int w = Math.min(PANEL, rank - p0);
            int base = dstOff + p0 * stride;
            for (int kk = 0; kk < stride; kk++) {
                int k = 2 * kk;
                for (int j = 0; j < w; j++) {
                    int row = first + (p0 + j) * in;
                    int lo = k < in ? bits[row + k] & 0xFFFF : 0;
                    int hi = k + 1 < in ? bits[row + k + 1] & 0xFFFF : 0;
                    dst[base + kk * w + j] = lo | hi << 16;
                }
            }
        }
    }

    /**
     * Packs B from bfloat16 bits, row-major {@code [out, rank]} (PEFT's {@code lora_B}) at {@code
     * bits[first..]}, into {@code dst[dstOff..]}, writing every int of the layout.
     */
    public static void packB(short[] bits, int first, int rank, int out, int[] dst, int dstOff) {
        int blocks = (out + BLOCK - 1) / BLOCK;
        int half = BLOCK / 2;
        for (int b = 0; b < blocks; b++) {
            int base = dstOff + b * half * rank;
            for (int i = 0; i < half; i++) {
                int e = b * BLOCK + i;
                int lo = first + e * rank;
                int hi = lo + half * rank;
                boolean hasLo = e < out;
                boolean hasHi = e + half < out;
                for (int j = 0; j < rank; j++) {
                    int l = hasLo ? bits[lo + j] & 0xFFFF : 0;
                    int h = hasHi ? bits[hi + j] & 0xFFFF : 0;
                    dst[base + j * half + i] = l | h << 16;
                }
            }
        }
    }

    /**
     * The inverse of {@link #packA}: A's bfloat16 bits, row-major {@code [rank, in]} (PEFT's {@code
     * lora_A}), into {@code dst[0..rank·in)}.
     */
    public static void unpackA(int[] packed, int off, int rank, int in, short[] dst) {
        int stride = rowInts(in);
        for (int p0 = 0; p0 < rank; p0 += PANEL) {
            int w = Math.min(PANEL, rank - p0);
            int base = off + p0 * stride;
            for (int kk = 0; kk < stride; kk++) {
                int k = 2 * kk;
                for (int j = 0; j < w; j++) {
                    int word = packed[base + kk * w + j];
                    int row = (p0 + j) * in;
                    if (k < in) {
                        dst[row + k] = (short) word;
                    }
                    if (k + 1 < in) {
                        dst[row + k + 1] = (short) (word >>> 16);
                    }
                }
            }
        }
    }

    /**
     * The inverse of {@link #packB}: B's bfloat16 bits, row-major {@code [out, rank]} (PEFT's {@code
     * lora_B}), into {@code dst[0..out·rank)}.
     */
    public static void unpackB(int[] packed, int off, int rank, int out, short[] dst) {
        int blocks = (out + BLOCK - 1) / BLOCK;
        int half = BLOCK / 2;
        for (int b = 0; b < blocks; b++) {
            int base = off + b * half * rank;
            for (int j = 0; j < rank; j++) {
                for (int i = 0; i < half; i++) {
                    int word = packed[base + j * half + i];
                    int e = b * BLOCK + i;
                    if (e < out) {
                        dst[e * rank + j] = (short) word;
                    }
                    if (e + half < out) {
                        dst[(e + half) * rank + j] = (short) (word >>> 16);
                    }
                }
            }
        }
    }

    /** Rounds {@code n} floats from {@code src[srcOff..]} to bfloat16 bits (nearest even) into {@code bits}. */
    public static void toBits(float[] src, int srcOff, int n, short[] bits) {
        for (int i = 0; i < n; i++) {
            bits[i] = SafeTensorsWriter.toBf16(src[srcOff + i]);
        }
    }

    /** A[j][k] of the A packed at {@code off}. */
    public static float a(int[] packed, int off, int rank, int in, int j, int k) {
        int p0 = j / PANEL * PANEL;
        int w = Math.min(PANEL, rank - p0);
        int word = packed[off + p0 * rowInts(in) + (k / 2) * w + (j - p0)];
        return half(word, k % 2 == 1);
    }

    /** B[e][j] of the B packed at {@code off}. */
    public static float b(int[] packed, int off, int rank, int e, int j) {
        int word = packed[off + (e / BLOCK) * (BLOCK / 2) * rank + j * (BLOCK / 2) + e % (BLOCK / 2)];
        return half(word, e % BLOCK >= BLOCK / 2);
    }

    /**
     * One rank of {@link Kernels#loraShrinkBf16}, in its order: the panel of width {@code w} holding
     * the rank starts its lane at {@code a[at]}.
     */
    static float shrinkLane(int[] a, int at, int w, int in, float[] x, int xOff, float scale) {
        int pairs = (in + 1) / 2;
        int q = pairs / 4;
        float c0 = chain(a, at, w, 0, q, in, x, xOff);
        float c1 = chain(a, at, w, q, 2 * q, in, x, xOff);
        float c2 = chain(a, at, w, 2 * q, 3 * q, in, x, xOff);
        float c3 = chain(a, at, w, 3 * q, pairs, in, x, xOff);
        return ((c0 + c1) + (c2 + c3)) * scale;
    }

    private static float chain(int[] a, int at, int w, int from, int to, int in, float[] x, int xOff) {
        float c = 0;
        for (int kk = from; kk < to; kk++) {
            int word = a[at + kk * w];
            c = Math.fma(half(word, false), x[xOff + 2 * kk], c);
            if (2 * kk + 1 < in) {
                c = Math.fma(half(word, true), x[xOff + 2 * kk + 1], c);
            }
        }
        return c;
    }

    /** The bfloat16 in the high or low half of {@code word}, as a float. */
    static float half(int word, boolean high) {
        return Float.intBitsToFloat(high ? word & 0xFFFF0000 : word << 16);
    }
}
