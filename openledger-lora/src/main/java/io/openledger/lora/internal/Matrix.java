package io.openledger.lora.internal;

/**
 * A weight matrix of {@code rows × cols} (PyTorch {@code nn.Linear} layout: rows = out features) in
 * one of three storage forms. Immutable after construction; safe to share between threads.
 */
public abstract sealed class Matrix permits Matrix.F32, Matrix.Bf16, Matrix.Q8Blocks {
    /** Output features. */
    public final int rows;

    /** Input features. */
    public final int cols;

    Matrix(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
    }

    /** Row {@code r} dotted with {@code x[xOff..xOff+cols)}. */
    public abstract float dotRow(Kernels k, int r, float[] x, int xOff);

    /**
     * For rows {@code r} in [from, to) and batch items {@code i < t}: {@code out[i·rows + r] = W[r] ·
     * in[i·cols ..]}. Each form loops over its own rows so the kernel call inside is monomorphic.
     */
    public abstract void rows(Kernels k, int from, int to, float[] in, float[] out, int t);

    /** Row {@code r} as floats into {@code out[outOff..]}. */
    public abstract void row(int r, float[] out, int outOff);

    /** Bytes the weights occupy (what one full pass reads). */
    public abstract long bytes();

    /** Builds a matrix of the given form from float32 values (row-major). */
    public static Matrix of(String form, float[] values, int rows, int cols) {
        return switch (form) {
            case "F32" -> new F32(values, rows, cols);
            case "BF16" -> Bf16.from(values, rows, cols);
            case "Q8" -> Q8Blocks.from(values, rows, cols);
            default -> throw new IllegalArgumentException("weight form " + form);
        };
    }

