package io.openledger.lora.internal;

import static io.openledger.lora.internal.Kernels.PANEL;
import static io.openledger.lora.internal.Kernels.TILE_ITEMS;
import static io.openledger.lora.internal.Kernels.TILE_PANELS;

import io.openledger.lora.SafeTensorsWriter;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A weight matrix of {@code rows × cols} (PyTorch {@code nn.Linear} semantics: rows = out features)
 * in one of three storage forms, each laid out in {@link Kernels#PANEL panels} of 16 rows
 * interleaved along the input (rows padded with zeros to a whole panel). Every product follows the
 * order {@link Kernels#panelsF32} defines, so a row's result never depends on the batch, the tile or
 * the thread split. Immutable after construction; safe to share between threads.
 */
public abstract sealed class Matrix permits Matrix.F32, Matrix.Bf16, Matrix.Q8Blocks {
    /** Output features. */
    public final int rows;

    /** Input features. */
    public final int cols;

    /** Panels, the last one padded with zero rows. */
    final int panels;

    Matrix(int rows, int cols) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("matrix of " + rows + " × " + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.panels = (rows + PANEL - 1) / PANEL;
    }

    /** Builds a matrix of the given form from float32 values (row-major). */
    public static Matrix of(String form, float[] values, int rows, int cols) {
        if (values.length != (long) rows * cols) {
            throw new IllegalArgumentException(values.length + " values for a " + rows + " × " + cols + " matrix");
        }
        return switch (form) {
            case "F32" -> new F32(values, rows, cols);
            case "BF16" -> new Bf16(values, rows, cols);
            case "Q8" -> new Q8Blocks(values, rows, cols);
            default -> throw new IllegalArgumentException("weight form " + form);
        };
    }

    /**
     * {@code in} (t inputs of {@code cols}) regrouped into {@code dst} (grown if short) for {@link
     * Kernels#panelsF32Tile}: each whole group of {@link Kernels#TILE_ITEMS} inputs transposed, input
     * {@code g·TILE_ITEMS + j}'s feature k at {@code (g·cols + k)·TILE_ITEMS + j}, so that a tile reads
     * its inputs as one sequential stream. Inputs past the last whole group are left out.
     */
    public static float[] transpose(float[] in, int t, int cols, float @Nullable [] dst) {
        int groups = t / TILE_ITEMS;
        int size = groups * TILE_ITEMS * cols;
        float[] d = dst != null && dst.length >= size ? dst : new float[size];
        for (int g = 0; g < groups; g++) {
            int base = g * cols * TILE_ITEMS;
            for (int j = 0; j < TILE_ITEMS; j++) {
                int src = (g * TILE_ITEMS + j) * cols;
                for (int k = 0; k < cols; k++) {
                    d[base + k * TILE_ITEMS + j] = in[src + k];
                }
            }
        }
        return d;
    }

    /**
     * For rows r in [from, to) and inputs i &lt; t: {@code out[i·rows + r] = W[r] · in[i·cols ..]}.
     * {@code inT} is {@code in} as {@link #transpose} gives it, or null; with it a float32 matrix runs
     * batches through the register-tiled kernel. Work is done a panel at a time, so a range that
     * splits a panel computes that panel twice (once per caller); aligned ranges avoid it.
     */
    public final void rows(Kernels k, int from, int to, float[] in, float @Nullable [] inT, float[] out, int t) {
        Objects.checkFromToIndex(from, to, rows);
        boolean tiled = inT != null && t >= TILE_ITEMS && k.tiles() && tiles();
        int p = from / PANEL;
        int end = (to + PANEL - 1) / PANEL;
        float[] partial = null;
        while (p < end) {
            int n = Math.min(tiled ? TILE_PANELS : 4, end - p);
            int lo = p * PANEL;
            int hi = lo + n * PANEL;
            if (lo >= from && hi <= to) {
                int i = 0;
                if (tiled) {
                    for (; i + TILE_ITEMS <= t; i += TILE_ITEMS) {
                        tile(k, p, n, inT, i / TILE_ITEMS, out, i * rows + lo);
                    }
                }
                for (; i < t; i++) {
                    panels(k, p, n, in, i * cols, out, i * rows + lo);
                }
            } else {
                // a panel reaching past the range (or into the padding): compute it aside, copy the rows
                if (partial == null) {
                    partial = new float[4 * PANEL];
                }
                int a = Math.max(lo, from);
                int b = Math.min(hi, to);
                for (int i = 0; i < t; i++) {
                    panels(k, p, n, in, i * cols, partial, 0);
                    System.arraycopy(partial, a - lo, out, i * rows + a, b - a);
                }
            }
            p += n;
        }
    }

    /** {@link #rows(Kernels, int, int, float[], float[], float[], int)}, transposing the batch itself. */
    public final void rows(Kernels k, int from, int to, float[] in, float[] out, int t) {
        rows(k, from, to, in, t >= TILE_ITEMS && k.tiles() && tiles() ? transpose(in, t, cols, null) : null, out, t);
    }

    /**
     * Rows per work unit that keep whole kernel calls: three panels for a tiled batch, four for one
     * input at a time.
     */
    public int rowAlignment(int t) {
        return (t >= TILE_ITEMS && tiles() ? TILE_PANELS : 4) * PANEL;
    }

    /** Panels {@code p..p+n} (n ≤ 4) against one input, {@code n·PANEL} results into {@code out[outOff..]}. */
    abstract void panels(Kernels k, int p, int n, float[] x, int xOff, float[] out, int outOff);

    /** Whether this form has a register-tiled batch kernel. */
    boolean tiles() {
        return false;
    }

    /** Panels {@code p..p+n} against the {@link Kernels#TILE_ITEMS} inputs of group {@code g} of {@code inT}. */
    void tile(Kernels k, int p, int n, float[] inT, int g, float[] out, int outOff) {
        throw new UnsupportedOperationException();
    }

    /** Row {@code r} as floats into {@code out[outOff..]}. */
    public void row(int r, float[] out, int outOff) {
        Objects.checkIndex(r, rows);
        for (int c = 0; c < cols; c++) {
            out[outOff + c] = get(r, c);
        }
    }

    /** Weight of row {@code r}, input {@code c}, as float32. */
    abstract float get(int r, int c);

    /** Bytes the weights occupy (what one full pass reads), padding included. */
    public abstract long bytes();

    /** All values as float32, row-major. */
    public float[] toFloats() {
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            row(r, out, r * cols);
        }
        return out;
    }

    /** Float32 storage: {@code w[(p·cols + k)·PANEL + r % PANEL]} for row r in panel p. */
    public static final class F32 extends Matrix {
        final float[] w;

        F32(float[] v, int rows, int cols) {
            super(rows, cols);
            this.w = new float[Math.multiplyExact(panels * PANEL, cols)];
            for (int r = 0; r < rows; r++) {
                int base = (r / PANEL) * cols * PANEL + r % PANEL;
                for (int c = 0; c < cols; c++) {
                    w[base + c * PANEL] = v[r * cols + c];
                }
            }
        }

        @Override
        void panels(Kernels k, int p, int n, float[] x, int xOff, float[] out, int outOff) {
            k.panelsF32(w, p * cols * PANEL, cols * PANEL, n, cols, x, xOff, out, outOff);
        }

        @Override
        boolean tiles() {
            return true;
        }

        @Override
        void tile(Kernels k, int p, int n, float[] inT, int g, float[] out, int outOff) {
            k.panelsF32Tile(
                    w,
                    p * cols * PANEL,
                    cols * PANEL,
                    n,
                    cols,
                    inT,
                    g * cols * TILE_ITEMS,
                    TILE_ITEMS,
                    out,
                    outOff,
                    rows);
        }

        @Override
        float get(int r, int c) {
            return w[(r / PANEL) * cols * PANEL + c * PANEL + r % PANEL];
        }

        @Override
        public long bytes() {
            return 4L * w.length;
        }
    }

    /**
     * bfloat16 storage (round to nearest even from float32), two inputs per int: {@code w[(p·pairs +
     * k/2)·PANEL + r % PANEL]} holds inputs k (low half, k even) and k + 1 (high half).
     */
    public static final class Bf16 extends Matrix {
        final int[] w;
        private final int pairs;

        Bf16(float[] v, int rows, int cols) {
            super(rows, cols);
            this.pairs = (cols + 1) / 2;
            this.w = new int[Math.multiplyExact(panels * PANEL, pairs)];
            for (int r = 0; r < rows; r++) {
                int base = (r / PANEL) * pairs * PANEL + r % PANEL;
                for (int c = 0; c < cols; c++) {
                    int bits = SafeTensorsWriter.toBf16(v[r * cols + c]) & 0xFFFF;
                    w[base + (c >> 1) * PANEL] |= (c & 1) == 0 ? bits : bits << 16;
                }
            }
        }

        @Override
        void panels(Kernels k, int p, int n, float[] x, int xOff, float[] out, int outOff) {
            k.panelsBf16(w, p * pairs * PANEL, pairs * PANEL, n, cols, x, xOff, out, outOff);
        }

        @Override
        boolean tiles() {
            return true;
        }

        @Override
        void tile(Kernels k, int p, int n, float[] inT, int g, float[] out, int outOff) {
            k.panelsBf16Tile(
                    w,
                    p * pairs * PANEL,
                    pairs * PANEL,
                    n,
                    cols,
                    inT,
                    g * cols * TILE_ITEMS,
                    TILE_ITEMS,
                    out,
                    outOff,
                    rows);
        }

        @Override
        float get(int r, int c) {
            int word = w[(r / PANEL) * pairs * PANEL + (c >> 1) * PANEL + r % PANEL];
            return Float.intBitsToFloat((c & 1) == 0 ? word << 16 : word & 0xFFFF0000);
        }

        @Override
        public long bytes() {
            return 4L * w.length;
        }
    }

    /**
     * 8-bit blocks of {@link Q8#BLOCK} inputs with one float scale each (Q8_0 style); needs {@code
     * cols % 32 == 0}. Byte {@code q[(p·cols + k)·PANEL + r % PANEL]}, scale {@code s[(p·blocks +
     * b)·PANEL + r % PANEL]}.
     */
    public static final class Q8Blocks extends Matrix {
        final byte[] q;
        final float[] scales;
        private final int blocks;

        Q8Blocks(float[] v, int rows, int cols) {
            super(rows, cols);
            if (cols % Q8.BLOCK != 0) {
                throw new IllegalArgumentException("Q8 needs input width divisible by 32, got " + cols);
            }
            this.blocks = cols / Q8.BLOCK;
            this.q = new byte[Math.multiplyExact(panels * PANEL, cols)];
            this.scales = new float[panels * PANEL * blocks];
            byte[] rq = new byte[cols];
            float[] rs = new float[blocks];
            for (int r = 0; r < rows; r++) {
                Q8.quantize(v, r * cols, cols, rq, 0, rs, 0);
                int qb = (r / PANEL) * cols * PANEL + r % PANEL;
                int sb = (r / PANEL) * blocks * PANEL + r % PANEL;
                for (int c = 0; c < cols; c++) {
                    q[qb + c * PANEL] = rq[c];
                }
                for (int b = 0; b < blocks; b++) {
                    scales[sb + b * PANEL] = rs[b];
                }
            }
        }

        @Override
        boolean tiles() {
            return true;
        }

        @Override
        void tile(Kernels k, int p, int n, float[] inT, int g, float[] out, int outOff) {
            k.panelsQ8Tile(
                    q,
                    p * cols * PANEL,
                    cols * PANEL,
                    scales,
                    p * blocks * PANEL,
                    blocks * PANEL,
                    n,
                    cols,
                    inT,
                    g * cols * TILE_ITEMS,
                    TILE_ITEMS,
                    out,
                    outOff,
                    rows);
        }

        @Override
        void panels(Kernels k, int p, int n, float[] x, int xOff, float[] out, int outOff) {
            k.panelsQ8(
                    q,
                    p * cols * PANEL,
                    cols * PANEL,
                    scales,
                    p * blocks * PANEL,
                    blocks * PANEL,
                    n,
                    cols,
                    x,
                    xOff,
                    out,
                    outOff);
        }

        @Override
        float get(int r, int c) {
            int p = r / PANEL;
            return q[p * cols * PANEL + c * PANEL + r % PANEL]
                    * scales[p * blocks * PANEL + (c / Q8.BLOCK) * PANEL + r % PANEL];
        }

        @Override
        public long bytes() {
            return q.length + 4L * scales.length;
        }
    }
}
