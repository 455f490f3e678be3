package io.openledger.lora.internal;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
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
        if (L < 4 || PANEL % L != 0 || Q8.BLOCK % L != 0 || (LoraPack.BLOCK / 2) % L != 0 || I.length() != L) {
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

    // a bfloat16 pair in one int (panels, LoraPack): the low half widened by a shift, the high by a mask

    private static FloatVector bf16Low(IntVector iv) {
        return iv.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private static FloatVector bf16High(IntVector iv) {
        return iv.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats();
    }

    // ---- panel kernels (layout and order: Kernels.PANEL and panelsF32) ----
    // A panel is S = PANEL / L lane blocks of L rows; lane block q of a call starts at
    // lane(off, stride, q) and its results go to out[outOff + q·L ..]. Four lane blocks at a time
    // give four independent multiply-add chains and four sequential read streams.

    private static final int S = PANEL / L;

    private static int lane(int off, int panelStride, int q) {
        return off + (q / S) * panelStride + (q % S) * L;
    }

    @Override
    public void panelsF32(
            float[] w, int wOff, int panelStride, int n, int cols, float[] x, int xOff, float[] out, int outOff) {
        int blocks = n * S;
        int q = 0;
        for (; q + 4 <= blocks; q += 4) {
            f32Blocks4(
                    w,
                    lane(wOff, panelStride, q),
                    lane(wOff, panelStride, q + 1),
                    lane(wOff, panelStride, q + 2),
                    lane(wOff, panelStride, q + 3),
                    cols,
                    x,
                    xOff,
                    out,
                    outOff + q * L);
        }
        for (; q < blocks; q++) {
            FloatVector c = FloatVector.zero(F);
            int o = lane(wOff, panelStride, q);
            for (int k = 0; k < cols; k++) {
                c = FloatVector.fromArray(F, w, o + k * PANEL).fma(FloatVector.broadcast(F, x[xOff + k]), c);
            }
            c.intoArray(out, outOff + q * L);
        }
    }

    private static void f32Blocks4(
            float[] w, int o0, int o1, int o2, int o3, int cols, float[] x, int xOff, float[] out, int outOff) {
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        for (int k = 0; k < cols; k++) {
            FloatVector s = FloatVector.broadcast(F, x[xOff + k]);
            int d = k * PANEL;
            c0 = FloatVector.fromArray(F, w, o0 + d).fma(s, c0);
            c1 = FloatVector.fromArray(F, w, o1 + d).fma(s, c1);
            c2 = FloatVector.fromArray(F, w, o2 + d).fma(s, c2);
            c3 = FloatVector.fromArray(F, w, o3 + d).fma(s, c3);
        }
        c0.intoArray(out, outOff);
        c1.intoArray(out, outOff + L);
        c2.intoArray(out, outOff + 2 * L);
        c3.intoArray(out, outOff + 3 * L);
    }

    @Override
    public void panelsBf16(
            int[] w, int wOff, int panelStride, int n, int cols, float[] x, int xOff, float[] out, int outOff) {
        int blocks = n * S;
        int q = 0;
        for (; q + 4 <= blocks; q += 4) {
            bf16Blocks4(
                    w,
                    lane(wOff, panelStride, q),
                    lane(wOff, panelStride, q + 1),
                    lane(wOff, panelStride, q + 2),
                    lane(wOff, panelStride, q + 3),
                    cols,
                    x,
                    xOff,
                    out,
                    outOff + q * L);
        }
        for (; q < blocks; q++) {
            int o = lane(wOff, panelStride, q);
            FloatVector c = FloatVector.zero(F);
            int pairs = cols >> 1;
            for (int kk = 0; kk < pairs; kk++) {
                IntVector v = IntVector.fromArray(I, w, o + kk * PANEL);
                c = bf16Low(v).fma(FloatVector.broadcast(F, x[xOff + 2 * kk]), c);
                c = bf16High(v).fma(FloatVector.broadcast(F, x[xOff + 2 * kk + 1]), c);
            }
            if ((cols & 1) != 0) {
                c = bf16Low(IntVector.fromArray(I, w, o + pairs * PANEL))
                        .fma(FloatVector.broadcast(F, x[xOff + cols - 1]), c);
            }
            c.intoArray(out, outOff + q * L);
        }
    }

    private static void bf16Blocks4(
            int[] w, int o0, int o1, int o2, int o3, int cols, float[] x, int xOff, float[] out, int outOff) {
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        int pairs = cols >> 1;
        for (int kk = 0; kk < pairs; kk++) {
            FloatVector s = FloatVector.broadcast(F, x[xOff + 2 * kk]);
            FloatVector t = FloatVector.broadcast(F, x[xOff + 2 * kk + 1]);
            int d = kk * PANEL;
            IntVector v0 = IntVector.fromArray(I, w, o0 + d);
            IntVector v1 = IntVector.fromArray(I, w, o1 + d);
            IntVector v2 = IntVector.fromArray(I, w, o2 + d);
            IntVector v3 = IntVector.fromArray(I, w, o3 + d);
            c0 = bf16Low(v0).fma(s, c0);
            c1 = bf16Low(v1).fma(s, c1);
            c2 = bf16Low(v2).fma(s, c2);
            c3 = bf16Low(v3).fma(s, c3);
            c0 = bf16High(v0).fma(t, c0);
            c1 = bf16High(v1).fma(t, c1);
            c2 = bf16High(v2).fma(t, c2);
            c3 = bf16High(v3).fma(t, c3);
        }
        if ((cols & 1) != 0) {
            FloatVector s = FloatVector.broadcast(F, x[xOff + cols - 1]);
            int d = pairs * PANEL;
            c0 = bf16Low(IntVector.fromArray(I, w, o0 + d)).fma(s, c0);
            c1 = bf16Low(IntVector.fromArray(I, w, o1 + d)).fma(s, c1);
            c2 = bf16Low(IntVector.fromArray(I, w, o2 + d)).fma(s, c2);
            c3 = bf16Low(IntVector.fromArray(I, w, o3 + d)).fma(s, c3);
        }
        c0.intoArray(out, outOff);
        c1.intoArray(out, outOff + L);
        c2.intoArray(out, outOff + 2 * L);
        c3.intoArray(out, outOff + 3 * L);
    }

    private static FloatVector q8(byte[] q, int off) {
        return (FloatVector) ByteVector.fromArray(B, q, off).castShape(F, 0);
    }

    @Override
    public void panelsQ8(
            byte[] q,
            int qOff,
            int qPanelStride,
            float[] scales,
            int sOff,
            int sPanelStride,
            int n,
            int cols,
            float[] x,
            int xOff,
            float[] out,
            int outOff) {
        int blocks = n * S;
        int j = 0;
        for (; j + 4 <= blocks; j += 4) {
            q8Blocks4(
                    q,
                    lane(qOff, qPanelStride, j),
                    lane(qOff, qPanelStride, j + 1),
                    lane(qOff, qPanelStride, j + 2),
                    lane(qOff, qPanelStride, j + 3),
                    scales,
                    lane(sOff, sPanelStride, j),
                    lane(sOff, sPanelStride, j + 1),
                    lane(sOff, sPanelStride, j + 2),
                    lane(sOff, sPanelStride, j + 3),
                    cols,
                    x,
                    xOff,
                    out,
                    outOff + j * L);
        }
        for (; j < blocks; j++) {
            int o = lane(qOff, qPanelStride, j);
            int so = lane(sOff, sPanelStride, j);
            FloatVector c = FloatVector.zero(F);
            for (int b = 0; b < cols / Q8.BLOCK; b++) {
                FloatVector blk = FloatVector.zero(F);
                for (int k = b * Q8.BLOCK; k < (b + 1) * Q8.BLOCK; k++) {
                    blk = q8(q, o + k * PANEL).fma(FloatVector.broadcast(F, x[xOff + k]), blk);
                }
                c = blk.fma(FloatVector.fromArray(F, scales, so + b * PANEL), c);
            }
            c.intoArray(out, outOff + j * L);
        }
    }

    private static void q8Blocks4(
            byte[] q,
            int o0,
            int o1,
            int o2,
            int o3,
            float[] scales,
            int s0,
            int s1,
            int s2,
            int s3,
            int cols,
            float[] x,
            int xOff,
            float[] out,
            int outOff) {
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        for (int b = 0; b < cols / Q8.BLOCK; b++) {
            FloatVector d0 = FloatVector.zero(F);
            FloatVector d1 = d0;
            FloatVector d2 = d0;
            FloatVector d3 = d0;
            for (int k = b * Q8.BLOCK; k < (b + 1) * Q8.BLOCK; k++) {
                FloatVector s = FloatVector.broadcast(F, x[xOff + k]);
                int d = k * PANEL;
                d0 = q8(q, o0 + d).fma(s, d0);
                d1 = q8(q, o1 + d).fma(s, d1);
                d2 = q8(q, o2 + d).fma(s, d2);
                d3 = q8(q, o3 + d).fma(s, d3);
            }
            int sb = b * PANEL;
            c0 = d0.fma(FloatVector.fromArray(F, scales, s0 + sb), c0);
            c1 = d1.fma(FloatVector.fromArray(F, scales, s1 + sb), c1);
            c2 = d2.fma(FloatVector.fromArray(F, scales, s2 + sb), c2);
            c3 = d3.fma(FloatVector.fromArray(F, scales, s3 + sb), c3);
        }
        c0.intoArray(out, outOff);
        c1.intoArray(out, outOff + L);
        c2.intoArray(out, outOff + 2 * L);
        c3.intoArray(out, outOff + 3 * L);
    }

    @Override
    public boolean tiles() {
        // 24 accumulators, 3 weight vectors and a broadcast need AVX-512's 32 registers
        return S == 1;
    }

    @Override
    public void panelsF32Tile(
            float[] w,
            int wOff,
            int panelStride,
            int n,
            int cols,
            float[] xT,
            int xTOff,
            int xTStride,
            float[] out,
            int outOff,
            int outItemStride) {
        if (S != 1) {
            Kernels.super.panelsF32Tile(w, wOff, panelStride, n, cols, xT, xTOff, xTStride, out, outOff, outItemStride);
        } else if (n == 3) {
            tile3x8(
                    w,
                    wOff,
                    wOff + panelStride,
                    wOff + 2 * panelStride,
                    cols,
                    xT,
                    xTOff,
                    xTStride,
                    out,
                    outOff,
                    outItemStride);
        } else {
            for (int j = 0; j < n; j++) {
                tile1x8(w, wOff + j * panelStride, cols, xT, xTOff, xTStride, out, outOff + j * PANEL, outItemStride);
            }
        }
    }

    /**
     * Three panels by eight inputs: per input feature, three weight loads and eight broadcasts feed
     * 24 multiply-adds, with no horizontal sums at the end (each lane is a row's whole result).
     */
    private static void tile3x8(
            float[] w,
            int oa,
            int ob,
            int oc,
            int cols,
            float[] xT,
            int xTOff,
            int xTStride,
            float[] out,
            int outOff,
            int st) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0, c4 = a0, c5 = a0, c6 = a0, c7 = a0;
        // stores written out below: passing the accumulators to a helper made C2 keep them as heap
        // objects through the loop (38 instead of 136 GFLOP/s)
        for (int k = 0; k < cols; k++) {
            int d = k * PANEL;
            FloatVector wa = FloatVector.fromArray(F, w, oa + d);
            FloatVector wb = FloatVector.fromArray(F, w, ob + d);
            FloatVector wc = FloatVector.fromArray(F, w, oc + d);
            int xi = k * xTStride + xTOff;
            FloatVector s = FloatVector.broadcast(F, xT[xi]);
            a0 = wa.fma(s, a0);
            b0 = wb.fma(s, b0);
            c0 = wc.fma(s, c0);
            s = FloatVector.broadcast(F, xT[xi + 1]);
            a1 = wa.fma(s, a1);
            b1 = wb.fma(s, b1);
            c1 = wc.fma(s, c1);
            s = FloatVector.broadcast(F, xT[xi + 2]);
            a2 = wa.fma(s, a2);
            b2 = wb.fma(s, b2);
            c2 = wc.fma(s, c2);
            s = FloatVector.broadcast(F, xT[xi + 3]);
            a3 = wa.fma(s, a3);
            b3 = wb.fma(s, b3);
            c3 = wc.fma(s, c3);
            s = FloatVector.broadcast(F, xT[xi + 4]);
            a4 = wa.fma(s, a4);
            b4 = wb.fma(s, b4);
            c4 = wc.fma(s, c4);
            s = FloatVector.broadcast(F, xT[xi + 5]);
            a5 = wa.fma(s, a5);
            b5 = wb.fma(s, b5);
            c5 = wc.fma(s, c5);
            s = FloatVector.broadcast(F, xT[xi + 6]);
            a6 = wa.fma(s, a6);
            b6 = wb.fma(s, b6);
            c6 = wc.fma(s, c6);
            s = FloatVector.broadcast(F, xT[xi + 7]);
            a7 = wa.fma(s, a7);
            b7 = wb.fma(s, b7);
            c7 = wc.fma(s, c7);
        }
        a0.intoArray(out, outOff);
        b0.intoArray(out, outOff + PANEL);
        c0.intoArray(out, outOff + 2 * PANEL);
        a1.intoArray(out, outOff + st);
        b1.intoArray(out, outOff + st + PANEL);
        c1.intoArray(out, outOff + st + 2 * PANEL);
        a2.intoArray(out, outOff + 2 * st);
        b2.intoArray(out, outOff + 2 * st + PANEL);
        c2.intoArray(out, outOff + 2 * st + 2 * PANEL);
        a3.intoArray(out, outOff + 3 * st);
        b3.intoArray(out, outOff + 3 * st + PANEL);
        c3.intoArray(out, outOff + 3 * st + 2 * PANEL);
        a4.intoArray(out, outOff + 4 * st);
        b4.intoArray(out, outOff + 4 * st + PANEL);
        c4.intoArray(out, outOff + 4 * st + 2 * PANEL);
        a5.intoArray(out, outOff + 5 * st);
        b5.intoArray(out, outOff + 5 * st + PANEL);
        c5.intoArray(out, outOff + 5 * st + 2 * PANEL);
        a6.intoArray(out, outOff + 6 * st);
        b6.intoArray(out, outOff + 6 * st + PANEL);
        c6.intoArray(out, outOff + 6 * st + 2 * PANEL);
        a7.intoArray(out, outOff + 7 * st);
        b7.intoArray(out, outOff + 7 * st + PANEL);
        c7.intoArray(out, outOff + 7 * st + 2 * PANEL);
    }

    @Override
    public void panelsBf16Tile(
            int[] w,
            int wOff,
            int panelStride,
            int n,
            int cols,
            float[] xT,
            int xTOff,
            int xTStride,
            float[] out,
            int outOff,
            int outItemStride) {
        if (S != 1) {
            Kernels.super.panelsBf16Tile(
                    w, wOff, panelStride, n, cols, xT, xTOff, xTStride, out, outOff, outItemStride);
        } else if (n == 3) {
            tile3x8Bf16(
                    w,
                    wOff,
                    wOff + panelStride,
                    wOff + 2 * panelStride,
                    cols,
                    xT,
                    xTOff,
                    xTStride,
                    out,
                    outOff,
                    outItemStride);
        } else {
            for (int j = 0; j < n; j++) {
                tile1x8Bf16(
                        w, wOff + j * panelStride, cols, xT, xTOff, xTStride, out, outOff + j * PANEL, outItemStride);
            }
        }
    }

    /**
     * {@link #tile3x8} on bfloat16 panels: per input pair, three int loads, each widened to the two
     * inputs' weight vectors once for all eight inputs; each row's chain takes input 2kk, then 2kk +
     * 1, as {@link #panelsBf16} does. An odd last input is the low half of the last pair alone.
     */
    private static void tile3x8Bf16(
            int[] w,
            int oa,
            int ob,
            int oc,
            int cols,
            float[] xT,
            int xTOff,
            int xTStride,
            float[] out,
            int outOff,
            int st) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0, c4 = a0, c5 = a0, c6 = a0, c7 = a0;
        int pairs = (cols + 1) >> 1;
        for (int kk = 0; kk < pairs; kk++) {
            int d = kk * PANEL;
            IntVector va = IntVector.fromArray(I, w, oa + d);
            IntVector vb = IntVector.fromArray(I, w, ob + d);
            IntVector vc = IntVector.fromArray(I, w, oc + d);
            // input 2kk: the low halves
            FloatVector wa = bf16Low(va);
            FloatVector wb = bf16Low(vb);
            FloatVector wc = bf16Low(vc);
            int xi = 2 * kk * xTStride + xTOff;
            FloatVector s = FloatVector.broadcast(F, xT[xi]);
            a0 = wa.fma(s, a0);
            b0 = wb.fma(s, b0);
            c0 = wc.fma(s, c0);
            s = FloatVector.broadcast(F, xT[xi + 1]);
            a1 = wa.fma(s, a1);
            b1 = wb.fma(s, b1);
            c1 = wc.fma(s, c1);
            s = FloatVector.broadcast(F, xT[xi + 2]);
            a2 = wa.fma(s, a2);
            b2 = wb.fma(s, b2);
            c2 = wc.fma(s, c2);
            s = FloatVector.broadcast(F, xT[xi + 3]);
            a3 = wa.fma(s, a3);
            b3 = wb.fma(s, b3);
            c3 = wc.fma(s, c3);
            s = FloatVector.broadcast(F, xT[xi + 4]);
            a4 = wa.fma(s, a4);
            b4 = wb.fma(s, b4);
            c4 = wc.fma(s, c4);
            s = FloatVector.broadcast(F, xT[xi + 5]);
            a5 = wa.fma(s, a5);
            b5 = wb.fma(s, b5);
            c5 = wc.fma(s, c5);
            s = FloatVector.broadcast(F, xT[xi + 6]);
            a6 = wa.fma(s, a6);
            b6 = wb.fma(s, b6);
            c6 = wc.fma(s, c6);
            s = FloatVector.broadcast(F, xT[xi + 7]);
            a7 = wa.fma(s, a7);
            b7 = wb.fma(s, b7);
            c7 = wc.fma(s, c7);
            if (2 * kk + 1 == cols) {
                break; // odd width: no input 2kk + 1
            }
            // input 2kk + 1: the high halves
            wa = bf16High(va);
            wb = bf16High(vb);
            wc = bf16High(vc);
            xi += xTStride;
            s = FloatVector.broadcast(F, xT[xi]);
            a0 = wa.fma(s, a0);
            b0 = wb.fma(s, b0);
            c0 = wc.fma(s, c0);
            s = FloatVector.broadcast(F, xT[xi + 1]);
            a1 = wa.fma(s, a1);
            b1 = wb.fma(s, b1);
            c1 = wc.fma(s, c1);
            s = FloatVector.broadcast(F, xT[xi + 2]);
            a2 = wa.fma(s, a2);
            b2 = wb.fma(s, b2);
            c2 = wc.fma(s, c2);
            s = FloatVector.broadcast(F, xT[xi + 3]);
            a3 = wa.fma(s, a3);
            b3 = wb.fma(s, b3);
            c3 = wc.fma(s, c3);
            s = FloatVector.broadcast(F, xT[xi + 4]);
            a4 = wa.fma(s, a4);
            b4 = wb.fma(s, b4);
            c4 = wc.fma(s, c4);
            s = FloatVector.broadcast(F, xT[xi + 5]);
            a5 = wa.fma(s, a5);
            b5 = wb.fma(s, b5);
            c5 = wc.fma(s, c5);
            s = FloatVector.broadcast(F, xT[xi + 6]);
            a6 = wa.fma(s, a6);
            b6 = wb.fma(s, b6);
            c6 = wc.fma(s, c6);
            s = FloatVector.broadcast(F, xT[xi + 7]);
            a7 = wa.fma(s, a7);
            b7 = wb.fma(s, b7);
            c7 = wc.fma(s, c7);
        }
        a0.intoArray(out, outOff);
        b0.intoArray(out, outOff + PANEL);
        c0.intoArray(out, outOff + 2 * PANEL);
        a1.intoArray(out, outOff + st);
        b1.intoArray(out, outOff + st + PANEL);
        c1.intoArray(out, outOff + st + 2 * PANEL);
        a2.intoArray(out, outOff + 2 * st);
        b2.intoArray(out, outOff + 2 * st + PANEL);
        c2.intoArray(out, outOff + 2 * st + 2 * PANEL);
        a3.intoArray(out, outOff + 3 * st);
        b3.intoArray(out, outOff + 3 * st + PANEL);
        c3.intoArray(out, outOff + 3 * st + 2 * PANEL);
        a4.intoArray(out, outOff + 4 * st);
        b4.intoArray(out, outOff + 4 * st + PANEL);
        c4.intoArray(out, outOff + 4 * st + 2 * PANEL);
        a5.intoArray(out, outOff + 5 * st);
        b5.intoArray(out, outOff + 5 * st + PANEL);
        c5.intoArray(out, outOff + 5 * st + 2 * PANEL);
        a6.intoArray(out, outOff + 6 * st);
        b6.intoArray(out, outOff + 6 * st + PANEL);
        c6.intoArray(out, outOff + 6 * st + 2 * PANEL);
        a7.intoArray(out, outOff + 7 * st);
        b7.intoArray(out, outOff + 7 * st + PANEL);
        c7.intoArray(out, outOff + 7 * st + 2 * PANEL);
    }

    /** {@link #tile1x8} on a bfloat16 panel, pair by pair as {@link #tile3x8Bf16}. */
    private static void tile1x8Bf16(
            int[] w, int o, int cols, float[] xT, int xTOff, int xTStride, float[] out, int outOff, int st) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int pairs = (cols + 1) >> 1;
        for (int kk = 0; kk < pairs; kk++) {
            IntVector v = IntVector.fromArray(I, w, o + kk * PANEL);
            // one widening per half, not a choice between two vectors (C2 would box them)
            FloatVector wa = bf16Low(v);
            int xi = 2 * kk * xTStride + xTOff;
            a0 = wa.fma(FloatVector.broadcast(F, xT[xi]), a0);
            a1 = wa.fma(FloatVector.broadcast(F, xT[xi + 1]), a1);
            a2 = wa.fma(FloatVector.broadcast(F, xT[xi + 2]), a2);
            a3 = wa.fma(FloatVector.broadcast(F, xT[xi + 3]), a3);
            a4 = wa.fma(FloatVector.broadcast(F, xT[xi + 4]), a4);
            a5 = wa.fma(FloatVector.broadcast(F, xT[xi + 5]), a5);
            a6 = wa.fma(FloatVector.broadcast(F, xT[xi + 6]), a6);
            a7 = wa.fma(FloatVector.broadcast(F, xT[xi + 7]), a7);
            if (2 * kk + 1 == cols) {
                break;
            }
            wa = bf16High(v);
            xi += xTStride;
            a0 = wa.fma(FloatVector.broadcast(F, xT[xi]), a0);
            a1 = wa.fma(FloatVector.broadcast(F, xT[xi + 1]), a1);
            a2 = wa.fma(FloatVector.broadcast(F, xT[xi + 2]), a2);
            a3 = wa.fma(FloatVector.broadcast(F, xT[xi + 3]), a3);
            a4 = wa.fma(FloatVector.broadcast(F, xT[xi + 4]), a4);
            a5 = wa.fma(FloatVector.broadcast(F, xT[xi + 5]), a5);
            a6 = wa.fma(FloatVector.broadcast(F, xT[xi + 6]), a6);
            a7 = wa.fma(FloatVector.broadcast(F, xT[xi + 7]), a7);
        }
        a0.intoArray(out, outOff);
        a1.intoArray(out, outOff + st);
        a2.intoArray(out, outOff + 2 * st);
        a3.intoArray(out, outOff + 3 * st);
        a4.intoArray(out, outOff + 4 * st);
        a5.intoArray(out, outOff + 5 * st);
        a6.intoArray(out, outOff + 6 * st);
        a7.intoArray(out, outOff + 7 * st);
    }

    @Override
    public void panelsQ8Tile(
            byte[] q,
            int qOff,
            int qPanelStride,
            float[] scales,
            int sOff,
            int sPanelStride,
            int n,
            int cols,
            float[] xT,
            int xTOff,
            int xTStride,
            float[] out,
            int outOff,
            int outItemStride) {
        if (S != 1) {
            Kernels.super.panelsQ8Tile(
                    q,
                    qOff,
                    qPanelStride,
                    scales,
                    sOff,
                    sPanelStride,
                    n,
                    cols,
                    xT,
                    xTOff,
                    xTStride,
                    out,
                    outOff,
                    outItemStride);
            return;
        }
        // one panel by eight inputs: 8 chains, 8 block sums, a weight vector and a broadcast; each
        // weight vector's widening (two instructions on the multiply-add ports) serves eight inputs
        for (int j = 0; j < n; j++) {
            tile1x8Q8(
                    q,
                    qOff + j * qPanelStride,
                    scales,
                    sOff + j * sPanelStride,
                    cols,
                    xT,
                    xTOff,
                    xTStride,
                    out,
                    outOff + j * PANEL,
                    outItemStride);
        }
    }

    /**
     * One 8-bit panel by eight inputs in {@link #panelsQ8}'s order: per block of {@link Q8#BLOCK}
     * inputs, each row's block sum from zero, then one multiply-add by its scale.
     */
    private static void tile1x8Q8(
            byte[] q,
            int o,
            float[] scales,
            int so,
            int cols,
            float[] xT,
            int xTOff,
            int xTStride,
            float[] out,
            int outOff,
            int st) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int blk = 0; blk < cols / Q8.BLOCK; blk++) {
            FloatVector p0 = FloatVector.zero(F), p1 = p0, p2 = p0, p3 = p0, p4 = p0, p5 = p0, p6 = p0, p7 = p0;
            for (int k = blk * Q8.BLOCK; k < (blk + 1) * Q8.BLOCK; k++) {
                FloatVector w = q8(q, o + k * PANEL);
                int xi = k * xTStride + xTOff;
                p0 = w.fma(FloatVector.broadcast(F, xT[xi]), p0);
                p1 = w.fma(FloatVector.broadcast(F, xT[xi + 1]), p1);
                p2 = w.fma(FloatVector.broadcast(F, xT[xi + 2]), p2);
                p3 = w.fma(FloatVector.broadcast(F, xT[xi + 3]), p3);
                p4 = w.fma(FloatVector.broadcast(F, xT[xi + 4]), p4);
                p5 = w.fma(FloatVector.broadcast(F, xT[xi + 5]), p5);
                p6 = w.fma(FloatVector.broadcast(F, xT[xi + 6]), p6);
                p7 = w.fma(FloatVector.broadcast(F, xT[xi + 7]), p7);
            }
            FloatVector c = FloatVector.fromArray(F, scales, so + blk * PANEL);
            a0 = p0.fma(c, a0);
            a1 = p1.fma(c, a1);
            a2 = p2.fma(c, a2);
            a3 = p3.fma(c, a3);
            a4 = p4.fma(c, a4);
            a5 = p5.fma(c, a5);
            a6 = p6.fma(c, a6);
            a7 = p7.fma(c, a7);
        }
        a0.intoArray(out, outOff);
        a1.intoArray(out, outOff + st);
        a2.intoArray(out, outOff + 2 * st);
        a3.intoArray(out, outOff + 3 * st);
        a4.intoArray(out, outOff + 4 * st);
        a5.intoArray(out, outOff + 5 * st);
        a6.intoArray(out, outOff + 6 * st);
        a7.intoArray(out, outOff + 7 * st);
    }

    /** One panel by eight inputs: eight independent chains for a matrix's last panels. */
    private static void tile1x8(
            float[] w, int o, int cols, float[] xT, int xTOff, int xTStride, float[] out, int outOff, int st) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int k = 0; k < cols; k++) {
            FloatVector wa = FloatVector.fromArray(F, w, o + k * PANEL);
            int xi = k * xTStride + xTOff;
            a0 = wa.fma(FloatVector.broadcast(F, xT[xi]), a0);
            a1 = wa.fma(FloatVector.broadcast(F, xT[xi + 1]), a1);
            a2 = wa.fma(FloatVector.broadcast(F, xT[xi + 2]), a2);
            a3 = wa.fma(FloatVector.broadcast(F, xT[xi + 3]), a3);
            a4 = wa.fma(FloatVector.broadcast(F, xT[xi + 4]), a4);
            a5 = wa.fma(FloatVector.broadcast(F, xT[xi + 5]), a5);
            a6 = wa.fma(FloatVector.broadcast(F, xT[xi + 6]), a6);
            a7 = wa.fma(FloatVector.broadcast(F, xT[xi + 7]), a7);
        }
        a0.intoArray(out, outOff);
        a1.intoArray(out, outOff + st);
        a2.intoArray(out, outOff + 2 * st);
        a3.intoArray(out, outOff + 3 * st);
        a4.intoArray(out, outOff + 4 * st);
        a5.intoArray(out, outOff + 5 * st);
        a6.intoArray(out, outOff + 6 * st);
        a7.intoArray(out, outOff + 7 * st);
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
    public void weightedRows(
            float[] w, int wOff, float[] v, int[] rows, int from, int to, int d, float[] out, int oOff) {
        if (d != 4 * L) {
            Kernels.super.weightedRows(w, wOff, v, rows, from, to, d, out, oOff);
            return;
        }
        // a head of 4 vectors (64 features on AVX-512) in four registers; each term as axpy does it
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int j = from; j < to; j++) {
            FloatVector s = FloatVector.broadcast(F, w[wOff + j]);
            int r = rows[j];
            a0 = FloatVector.fromArray(F, v, r).fma(s, a0);
            a1 = FloatVector.fromArray(F, v, r + L).fma(s, a1);
            a2 = FloatVector.fromArray(F, v, r + 2 * L).fma(s, a2);
            a3 = FloatVector.fromArray(F, v, r + 3 * L).fma(s, a3);
        }
        a0.intoArray(out, oOff);
        a1.intoArray(out, oOff + L);
        a2.intoArray(out, oOff + 2 * L);
        a3.intoArray(out, oOff + 3 * L);
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

    // ---- LoRA kernels on the LoraPack layouts (order: Kernels.loraShrinkBf16 / loraExpandBf16) ----

    // the first L/2 lanes, for a panel of 8 ranks (rank 8, 24, 40…) on 16 lanes. Masked full-width
    // vectors, not a half-width species: the JDK's vector classes keep one type profile per method
    // for all callers, and with a second FloatVector shape in the process C2 sometimes compiled
    // other kernels without their intrinsics where it could not prove a vector's exact class
    // (-XX:+PrintIntrinsics: "missing constant: vclass"). Seen in tile1x8, compiled after the first
    // rank-8 adapters ran: boxed vectors, 24% of a distinct-adapter decode's samples instead of 1%
    private static final VectorMask<Integer> HALF_I = I.indexInRange(0, L / 2);
    private static final VectorMask<Float> HALF_F = F.indexInRange(0, L / 2);
    private static final VectorMask<Integer> ALL_I = I.maskAll(true);
    private static final VectorMask<Float> ALL_F = F.maskAll(true);

    @Override
    public void loraShrinkBf16(
            int[] a, int aOff, int rank, int in, float[] x, int xOff, float scale, float[] out, int outOff) {
        if ((in & 1) != 0) {
            Kernels.super.loraShrinkBf16(a, aOff, rank, in, x, xOff, scale, out, outOff);
            return;
        }
        int stride = LoraPack.rowInts(in);
        for (int p0 = 0; p0 < rank; p0 += LoraPack.PANEL) {
            int w = Math.min(LoraPack.PANEL, rank - p0);
            int at = aOff + p0 * stride;
            int lane = 0;
            for (; lane + L <= w; lane += L) {
                shrinkLanes(a, at + lane, w, in / 2, x, xOff, scale, out, outOff + p0 + lane);
            }
            if (lane + L / 2 <= w) {
                // a panel of 8 ranks (rank 8, 24, 40…) on 16 lanes: half-width vectors, same order
                shrinkHalfLanes(a, at + lane, w, in / 2, x, xOff, scale, out, outOff + p0 + lane);
                lane += L / 2;
            }
            for (; lane < w; lane++) {
                out[outOff + p0 + lane] = LoraPack.shrinkLane(a, at + lane, w, in, x, xOff, scale);
            }
        }
    }

    // L lanes of a panel of width w: the four chains read the panel's four quarters as four streams
    private static void shrinkLanes(
            int[] a, int at, int w, int pairs, float[] x, int xOff, float scale, float[] out, int outOff) {
        int q = pairs / 4;
        int s = q * w;
        int xq = 2 * q;
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        for (int kk = 0; kk < q; kk++) {
            int o = at + kk * w;
            int xo = xOff + 2 * kk;
            IntVector v0 = IntVector.fromArray(I, a, o);
            IntVector v1 = IntVector.fromArray(I, a, o + s);
            IntVector v2 = IntVector.fromArray(I, a, o + 2 * s);
            IntVector v3 = IntVector.fromArray(I, a, o + 3 * s);
            c0 = bf16Low(v0).fma(FloatVector.broadcast(F, x[xo]), c0);
            c1 = bf16Low(v1).fma(FloatVector.broadcast(F, x[xo + xq]), c1);
            c2 = bf16Low(v2).fma(FloatVector.broadcast(F, x[xo + 2 * xq]), c2);
            c3 = bf16Low(v3).fma(FloatVector.broadcast(F, x[xo + 3 * xq]), c3);
            c0 = bf16High(v0).fma(FloatVector.broadcast(F, x[xo + 1]), c0);
            c1 = bf16High(v1).fma(FloatVector.broadcast(F, x[xo + xq + 1]), c1);
            c2 = bf16High(v2).fma(FloatVector.broadcast(F, x[xo + 2 * xq + 1]), c2);
            c3 = bf16High(v3).fma(FloatVector.broadcast(F, x[xo + 3 * xq + 1]), c3);
        }
        for (int kk = 4 * q; kk < pairs; kk++) {
            IntVector v = IntVector.fromArray(I, a, at + kk * w);
            c3 = bf16Low(v).fma(FloatVector.broadcast(F, x[xOff + 2 * kk]), c3);
            c3 = bf16High(v).fma(FloatVector.broadcast(F, x[xOff + 2 * kk + 1]), c3);
        }
        c0.add(c1).add(c2.add(c3)).mul(scale).intoArray(out, outOff);
    }

    // shrinkLanes on the first L/2 lanes (HALF_I, HALF_F): the masked-off lanes load zeros and are
    // never stored, so each used lane does the same operations in the same order as in shrinkLanes.
    // A copy rather than a mask parameter, so that the full panels' loop (shrinkLanes) stays unmasked
    private static void shrinkHalfLanes(
            int[] a, int at, int w, int pairs, float[] x, int xOff, float scale, float[] out, int outOff) {
        int q = pairs / 4;
        int s = q * w;
        int xq = 2 * q;
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        for (int kk = 0; kk < q; kk++) {
            int o = at + kk * w;
            int xo = xOff + 2 * kk;
            IntVector v0 = IntVector.fromArray(I, a, o, HALF_I);
            IntVector v1 = IntVector.fromArray(I, a, o + s, HALF_I);
            IntVector v2 = IntVector.fromArray(I, a, o + 2 * s, HALF_I);
            IntVector v3 = IntVector.fromArray(I, a, o + 3 * s, HALF_I);
            c0 = bf16Low(v0).fma(FloatVector.broadcast(F, x[xo]), c0);
            c1 = bf16Low(v1).fma(FloatVector.broadcast(F, x[xo + xq]), c1);
            c2 = bf16Low(v2).fma(FloatVector.broadcast(F, x[xo + 2 * xq]), c2);
            c3 = bf16Low(v3).fma(FloatVector.broadcast(F, x[xo + 3 * xq]), c3);
            c0 = bf16High(v0).fma(FloatVector.broadcast(F, x[xo + 1]), c0);
            c1 = bf16High(v1).fma(FloatVector.broadcast(F, x[xo + xq + 1]), c1);
            c2 = bf16High(v2).fma(FloatVector.broadcast(F, x[xo + 2 * xq + 1]), c2);
            c3 = bf16High(v3).fma(FloatVector.broadcast(F, x[xo + 3 * xq + 1]), c3);
        }
        for (int kk = 4 * q; kk < pairs; kk++) {
            IntVector v = IntVector.fromArray(I, a, at + kk * w, HALF_I);
            c3 = bf16Low(v).fma(FloatVector.broadcast(F, x[xOff + 2 * kk]), c3);
            c3 = bf16High(v).fma(FloatVector.broadcast(F, x[xOff + 2 * kk + 1]), c3);
        }
        c0.add(c1).add(c2.add(c3)).mul(scale).intoArray(out, outOff, HALF_F);
    }

    // ---- the same LoRA kernels for several rows of one adapter (SGMV): two rows (shrink) or four
    // (expand) share each weight vector's load and widening, and every row keeps its single-row
    // order, so its bits ----

    @Override
    public void loraShrinkBf16Rows(
            int[] a,
            int aOff,
            int rank,
            int in,
            float[] x,
            int[] xOffs,
            float scale,
            float[] out,
            int[] outOffs,
            int n) {
        int i = 0;
        if ((in & 1) == 0) {
            int stride = LoraPack.rowInts(in);
            for (; i + 2 <= n; i += 2) {
                for (int p0 = 0; p0 < rank; p0 += LoraPack.PANEL) {
                    int w = Math.min(LoraPack.PANEL, rank - p0);
                    int at = aOff + p0 * stride;
                    int lane = 0;
                    for (; lane + L <= w; lane += L) {
                        shrinkLanes2(a, at + lane, w, in / 2, x, xOffs, i, scale, out, outOffs, p0 + lane, false);
                    }
                    if (lane + L / 2 <= w) {
                        shrinkLanes2(a, at + lane, w, in / 2, x, xOffs, i, scale, out, outOffs, p0 + lane, true);
                        lane += L / 2;
                    }
                    for (; lane < w; lane++) {
                        for (int k = i; k < i + 2; k++) {
                            out[outOffs[k] + p0 + lane] = LoraPack.shrinkLane(a, at + lane, w, in, x, xOffs[k], scale);
                        }
                    }
                }
            }
        }
        for (; i < n; i++) {
            loraShrinkBf16(a, aOff, rank, in, x, xOffs[i], scale, out, outOffs[i]);
        }
    }

    private static IntVector panelInts(int[] a, int o, boolean half) {
        // one load with a mask of either constant: a choice between two loads would merge two
        // vector objects, which C2 then keeps on the heap (boxed) instead of in registers
        return IntVector.fromArray(I, a, o, half ? HALF_I : ALL_I);
    }

    private static void storeLanes(FloatVector v, float[] out, int off, boolean half) {
        v.intoArray(out, off, half ? HALF_F : ALL_F);
    }

    // shrinkLanes (or shrinkHalfLanes, half) for the two inputs xOffs[i], xOffs[i + 1]: each row's
    // four chains take the same fused multiply-adds in the same order as there. Two rows, not four:
    // with four, C1 ran out of registers on the method, and tiered compilation then never reached C2
    private static void shrinkLanes2(
            int[] a,
            int at,
            int w,
            int pairs,
            float[] x,
            int[] xOffs,
            int i,
            float scale,
            float[] out,
            int[] outOffs,
            int lane,
            boolean half) {
        int q = pairs / 4;
        int s = q * w;
        int xq = 2 * q;
        int x0 = xOffs[i];
        int x1 = xOffs[i + 1];
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0; // row i, chains 0..3
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0; // row i + 1
        for (int kk = 0; kk < q; kk++) {
            int o = at + kk * w;
            int xo = 2 * kk;
            IntVector v = panelInts(a, o, half);
            FloatVector lo = bf16Low(v);
            FloatVector hi = bf16High(v);
            a0 = hi.fma(FloatVector.broadcast(F, x[x0 + xo + 1]), lo.fma(FloatVector.broadcast(F, x[x0 + xo]), a0));
            b0 = hi.fma(FloatVector.broadcast(F, x[x1 + xo + 1]), lo.fma(FloatVector.broadcast(F, x[x1 + xo]), b0));
            xo += xq;
            v = panelInts(a, o + s, half);
            lo = bf16Low(v);
            hi = bf16High(v);
            a1 = hi.fma(FloatVector.broadcast(F, x[x0 + xo + 1]), lo.fma(FloatVector.broadcast(F, x[x0 + xo]), a1));
            b1 = hi.fma(FloatVector.broadcast(F, x[x1 + xo + 1]), lo.fma(FloatVector.broadcast(F, x[x1 + xo]), b1));
            xo += xq;
            v = panelInts(a, o + 2 * s, half);
            lo = bf16Low(v);
            hi = bf16High(v);
            a2 = hi.fma(FloatVector.broadcast(F, x[x0 + xo + 1]), lo.fma(FloatVector.broadcast(F, x[x0 + xo]), a2));
            b2 = hi.fma(FloatVector.broadcast(F, x[x1 + xo + 1]), lo.fma(FloatVector.broadcast(F, x[x1 + xo]), b2));
            xo += xq;
            v = panelInts(a, o + 3 * s, half);
            lo = bf16Low(v);
            hi = bf16High(v);
            a3 = hi.fma(FloatVector.broadcast(F, x[x0 + xo + 1]), lo.fma(FloatVector.broadcast(F, x[x0 + xo]), a3));
            b3 = hi.fma(FloatVector.broadcast(F, x[x1 + xo + 1]), lo.fma(FloatVector.broadcast(F, x[x1 + xo]), b3));
        }
        for (int kk = 4 * q; kk < pairs; kk++) {
            IntVector v = panelInts(a, at + kk * w, half);
            FloatVector lo = bf16Low(v);
            FloatVector hi = bf16High(v);
            int xo = 2 * kk;
            a3 = hi.fma(FloatVector.broadcast(F, x[x0 + xo + 1]), lo.fma(FloatVector.broadcast(F, x[x0 + xo]), a3));
            b3 = hi.fma(FloatVector.broadcast(F, x[x1 + xo + 1]), lo.fma(FloatVector.broadcast(F, x[x1 + xo]), b3));
        }
        storeLanes(a0.add(a1).add(a2.add(a3)).mul(scale), out, outOffs[i] + lane, half);
        storeLanes(b0.add(b1).add(b2.add(b3)).mul(scale), out, outOffs[i + 1] + lane, half);
    }

    @Override
    public void loraExpandBf16Rows(
            float[] ax, int[] axOffs, int rank, int[] b, int bOff, float[] y, int[] yOffs, int n, int from, int to) {
        int block = LoraPack.BLOCK;
        int half = block / 2;
        int first = Math.min(to, (from + block - 1) / block * block);
        int last = first + (to - first) / block * block;
        int bw = half * rank;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            int y0 = yOffs[i], y1 = yOffs[i + 1], y2 = yOffs[i + 2], y3 = yOffs[i + 3];
            int r0 = axOffs[i], r1 = axOffs[i + 1], r2 = axOffs[i + 2], r3 = axOffs[i + 3];
            for (int e0 = first; e0 < last; e0 += block) {
                int w = bOff + e0 / block * bw;
                for (int k = 0; k < half; k += L) {
                    int e = e0 + k;
                    FloatVector l0 = FloatVector.fromArray(F, y, y0 + e),
                            h0 = FloatVector.fromArray(F, y, y0 + e + half);
                    FloatVector l1 = FloatVector.fromArray(F, y, y1 + e),
                            h1 = FloatVector.fromArray(F, y, y1 + e + half);
                    FloatVector l2 = FloatVector.fromArray(F, y, y2 + e),
                            h2 = FloatVector.fromArray(F, y, y2 + e + half);
                    FloatVector l3 = FloatVector.fromArray(F, y, y3 + e),
                            h3 = FloatVector.fromArray(F, y, y3 + e + half);
                    for (int j = 0; j < rank; j++) {
                        IntVector iv = IntVector.fromArray(I, b, w + k + j * half);
                        FloatVector lo = bf16Low(iv);
                        FloatVector hi = bf16High(iv);
                        FloatVector s0 = FloatVector.broadcast(F, ax[r0 + j]);
                        l0 = lo.fma(s0, l0);
                        h0 = hi.fma(s0, h0);
                        FloatVector s1 = FloatVector.broadcast(F, ax[r1 + j]);
                        l1 = lo.fma(s1, l1);
                        h1 = hi.fma(s1, h1);
                        FloatVector s2 = FloatVector.broadcast(F, ax[r2 + j]);
                        l2 = lo.fma(s2, l2);
                        h2 = hi.fma(s2, h2);
                        FloatVector s3 = FloatVector.broadcast(F, ax[r3 + j]);
                        l3 = lo.fma(s3, l3);
                        h3 = hi.fma(s3, h3);
                    }
                    l0.intoArray(y, y0 + e);
                    h0.intoArray(y, y0 + e + half);
                    l1.intoArray(y, y1 + e);
                    h1.intoArray(y, y1 + e + half);
                    l2.intoArray(y, y2 + e);
                    h2.intoArray(y, y2 + e + half);
                    l3.intoArray(y, y3 + e);
                    h3.intoArray(y, y3 + e + half);
                }
            }
            // the features outside whole blocks: the scalar path, same arithmetic
            for (int k = i; k < i + 4; k++) {
                Kernels.super.loraExpandBf16(ax, axOffs[k], rank, b, bOff, y, yOffs[k], from, first);
                Kernels.super.loraExpandBf16(ax, axOffs[k], rank, b, bOff, y, yOffs[k], last, to);
            }
        }
        for (; i < n; i++) {
            loraExpandBf16(ax, axOffs[i], rank, b, bOff, y, yOffs[i], from, to);
        }
    }

    @Override
    public void loraExpandBf16(
            float[] ax, int axOff, int rank, int[] b, int bOff, float[] y, int yOff, int from, int to) {
        int block = LoraPack.BLOCK;
        int half = block / 2;
        int first = Math.min(to, (from + block - 1) / block * block);
        int blocks = (to - first) / block;
        int last = first + blocks * block;
        // features before the first whole block and after the last: the scalar path, same arithmetic
        Kernels.super.loraExpandBf16(ax, axOff, rank, b, bOff, y, yOff, from, first);
        int bw = half * rank;
        int w0 = bOff + first / block * bw;
        // four blocks a quarter of the range apart at a time: four read streams
        int q = blocks / 4;
        for (int i = 0; i < q; i++) {
            int e = yOff + first + i * block;
            int w = w0 + i * bw;
            for (int k = 0; k < half; k += L) {
                expandFour(ax, axOff, rank, b, w + k, q * bw, y, e + k, q * block);
            }
        }
        for (int i = 4 * q; i < blocks; i++) {
            int e = yOff + first + i * block;
            int w = w0 + i * bw;
            for (int k = 0; k < half; k += L) {
                FloatVector lo = FloatVector.fromArray(F, y, e + k);
                FloatVector hi = FloatVector.fromArray(F, y, e + half + k);
                for (int j = 0; j < rank; j++) {
                    IntVector iv = IntVector.fromArray(I, b, w + k + j * half);
                    FloatVector aj = FloatVector.broadcast(F, ax[axOff + j]);
                    lo = bf16Low(iv).fma(aj, lo);
                    hi = bf16High(iv).fma(aj, hi);
                }
                lo.intoArray(y, e + k);
                hi.intoArray(y, e + half + k);
            }
        }
        Kernels.super.loraExpandBf16(ax, axOff, rank, b, bOff, y, yOff, last, to);
    }

    // L features of each half of four blocks, {@code bStep} ints and {@code yStep} features apart
    private static void expandFour(
            float[] ax, int axOff, int rank, int[] b, int w, int bStep, float[] y, int e, int yStep) {
        int half = LoraPack.BLOCK / 2;
        FloatVector l0 = FloatVector.fromArray(F, y, e);
        FloatVector h0 = FloatVector.fromArray(F, y, e + half);
        FloatVector l1 = FloatVector.fromArray(F, y, e + yStep);
        FloatVector h1 = FloatVector.fromArray(F, y, e + yStep + half);
        FloatVector l2 = FloatVector.fromArray(F, y, e + 2 * yStep);
        FloatVector h2 = FloatVector.fromArray(F, y, e + 2 * yStep + half);
        FloatVector l3 = FloatVector.fromArray(F, y, e + 3 * yStep);
        FloatVector h3 = FloatVector.fromArray(F, y, e + 3 * yStep + half);
        for (int j = 0; j < rank; j++) {
            FloatVector aj = FloatVector.broadcast(F, ax[axOff + j]);
            int o = w + j * half;
            IntVector v0 = IntVector.fromArray(I, b, o);
            IntVector v1 = IntVector.fromArray(I, b, o + bStep);
            IntVector v2 = IntVector.fromArray(I, b, o + 2 * bStep);
            IntVector v3 = IntVector.fromArray(I, b, o + 3 * bStep);
            l0 = bf16Low(v0).fma(aj, l0);
            h0 = bf16High(v0).fma(aj, h0);
            l1 = bf16Low(v1).fma(aj, l1);
            h1 = bf16High(v1).fma(aj, h1);
            l2 = bf16Low(v2).fma(aj, l2);
            h2 = bf16High(v2).fma(aj, h2);
            l3 = bf16Low(v3).fma(aj, l3);
            h3 = bf16High(v3).fma(aj, h3);
        }
        l0.intoArray(y, e);
        h0.intoArray(y, e + half);
        l1.intoArray(y, e + yStep);
        h1.intoArray(y, e + yStep + half);
        l2.intoArray(y, e + 2 * yStep);
        h2.intoArray(y, e + 2 * yStep + half);
        l3.intoArray(y, e + 3 * yStep);
        h3.intoArray(y, e + 3 * yStep + half);
    }

    @Override
    public int argmax(float[] v, int n) {
        if (n < 2 * L || Float.isNaN(v[0])) {
            return Kernels.super.argmax(v, n);
        }
        // the largest value (a NaN never compares greater), then the first index holding it
        FloatVector m = FloatVector.broadcast(F, v[0]);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector x = FloatVector.fromArray(F, v, i);
            m = m.blend(x, x.compare(VectorOperators.GT, m));
        }
        float max = v[0];
        for (int lane = 0; lane < L; lane++) {
            float x = m.lane(lane);
            if (x > max) {
                max = x;
            }
        }
        for (; i < n; i++) {
            if (v[i] > max) {
                max = v[i];
            }
        }
        for (int j = 0; j + L <= n; j += L) {
            VectorMask<Float> eq = FloatVector.fromArray(F, v, j).compare(VectorOperators.EQ, max);
            if (eq.anyTrue()) {
                return j + eq.firstTrue();
            }
        }
        for (int j = n - n % L; j < n; j++) {
            if (v[j] == max) {
                return j;
            }
        }
        throw new IllegalStateException("no element equals the maximum");
    }

    @Override
    public void expShifted(float[] s, int from, int to, float shift) {
        int i = from;
        for (; i + L <= to; i += L) {
            exp(FloatVector.fromArray(F, s, i).sub(shift)).intoArray(s, i);
        }
        for (; i < to; i++) {
            s[i] = Exp.exp(s[i] - shift);
        }
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