    /** All values as float32. */
    public float[] toFloats() {
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            row(r, out, r * cols);
        }
        return out;
    }

    /** Float32 storage. */
    public static final class F32 extends Matrix {
        private static final float[] NO_SCRATCH = new float[0];

        final float[] w;

        F32(float[] w, int rows, int cols) {
            super(rows, cols);
            this.w = w;
        }

        @Override
        public float dotRow(Kernels k, int r, float[] x, int xOff) {
            return k.dotF32(w, r * cols, x, xOff, cols);
        }

        @Override
        public void rows(Kernels k, int from, int to, float[] in, float[] out, int t) {
            int r = from;
            float[] scratch = t >= 4 ? new float[k.tileScratchFloats()] : NO_SCRATCH;
            if (t >= 4) {
                for (; r + 6 <= to; r += 6) {
                    int i = 0;
                    for (; i + 4 <= t; i += 4) {
                        k.dotF32Tile6x4(
                                w, r * cols, cols, in, i * cols, cols, cols, out, i * rows + r, 1, rows, scratch);
                    }
                    for (; i < t; i++) {
                        k.dotF32x4(w, r * cols, cols, in, i * cols, cols, out, i * rows + r, 1);
                        out[i * rows + r + 4] = k.dotF32(w, (r + 4) * cols, in, i * cols, cols);
                        out[i * rows + r + 5] = k.dotF32(w, (r + 5) * cols, in, i * cols, cols);
                    }
                }
            }
            for (; r + 4 <= to; r += 4) {
                int i = 0;
                // a batch: four rows by four inputs per tile, the rows staying in L1 across the inputs
                for (; i + 4 <= t; i += 4) {
                    k.dotF32Tile4x4(w, r * cols, cols, in, i * cols, cols, cols, out, i * rows + r, 1, rows, scratch);
                }
                for (; i < t; i++) {
                    k.dotF32x4(w, r * cols, cols, in, i * cols, cols, out, i * rows + r, 1);
                }
            }
            for (; r < to; r++) {
                for (int i = 0; i < t; i++) {
                    out[i * rows + r] = k.dotF32(w, r * cols, in, i * cols, cols);
                }
            }
        }

        @Override
        public void row(int r, float[] out, int outOff) {
            System.arraycopy(w, r * cols, out, outOff, cols);
        }

        @Override
        public long bytes() {
            return 4L * w.length;
        }
    }

    /** bfloat16 storage in the {@link Bf16Pack} layout (round to nearest even from float32). */
    public static final class Bf16 extends Matrix {
        final int[] w;
        final int rowInts;

        Bf16(int[] w, int rows, int cols) {
            super(rows, cols);
            this.w = w;
            this.rowInts = Bf16Pack.rowInts(cols);
        }

        static Bf16 from(float[] v, int rows, int cols) {
            return new Bf16(Bf16Pack.pack(v, rows, cols), rows, cols);
        }

        @Override
        public float dotRow(Kernels k, int r, float[] x, int xOff) {
            return k.dotBf16(w, r * rowInts, x, xOff, cols);
        }

        @Override
        public void rows(Kernels k, int from, int to, float[] in, float[] out, int t) {
            int r = from;
            if (t >= 4) {
                // a batch: each weight row is widened once for four inputs
                for (; r < to; r++) {
                    int i = 0;
                    for (; i + 4 <= t; i += 4) {
                        k.dotBf16Items4(w, r * rowInts, in, i * cols, cols, cols, out, i * rows + r, rows);
                    }
                    for (; i < t; i++) {
                        out[i * rows + r] = k.dotBf16(w, r * rowInts, in, i * cols, cols);
                    }
                }
            }
            for (; r + 4 <= to; r += 4) {
                for (int i = 0; i < t; i++) {
                    k.dotBf16x4(w, r * rowInts, rowInts, in, i * cols, cols, out, i * rows + r, 1);
                }
            }
            for (; r < to; r++) {
                for (int i = 0; i < t; i++) {
                    out[i * rows + r] = k.dotBf16(w, r * rowInts, in, i * cols, cols);
                }
            }
        }

        @Override
        public void row(int r, float[] out, int outOff) {
            for (int i = 0; i < cols; i++) {
                out[outOff + i] = Bf16Pack.get(w, r * rowInts, i);
            }
        }

        @Override
        public long bytes() {
            return 4L * w.length;
        }
    }

    /** 8-bit blocks of 32 with one float scale each; needs {@code cols % 32 == 0}. */
    public static final class Q8Blocks extends Matrix {
        final byte[] q;
        final float[] scales;

        Q8Blocks(byte[] q, float[] scales, int rows, int cols) {
            super(rows, cols);
            this.q = q;
            this.scales = scales;
        }

        static Q8Blocks from(float[] v, int rows, int cols) {
            if (cols % Q8.BLOCK != 0) {
                throw new IllegalArgumentException("Q8 needs input width divisible by 32, got " + cols);
            }
            byte[] q = new byte[v.length];
            float[] s = new float[v.length / Q8.BLOCK];
            Q8.quantize(v, 0, v.length, q, 0, s, 0);
            return new Q8Blocks(q, s, rows, cols);
        }

        @Override
        public float dotRow(Kernels k, int r, float[] x, int xOff) {
            return k.dotQ8(q, r * cols, scales, r * (cols / Q8.BLOCK), x, xOff, cols);
        }

        @Override
        public void rows(Kernels k, int from, int to, float[] in, float[] out, int t) {
            int sb = cols / Q8.BLOCK;
            int r = from;
            if (t >= 4) {
                // a batch: each block of a weight row is converted once for four inputs
                for (; r < to; r++) {
                    int i = 0;
                    for (; i + 4 <= t; i += 4) {
                        k.dotQ8Items4(q, r * cols, scales, r * sb, in, i * cols, cols, cols, out, i * rows + r, rows);
                    }
                    for (; i < t; i++) {
                        out[i * rows + r] = k.dotQ8(q, r * cols, scales, r * sb, in, i * cols, cols);
                    }
                }
            }
            for (; r + 4 <= to; r += 4) {
                for (int i = 0; i < t; i++) {
                    k.dotQ8x4(q, r * cols, cols, scales, r * sb, sb, in, i * cols, cols, out, i * rows + r, 1);
                }
            }
            for (; r < to; r++) {
                for (int i = 0; i < t; i++) {
                    out[i * rows + r] = k.dotQ8(q, r * cols, scales, r * sb, in, i * cols, cols);
                }
            }
        }

        @Override
        public void row(int r, float[] out, int outOff) {
            int sb = r * (cols / Q8.BLOCK);
            for (int i = 0; i < cols; i++) {
                out[outOff + i] = q[r * cols + i] * scales[sb + i / Q8.BLOCK];
            }
        }

        @Override
        public long bytes() {
            return q.length + 4L * scales.length;
        }
    }
}
