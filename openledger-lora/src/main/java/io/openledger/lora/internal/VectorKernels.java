package io.openledger.lora.internal;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API at the platform's preferred float width. Loaded only by reflection from
 * {@link KernelSelector}, so nothing else links against {@code jdk.incubator.vector}.
 */
public final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));

    /** Public for reflective construction. */
    public VectorKernels() {
        if (L < 4 || Q8.BLOCK % L != 0 || (Bf16Pack.BLOCK / 2) % L != 0 || I.length() != L) {
            throw new UnsupportedOperationException("float vector length " + L + " does not divide the Q8 block");
        }
    }

    @Override
    public String id() {
        return "vector(" + L + " lanes)";
    }

    /** Butterfly shuffles: lane i with lane i ^ 2^k, for the fixed-order {@link #sum} tree. */
    private static final VectorShuffle<Float>[] SWAPS = swaps();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] swaps() {
        int levels = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] s = (VectorShuffle<Float>[]) new VectorShuffle<?>[levels];
        for (int k = 0; k < levels; k++) {
            int bit = L >> (k + 1);
            s[k] = VectorShuffle.fromOp(F, i -> i ^ bit);
        }
        return s;
    }

    /**
     * The sum of the lanes in one fixed order (a butterfly tree of lanewise adds). {@code
     * reduceLanes(ADD)} may order the additions differently in the interpreter and in compiled code,
     * which would let a row's result depend on when the JIT got to it; the serving engine needs a row
     * to give the same bits alone and in any batch.
     */
    private static float sum(FloatVector v) {
        if (SWAPS.length == 4) {
            // 16 lanes (AVX-512): the four levels written out, each shuffle a constant of its own.
            // The loop over the array left the shuffles non-constant in some compiled callers, and
            // the vector operations then ran in the Vector API's Java fallback (4% of a batched step)
            v = v.add(v.rearrange(SWAP0));
            v = v.add(v.rearrange(SWAP1));
            v = v.add(v.rearrange(SWAP2));
            v = v.add(v.rearrange(SWAP3));
            return v.lane(0);
        }
        for (VectorShuffle<Float> s : SWAPS) {
            v = v.add(v.rearrange(s));
        }
        return v.lane(0);
    }

    private static final VectorShuffle<Float> SWAP0 = SWAPS[0];
    private static final VectorShuffle<Float> SWAP1 = SWAPS[Math.min(1, SWAPS.length - 1)];
    private static final VectorShuffle<Float> SWAP2 = SWAPS[Math.min(2, SWAPS.length - 1)];
    private static final VectorShuffle<Float> SWAP3 = SWAPS[Math.min(3, SWAPS.length - 1)];

    @Override
    public float dotF32(float[] w, int wOff, float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            a0 = FloatVector.fromArray(F, w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = FloatVector.fromArray(F, w, wOff + i + L).fma(FloatVector.fromArray(F, x, xOff + i + L), a1);
        }
        return finishF32(a0, a1, w, wOff, x, xOff, i, n);
    }

    /** The part of one row's F32 dot product after the two-vector main loop stopped at {@code i}. */
    private static float finishF32(
            FloatVector a0, FloatVector a1, float[] w, int wOff, float[] x, int xOff, int i, int n) {
        for (; i + L <= n; i += L) {
            a0 = FloatVector.fromArray(F, w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
        }
        float s = sum(a0.add(a1));
        for (; i < n; i++) {
            s += w[wOff + i] * x[xOff + i];
        }
        return s;
    }

    @Override
    public void dotF32x4(
            float[] w, int wOff, int wStride, float[] x, int xOff, int n, float[] out, int outOff, int outStride) {
        int o0 = wOff;
        int o1 = wOff + wStride;
        int o2 = wOff + 2 * wStride;
        int o3 = wOff + 3 * wStride;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = FloatVector.zero(F);
        FloatVector d0 = FloatVector.zero(F);
        FloatVector d1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            FloatVector x0 = FloatVector.fromArray(F, x, xOff + i);
            FloatVector x1 = FloatVector.fromArray(F, x, xOff + i + L);
            a0 = FloatVector.fromArray(F, w, o0 + i).fma(x0, a0);
            a1 = FloatVector.fromArray(F, w, o0 + i + L).fma(x1, a1);
            b0 = FloatVector.fromArray(F, w, o1 + i).fma(x0, b0);
            b1 = FloatVector.fromArray(F, w, o1 + i + L).fma(x1, b1);
            c0 = FloatVector.fromArray(F, w, o2 + i).fma(x0, c0);
            c1 = FloatVector.fromArray(F, w, o2 + i + L).fma(x1, c1);
            d0 = FloatVector.fromArray(F, w, o3 + i).fma(x0, d0);
            d1 = FloatVector.fromArray(F, w, o3 + i + L).fma(x1, d1);
        }
        out[outOff] = finishF32(a0, a1, w, o0, x, xOff, i, n);
        out[outOff + outStride] = finishF32(b0, b1, w, o1, x, xOff, i, n);
        out[outOff + 2 * outStride] = finishF32(c0, c1, w, o2, x, xOff, i, n);
        out[outOff + 3 * outStride] = finishF32(d0, d1, w, o3, x, xOff, i, n);
    }

    @Override
    public int tileScratchFloats() {
        // the 6×4 tile's 24 accumulators of the even and 24 of the odd vector blocks
        return 48 * L;
    }

    @Override
    public void dotF32Tile4x4(
            float[] w,
            int wOff,
            int wStride,
            float[] x,
            int xOff,
            int xStride,
            int n,
            float[] out,
            int outOff,
            int outRowStride,
            int outItemStride,
            float[] scratch) {
        // dotF32 keeps two chains: a0 over the even vector blocks, a1 over the odd ones. Sixteen pairs
        // of chains do not fit in the registers, so the tile runs the even blocks, parks those sixteen
        // accumulators, then runs the odd blocks: every chain sees the same additions in the same order.
        float[] acc = scratch;
        tilePass(w, wOff, wStride, x, xOff, xStride, n, 0, acc, 0);
        tilePass(w, wOff, wStride, x, xOff, xStride, n, L, acc, 16 * L);
        finishTile(4, acc, w, wOff, wStride, x, xOff, xStride, n, out, outOff, outRowStride, outItemStride);
    }

    /**
     * The results of a tile of {@code rows} × 4 whose even-block accumulators are at {@code acc[0..]}
     * and odd-block ones {@code rows·4·L} further: a0 + a1, then the lane tree and the scalar tail, as
     * finishF32 does.
     */
    private static void finishTile(
            int rows,
            float[] acc,
            float[] w,
            int wOff,
            int wStride,
            float[] x,
            int xOff,
            int xStride,
            int n,
            float[] out,
            int outOff,
            int outRowStride,
            int outItemStride) {
        int odd = rows * 4 * L;
        int full = n - n % L;
        for (int r = 0; r < rows; r++) {
            int wr = wOff + r * wStride;
            for (int i = 0; i < 4; i++) {
                int c = (r * 4 + i) * L;
                float s = sum(FloatVector.fromArray(F, acc, c).add(FloatVector.fromArray(F, acc, odd + c)));
                int xi = xOff + i * xStride;
                for (int j = full; j < n; j++) {
                    s += w[wr + j] * x[xi + j];
                }
                out[outOff + r * outRowStride + i * outItemStride] = s;
            }
        }
    }

    @Override
    public void dotF32Tile6x4(
            float[] w,
            int wOff,
            int wStride,
            float[] x,
            int xOff,
            int xStride,
            int n,
            float[] out,
            int outOff,
            int outRowStride,
            int outItemStride,
            float[] scratch) {
        // as dotF32Tile4x4: the even blocks, then the odd ones, each chain in dotF32's order
        tilePass6x4(w, wOff, wStride, x, xOff, xStride, n, 0, scratch, 0);
        tilePass6x4(w, wOff, wStride, x, xOff, xStride, n, L, scratch, 24 * L);
        finishTile(6, scratch, w, wOff, wStride, x, xOff, xStride, n, out, outOff, outRowStride, outItemStride);
    }

    /** The 6×4 accumulators of the vector blocks {@code start, start + 2L, ...} into {@code acc[at..]}. */
    private static void tilePass6x4(
            float[] w, int wOff, int wStride, float[] x, int xOff, int xStride, int n, int start, float[] acc, int at) {
        int o0 = wOff + 0 * wStride;
        int o1 = wOff + 1 * wStride;
        int o2 = wOff + 2 * wStride;
        int o3 = wOff + 3 * wStride;
        int o4 = wOff + 4 * wStride;
        int o5 = wOff + 5 * wStride;
        int p0 = xOff + 0 * xStride;
        int p1 = xOff + 1 * xStride;
        int p2 = xOff + 2 * xStride;
        int p3 = xOff + 3 * xStride;
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
        FloatVector c50 = c00, c51 = c00, c52 = c00, c53 = c00;
        for (int i = start; i + L <= n; i += 2 * L) {
            FloatVector y0 = FloatVector.fromArray(F, x, p0 + i);
            FloatVector y1 = FloatVector.fromArray(F, x, p1 + i);
            FloatVector y2 = FloatVector.fromArray(F, x, p2 + i);
            FloatVector y3 = FloatVector.fromArray(F, x, p3 + i);
            FloatVector v = FloatVector.fromArray(F, w, o0 + i);
            c00 = v.fma(y0, c00);
            c01 = v.fma(y1, c01);
            c02 = v.fma(y2, c02);
            c03 = v.fma(y3, c03);
            v = FloatVector.fromArray(F, w, o1 + i);
            c10 = v.fma(y0, c10);
            c11 = v.fma(y1, c11);
            c12 = v.fma(y2, c12);
            c13 = v.fma(y3, c13);
            v = FloatVector.fromArray(F, w, o2 + i);
            c20 = v.fma(y0, c20);
            c21 = v.fma(y1, c21);
            c22 = v.fma(y2, c22);
            c23 = v.fma(y3, c23);
            v = FloatVector.fromArray(F, w, o3 + i);
            c30 = v.fma(y0, c30);
            c31 = v.fma(y1, c31);
            c32 = v.fma(y2, c32);
            c33 = v.fma(y3, c33);
            v = FloatVector.fromArray(F, w, o4 + i);
            c40 = v.fma(y0, c40);
            c41 = v.fma(y1, c41);
            c42 = v.fma(y2, c42);
            c43 = v.fma(y3, c43);
            v = FloatVector.fromArray(F, w, o5 + i);
            c50 = v.fma(y0, c50);
            c51 = v.fma(y1, c51);
            c52 = v.fma(y2, c52);
            c53 = v.fma(y3, c53);
        }
        c00.intoArray(acc, at);
        c01.intoArray(acc, at + L);
        c02.intoArray(acc, at + 2 * L);
        c03.intoArray(acc, at + 3 * L);
        c10.intoArray(acc, at + 4 * L);
        c11.intoArray(acc, at + 5 * L);
        c12.intoArray(acc, at + 6 * L);
        c13.intoArray(acc, at + 7 * L);
        c20.intoArray(acc, at + 8 * L);
        c21.intoArray(acc, at + 9 * L);
        c22.intoArray(acc, at + 10 * L);
        c23.intoArray(acc, at + 11 * L);
        c30.intoArray(acc, at + 12 * L);
        c31.intoArray(acc, at + 13 * L);
        c32.intoArray(acc, at + 14 * L);
        c33.intoArray(acc, at + 15 * L);
        c40.intoArray(acc, at + 16 * L);
        c41.intoArray(acc, at + 17 * L);
        c42.intoArray(acc, at + 18 * L);
        c43.intoArray(acc, at + 19 * L);
        c50.intoArray(acc, at + 20 * L);
        c51.intoArray(acc, at + 21 * L);
        c52.intoArray(acc, at + 22 * L);
        c53.intoArray(acc, at + 23 * L);
    }

    /** The 4×4 accumulators of the vector blocks {@code start, start + 2L, ...} into {@code acc[at..]}. */
    private static void tilePass(
            float[] w, int wOff, int wStride, float[] x, int xOff, int xStride, int n, int start, float[] acc, int at) {
        int o0 = wOff;
        int o1 = wOff + wStride;
        int o2 = wOff + 2 * wStride;
        int o3 = wOff + 3 * wStride;
        int p0 = xOff;
        int p1 = xOff + xStride;
        int p2 = xOff + 2 * xStride;
        int p3 = xOff + 3 * xStride;
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int i = start; i + L <= n; i += 2 * L) {
            FloatVector y0 = FloatVector.fromArray(F, x, p0 + i);
            FloatVector y1 = FloatVector.fromArray(F, x, p1 + i);
            FloatVector y2 = FloatVector.fromArray(F, x, p2 + i);
            FloatVector y3 = FloatVector.fromArray(F, x, p3 + i);
            FloatVector v = FloatVector.fromArray(F, w, o0 + i);
            c00 = v.fma(y0, c00);
            c01 = v.fma(y1, c01);
            c02 = v.fma(y2, c02);
            c03 = v.fma(y3, c03);
            v = FloatVector.fromArray(F, w, o1 + i);
            c10 = v.fma(y0, c10);
            c11 = v.fma(y1, c11);
            c12 = v.fma(y2, c12);
            c13 = v.fma(y3, c13);
            v = FloatVector.fromArray(F, w, o2 + i);
            c20 = v.fma(y0, c20);
            c21 = v.fma(y1, c21);
            c22 = v.fma(y2, c22);
            c23 = v.fma(y3, c23);
            v = FloatVector.fromArray(F, w, o3 + i);
            c30 = v.fma(y0, c30);
            c31 = v.fma(y1, c31);
            c32 = v.fma(y2, c32);
            c33 = v.fma(y3, c33);
        }
        c00.intoArray(acc, at);
        c01.intoArray(acc, at + L);
        c02.intoArray(acc, at + 2 * L);
        c03.intoArray(acc, at + 3 * L);
        c10.intoArray(acc, at + 4 * L);
        c11.intoArray(acc, at + 5 * L);
        c12.intoArray(acc, at + 6 * L);
        c13.intoArray(acc, at + 7 * L);
        c20.intoArray(acc, at + 8 * L);
        c21.intoArray(acc, at + 9 * L);
        c22.intoArray(acc, at + 10 * L);
        c23.intoArray(acc, at + 11 * L);
        c30.intoArray(acc, at + 12 * L);
        c31.intoArray(acc, at + 13 * L);
        c32.intoArray(acc, at + 14 * L);
        c33.intoArray(acc, at + 15 * L);
    }

    // Bf16Pack: int j of a 32-element block holds element j (low half) and element 16 + j (high);
    // int i of the row therefore covers x[2·(i - i%16) + i%16] and 16 elements further on.

    private static FloatVector bf16Low(IntVector iv) {
        return iv.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private static FloatVector bf16High(IntVector iv) {
        return iv.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats();
    }

    @Override
    public float dotBf16(int[] w, int wOff, float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int full = n / Bf16Pack.BLOCK;
        int ints = full * (Bf16Pack.BLOCK / 2);
        for (int i = 0; i < ints; i += L) {
            IntVector iv = IntVector.fromArray(I, w, wOff + i);
            int xb = xOff + ((i & ~15) << 1) + (i & 15);
            a0 = bf16Low(iv).fma(FloatVector.fromArray(F, x, xb), a0);
            a1 = bf16High(iv).fma(FloatVector.fromArray(F, x, xb + 16), a1);
        }
        return sum(a0.add(a1)) + Bf16Pack.dotScalar(w, wOff, x, xOff, full, n);
    }

    @Override
    public void dotBf16x4(
            int[] w, int wOff, int wStride, float[] x, int xOff, int n, float[] out, int outOff, int outStride) {
        int o0 = wOff;
        int o1 = wOff + wStride;
        int o2 = wOff + 2 * wStride;
        int o3 = wOff + 3 * wStride;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = FloatVector.zero(F);
        FloatVector d0 = FloatVector.zero(F);
        FloatVector d1 = FloatVector.zero(F);
        int full = n / Bf16Pack.BLOCK;
        int ints = full * (Bf16Pack.BLOCK / 2);
        for (int i = 0; i < ints; i += L) {
            int xb = xOff + ((i & ~15) << 1) + (i & 15);
            FloatVector xl = FloatVector.fromArray(F, x, xb);
            FloatVector xh = FloatVector.fromArray(F, x, xb + 16);
            IntVector iv = IntVector.fromArray(I, w, o0 + i);
            a0 = bf16Low(iv).fma(xl, a0);
            a1 = bf16High(iv).fma(xh, a1);
            iv = IntVector.fromArray(I, w, o1 + i);
            b0 = bf16Low(iv).fma(xl, b0);
            b1 = bf16High(iv).fma(xh, b1);
            iv = IntVector.fromArray(I, w, o2 + i);
            c0 = bf16Low(iv).fma(xl, c0);
            c1 = bf16High(iv).fma(xh, c1);
            iv = IntVector.fromArray(I, w, o3 + i);
            d0 = bf16Low(iv).fma(xl, d0);
            d1 = bf16High(iv).fma(xh, d1);
        }
        out[outOff] = sum(a0.add(a1)) + Bf16Pack.dotScalar(w, o0, x, xOff, full, n);
        out[outOff + outStride] = sum(b0.add(b1)) + Bf16Pack.dotScalar(w, o1, x, xOff, full, n);
        out[outOff + 2 * outStride] = sum(c0.add(c1)) + Bf16Pack.dotScalar(w, o2, x, xOff, full, n);
        out[outOff + 3 * outStride] = sum(d0.add(d1)) + Bf16Pack.dotScalar(w, o3, x, xOff, full, n);
    }

    @Override
    public void dotBf16Items4(
            int[] w, int wOff, float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride) {
        int x0 = xOff;
        int x1 = xOff + xStride;
        int x2 = xOff + 2 * xStride;
        int x3 = xOff + 3 * xStride;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = FloatVector.zero(F);
        FloatVector d0 = FloatVector.zero(F);
        FloatVector d1 = FloatVector.zero(F);
        int full = n / Bf16Pack.BLOCK;
        int ints = full * (Bf16Pack.BLOCK / 2);
        for (int i = 0; i < ints; i += L) {
            int xb = ((i & ~15) << 1) + (i & 15);
            IntVector iv = IntVector.fromArray(I, w, wOff + i);
            FloatVector lo = bf16Low(iv);
            FloatVector hi = bf16High(iv);
            a0 = lo.fma(FloatVector.fromArray(F, x, x0 + xb), a0);
            a1 = hi.fma(FloatVector.fromArray(F, x, x0 + xb + 16), a1);
            b0 = lo.fma(FloatVector.fromArray(F, x, x1 + xb), b0);
            b1 = hi.fma(FloatVector.fromArray(F, x, x1 + xb + 16), b1);
            c0 = lo.fma(FloatVector.fromArray(F, x, x2 + xb), c0);
            c1 = hi.fma(FloatVector.fromArray(F, x, x2 + xb + 16), c1);
            d0 = lo.fma(FloatVector.fromArray(F, x, x3 + xb), d0);
            d1 = hi.fma(FloatVector.fromArray(F, x, x3 + xb + 16), d1);
        }
        out[outOff] = sum(a0.add(a1)) + Bf16Pack.dotScalar(w, wOff, x, x0, full, n);
        out[outOff + outStride] = sum(b0.add(b1)) + Bf16Pack.dotScalar(w, wOff, x, x1, full, n);
        out[outOff + 2 * outStride] = sum(c0.add(c1)) + Bf16Pack.dotScalar(w, wOff, x, x2, full, n);
        out[outOff + 3 * outStride] = sum(d0.add(d1)) + Bf16Pack.dotScalar(w, wOff, x, x3, full, n);
    }

    @Override
    public void dotQ8Items4(
            byte[] q,
            int qOff,
            float[] scales,
            int sOff,
            float[] x,
            int xOff,
            int xStride,
            int n,
            float[] out,
            int outOff,
            int outStride) {
        int x0 = xOff;
        int x1 = xOff + xStride;
        int x2 = xOff + 2 * xStride;
        int x3 = xOff + 3 * xStride;
        FloatVector a = FloatVector.zero(F);
        FloatVector b = FloatVector.zero(F);
        FloatVector c = FloatVector.zero(F);
        FloatVector d = FloatVector.zero(F);
        int blocks = n / Q8.BLOCK;
        for (int k = 0; k < blocks; k++) {
            int base = k * Q8.BLOCK;
            FloatVector ka = FloatVector.zero(F);
            FloatVector kb = FloatVector.zero(F);
            FloatVector kc = FloatVector.zero(F);
            FloatVector kd = FloatVector.zero(F);
            for (int j = 0; j < Q8.BLOCK; j += L) {
                FloatVector qv = q8(q, qOff + base + j);
                ka = qv.fma(FloatVector.fromArray(F, x, x0 + base + j), ka);
                kb = qv.fma(FloatVector.fromArray(F, x, x1 + base + j), kb);
                kc = qv.fma(FloatVector.fromArray(F, x, x2 + base + j), kc);
                kd = qv.fma(FloatVector.fromArray(F, x, x3 + base + j), kd);
            }
            FloatVector s = FloatVector.broadcast(F, scales[sOff + k]);
            a = ka.fma(s, a);
            b = kb.fma(s, b);
            c = kc.fma(s, c);
            d = kd.fma(s, d);
        }
        out[outOff] = sum(a);
        out[outOff + outStride] = sum(b);
        out[outOff + 2 * outStride] = sum(c);
        out[outOff + 3 * outStride] = sum(d);
    }

    private static FloatVector q8(byte[] q, int off) {
        return (FloatVector) ByteVector.fromArray(B, q, off).castShape(F, 0);
    }

    @Override
    public float dotQ8(byte[] q, int qOff, float[] scales, int sOff, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int blocks = n / Q8.BLOCK;
        for (int b = 0; b < blocks; b++) {
            int base = b * Q8.BLOCK;
            FloatVector blk = FloatVector.zero(F);
            for (int j = 0; j < Q8.BLOCK; j += L) {
                blk = q8(q, qOff + base + j).fma(FloatVector.fromArray(F, x, xOff + base + j), blk);
            }
            acc = blk.fma(FloatVector.broadcast(F, scales[sOff + b]), acc);
        }
        return sum(acc);
    }

    @Override
    public void dotQ8x4(
            byte[] q,
            int qOff,
            int qStride,
            float[] scales,
            int sOff,
            int sStride,
            float[] x,
            int xOff,
            int n,
            float[] out,
            int outOff,
            int outStride) {
        int o0 = qOff;
        int o1 = qOff + qStride;
        int o2 = qOff + 2 * qStride;
        int o3 = qOff + 3 * qStride;
        FloatVector a = FloatVector.zero(F);
        FloatVector b = FloatVector.zero(F);
        FloatVector c = FloatVector.zero(F);
        FloatVector d = FloatVector.zero(F);
        int blocks = n / Q8.BLOCK;
        for (int k = 0; k < blocks; k++) {
            int base = k * Q8.BLOCK;
            FloatVector ka = FloatVector.zero(F);
            FloatVector kb = FloatVector.zero(F);
            FloatVector kc = FloatVector.zero(F);
            FloatVector kd = FloatVector.zero(F);
            for (int j = 0; j < Q8.BLOCK; j += L) {
                FloatVector xv = FloatVector.fromArray(F, x, xOff + base + j);
                ka = q8(q, o0 + base + j).fma(xv, ka);
                kb = q8(q, o1 + base + j).fma(xv, kb);
                kc = q8(q, o2 + base + j).fma(xv, kc);
                kd = q8(q, o3 + base + j).fma(xv, kd);
            }
            a = ka.fma(FloatVector.broadcast(F, scales[sOff + k]), a);
            b = kb.fma(FloatVector.broadcast(F, scales[sOff + sStride + k]), b);
            c = kc.fma(FloatVector.broadcast(F, scales[sOff + 2 * sStride + k]), c);
            d = kd.fma(FloatVector.broadcast(F, scales[sOff + 3 * sStride + k]), d);
        }
        out[outOff] = sum(a);
        out[outOff + outStride] = sum(b);
        out[outOff + 2 * outStride] = sum(c);
        out[outOff + 3 * outStride] = sum(d);
    }

    @Override
    public void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector av = FloatVector.broadcast(F, a);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(F, x, xOff + i)
                    .fma(av, FloatVector.fromArray(F, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            // fused like the vector lanes: an element gets the same bits wherever a range split puts it
            y[yOff + i] = Math.fma(a, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    public void axpyRank(float[] a, int aOff, int r, float[] bT, int bOff, int bStride, float[] y, int yOff, int n) {
        int vec = n - n % L;
        // eight terms per sweep over y: the rows of bT lie a whole output width apart, often a
        // multiple of 4 KiB, so more of them at once would overflow their L1 set
        for (int j0 = 0; j0 < r; j0 += 8) {
            int j1 = Math.min(r, j0 + 8);
            if (j1 - j0 == 8) {
                eightTerms(a, aOff + j0, bT, bOff + j0 * bStride, bStride, y, yOff, vec);
                continue;
            }
            for (int i = 0; i < vec; i += L) {
                FloatVector acc = FloatVector.fromArray(F, y, yOff + i);
                for (int j = j0; j < j1; j++) {
                    acc = FloatVector.fromArray(F, bT, bOff + j * bStride + i)
                            .fma(FloatVector.broadcast(F, a[aOff + j]), acc);
                }
                acc.intoArray(y, yOff + i);
            }
        }
        for (int i = vec; i < n; i++) {
            float acc = y[yOff + i];
            for (int j = 0; j < r; j++) {
                acc = Math.fma(a[aOff + j], bT[bOff + j * bStride + i], acc);
            }
            y[yOff + i] = acc;
        }
    }

    /**
     * {@link #axpyRank}'s vector part for eight terms. The loads are written at fixed row offsets
     * plus the loop index, a form whose bounds checks the JIT hoists out of the loop; {@code j ·
     * bStride + i} in an inner loop over j kept one check per load (6% of a 32-adapter batch step).
     */
    private static void eightTerms(float[] a, int aOff, float[] bT, int b0, int bStride, float[] y, int yOff, int vec) {
        FloatVector a0 = FloatVector.broadcast(F, a[aOff]);
        FloatVector a1 = FloatVector.broadcast(F, a[aOff + 1]);
        FloatVector a2 = FloatVector.broadcast(F, a[aOff + 2]);
        FloatVector a3 = FloatVector.broadcast(F, a[aOff + 3]);
        FloatVector a4 = FloatVector.broadcast(F, a[aOff + 4]);
        FloatVector a5 = FloatVector.broadcast(F, a[aOff + 5]);
        FloatVector a6 = FloatVector.broadcast(F, a[aOff + 6]);
        FloatVector a7 = FloatVector.broadcast(F, a[aOff + 7]);
        int b1 = b0 + bStride;
        int b2 = b1 + bStride;
        int b3 = b2 + bStride;
        int b4 = b3 + bStride;
        int b5 = b4 + bStride;
        int b6 = b5 + bStride;
        int b7 = b6 + bStride;
        for (int i = 0; i < vec; i += L) {
            FloatVector acc = FloatVector.fromArray(F, y, yOff + i);
            acc = FloatVector.fromArray(F, bT, b0 + i).fma(a0, acc);
            acc = FloatVector.fromArray(F, bT, b1 + i).fma(a1, acc);
            acc = FloatVector.fromArray(F, bT, b2 + i).fma(a2, acc);
            acc = FloatVector.fromArray(F, bT, b3 + i).fma(a3, acc);
            acc = FloatVector.fromArray(F, bT, b4 + i).fma(a4, acc);
            acc = FloatVector.fromArray(F, bT, b5 + i).fma(a5, acc);
            acc = FloatVector.fromArray(F, bT, b6 + i).fma(a6, acc);
            acc = FloatVector.fromArray(F, bT, b7 + i).fma(a7, acc);
            acc.intoArray(y, yOff + i);
        }
    }

    @Override
    public void axpyRankBf16(
            float[] a, int aOff, int r, int[] bT, int bOff, int bStride, float[] y, int yOff, int from, int to) {
        int block = Bf16Pack.BLOCK;
        int half = block / 2;
        int first = Math.min(to, (from + block - 1) / block * block);
        int last = Math.max(first, to - (to - first) % block);
        // elements before the first whole block and after the last: the scalar path, same arithmetic
        Kernels.super.axpyRankBf16(a, aOff, r, bT, bOff, bStride, y, yOff, from, first);
        for (int e0 = first; e0 < last; e0 += block) {
            int word = bOff + (e0 / block) * half;
            for (int k = 0; k < half; k += L) {
                FloatVector lo = FloatVector.fromArray(F, y, yOff + e0 + k);
                FloatVector hi = FloatVector.fromArray(F, y, yOff + e0 + half + k);
                for (int j = 0; j < r; j++) {
                    IntVector iv = IntVector.fromArray(I, bT, word + k + j * bStride);
                    FloatVector aj = FloatVector.broadcast(F, a[aOff + j]);
                    lo = bf16Low(iv).fma(aj, lo);
                    hi = bf16High(iv).fma(aj, hi);
                }
                lo.intoArray(y, yOff + e0 + k);
                hi.intoArray(y, yOff + e0 + half + k);
            }
        }
        Kernels.super.axpyRankBf16(a, aOff, r, bT, bOff, bStride, y, yOff, last, to);
    }

    @Override
    public void swiglu(float[] gate, float[] up, int off, int n) {
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector g = FloatVector.fromArray(F, gate, off + i);
            FloatVector e = exp(g.neg());
            g.div(e.add(1f)).mul(FloatVector.fromArray(F, up, off + i)).intoArray(gate, off + i);
        }
        for (; i < n; i++) {
            float g = gate[off + i];
            gate[off + i] = g / (1f + Exp.exp(-g)) * up[off + i];
        }
    }

    /**
     * {@link Exp#exp} lane by lane, with the same operations in the same order. Not {@code
     * lanewise(EXP)}: that may round differently in the Vector API's Java fallback than in compiled
     * code, so a row's SwiGLU could change bits between two calls (a property test caught it).
     */
    private static FloatVector exp(FloatVector x) {
        x = x.max(Exp.MIN).min(Exp.MAX);
        FloatVector t = x.mul(Exp.LOG2E).add(Exp.ROUND).sub(Exp.ROUND);
        FloatVector nt = t.neg();
        FloatVector r = nt.fma(FloatVector.broadcast(F, Exp.LN2_HI), x);
        r = nt.fma(FloatVector.broadcast(F, Exp.LN2_LO), r);
        FloatVector p = FloatVector.broadcast(F, Exp.P0).fma(r, FloatVector.broadcast(F, Exp.P1));
        p = p.fma(r, FloatVector.broadcast(F, Exp.P2));
        p = p.fma(r, FloatVector.broadcast(F, Exp.P3));
        p = p.fma(r, FloatVector.broadcast(F, Exp.P4));
        p = p.fma(r, FloatVector.broadcast(F, Exp.P5));
        FloatVector y = p.mul(r).mul(r).add(r).add(1f);
        IntVector n = (IntVector) t.convert(VectorOperators.F2I, 0);
        return y.mul(n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
    }
}
