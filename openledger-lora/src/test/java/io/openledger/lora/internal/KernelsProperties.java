package io.openledger.lora.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.lora.SafeTensorsWriter;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Vector kernels against the scalar ones (and a double-precision sum) on random data. */
class KernelsProperties {
    private static final Kernels VECTOR = KernelSelector.loadVector().orElseThrow();
    private static final Kernels SCALAR = ScalarKernels.INSTANCE;

    /** {@code n} uniform values in [-1, 1). */
    static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    @Property(tries = 200)
    void dotF32Agrees(
            @ForAll @IntRange(min = 0, max = 300) int n,
            @ForAll @IntRange(min = 0, max = 7) int off,
            @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = random(r, n + off);
        float[] x = random(r, n + 3);
        double exact = 0;
        for (int i = 0; i < n; i++) {
            exact += (double) w[off + i] * x[3 + i];
        }
        assertThat((double) VECTOR.dotF32(w, off, x, 3, n)).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-4));
        assertThat((double) SCALAR.dotF32(w, off, x, 3, n)).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Property(tries = 200)
    void dotBf16Agrees(@ForAll @IntRange(min = 0, max = 300) int n, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] wf = random(r, n);
        int[] packed = Bf16Pack.pack(wf, 1, n);
        double exact = 0;
        float[] x = random(r, n);
        for (int i = 0; i < n; i++) {
            float w = Float.intBitsToFloat(SafeTensorsWriter.toBf16(wf[i]) << 16);
            assertThat(Bf16Pack.get(packed, 0, i)).isEqualTo(w);
            exact += (double) w * x[i];
        }
        assertThat((double) VECTOR.dotBf16(packed, 0, x, 0, n))
                .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-4));
        assertThat((double) SCALAR.dotBf16(packed, 0, x, 0, n))
                .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Property(tries = 200)
    void q8QuantizesWithinHalfAStep(@ForAll @IntRange(min = 1, max = 10) int blocks, @ForAll long seed) {
        int n = blocks * Q8.BLOCK;
        SplittableRandom r = new SplittableRandom(seed);
        float[] wf = random(r, n);
        byte[] q = new byte[n];
        float[] s = new float[blocks];
        Q8.quantize(wf, 0, n, q, 0, s, 0);
        for (int i = 0; i < n; i++) {
            float deq = q[i] * s[i / Q8.BLOCK];
            assertThat(Math.abs(deq - wf[i])).isLessThanOrEqualTo(s[i / Q8.BLOCK] * 0.5f + 1e-7f);
        }
    }

    // Panel kernels: every result is one fused multiply-add chain per row in input order, so the
    // vector and scalar implementations, the tile and the one-input kernel all give the same bits.

    @Property(tries = 200)
    void panelTileIsBitForBitThePerInputKernel(
            @ForAll @IntRange(min = 1, max = 3) int n,
            @ForAll @IntRange(min = 1, max = 200) int cols,
            @ForAll @IntRange(min = 0, max = 20) int pad,
            @ForAll @IntRange(min = 8, max = 13) int t,
            @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int stride = cols * Kernels.PANEL + pad;
        float[] w = random(r, 5 + n * stride);
        float[] in = random(r, t * cols);
        float[] inT = new float[t * cols]; // input i's feature k at k·t + i
        for (int i = 0; i < t; i++) {
            for (int c = 0; c < cols; c++) {
                inT[c * t + i] = in[i * cols + c];
            }
        }
        int first = t - Kernels.TILE_ITEMS; // the tile starts at an item other than 0 when t > 8
        int itemStride = n * Kernels.PANEL + 3;
        float[] expected = new float[n * Kernels.PANEL];
        for (Kernels k : new Kernels[] {VECTOR, SCALAR}) {
            float[] out = new float[2 + Kernels.TILE_ITEMS * itemStride];
            k.panelsF32Tile(w, 5, stride, n, cols, inT, first, t, out, 2, itemStride);
            for (int i = 0; i < Kernels.TILE_ITEMS; i++) {
                SCALAR.panelsF32(w, 5, stride, n, cols, in, (first + i) * cols, expected, 0);
                for (int j = 0; j < expected.length; j++) {
                    assertThat(out[2 + i * itemStride + j])
                            .as("%s input %d result %d", k.id(), i, j)
                            .isEqualTo(expected[j]);
                }
            }
        }
    }

    @Property(tries = 200)
    void panelKernelsAreBitForBitTheScalarOnes(
            @ForAll @IntRange(min = 1, max = 4) int n,
            @ForAll @IntRange(min = 1, max = 6) int blocks,
            @ForAll @IntRange(min = 0, max = 31) int less,
            @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int cols = blocks * Q8.BLOCK - less; // any width for F32 and BF16, odd ones included
        float[] x = random(r, cols + 1);
        float[] w = random(r, 3 + n * cols * Kernels.PANEL);
        int[] packed = new int[n * ((cols + 1) / 2) * Kernels.PANEL];
        for (int i = 0; i < packed.length; i++) {
            float lo = (float) (r.nextDouble() * 2 - 1);
            float hi = (float) (r.nextDouble() * 2 - 1);
            packed[i] = SafeTensorsWriter.toBf16(lo) & 0xFFFF | SafeTensorsWriter.toBf16(hi) << 16;
        }
        int qCols = blocks * Q8.BLOCK;
        byte[] q = new byte[n * qCols * Kernels.PANEL];
        for (int i = 0; i < q.length; i++) {
            q[i] = (byte) r.nextInt(-127, 128);
        }
        float[] s = random(r, n * blocks * Kernels.PANEL);
        float[] xq = random(r, qCols);
        int len = n * Kernels.PANEL;
        float[][] vs = new float[3][len + 1];
        float[][] ss = new float[3][len + 1];
        VECTOR.panelsF32(w, 3, cols * Kernels.PANEL, n, cols, x, 1, vs[0], 1);
        SCALAR.panelsF32(w, 3, cols * Kernels.PANEL, n, cols, x, 1, ss[0], 1);
        int pairs = (cols + 1) / 2;
        VECTOR.panelsBf16(packed, 0, pairs * Kernels.PANEL, n, cols, x, 1, vs[1], 1);
        SCALAR.panelsBf16(packed, 0, pairs * Kernels.PANEL, n, cols, x, 1, ss[1], 1);
        int qs = qCols * Kernels.PANEL;
        int sp = blocks * Kernels.PANEL;
        VECTOR.panelsQ8(q, 0, qs, s, 0, sp, n, qCols, xq, 0, vs[2], 1);
        SCALAR.panelsQ8(q, 0, qs, s, 0, sp, n, qCols, xq, 0, ss[2], 1);
        for (int f = 0; f < 3; f++) {
            assertThat(vs[f]).as("form %d", f).containsExactly(ss[f]);
        }
        // and the scalar F32 panel is the plain chain over the row
        for (int row = 0; row < len; row++) {
            float acc = 0;
            for (int c = 0; c < cols; c++) {
                acc = Math.fma(
                        w[3 + (row / Kernels.PANEL) * cols * Kernels.PANEL + c * Kernels.PANEL + row % Kernels.PANEL],
                        x[1 + c],
                        acc);
            }
            assertThat(ss[0][1 + row]).isEqualTo(acc);
        }
    }

    @Property(tries = 100)
    void axpyAgrees(@ForAll @IntRange(min = 0, max = 100) int n, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = random(r, n);
        float[] y1 = random(r, n);
        float[] y2 = y1.clone();
        VECTOR.axpy(0.75f, x, 0, y1, 0, n);
        SCALAR.axpy(0.75f, x, 0, y2, 0, n);
        for (int i = 0; i < n; i++) {
            assertThat(y1[i]).isCloseTo(y2[i], org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    // The serving engine needs a row's result to be the same bits alone and in any batch: the
    // four-row kernels must equal four one-row calls exactly, for both implementations.

    @Property(tries = 150)
    void fourRowF32IsBitForBitFourSingleRows(
            @ForAll @IntRange(min = 0, max = 300) int n,
            @ForAll @IntRange(min = 0, max = 5) int pad,
            @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int stride = n + pad;
        float[] w = random(r, 4 * stride + 3);
        float[] x = random(r, n + 2);
        for (Kernels k : new Kernels[] {VECTOR, SCALAR}) {
            float[] out = new float[8];
            k.dotF32x4(w, 3, stride, x, 2, n, out, 1, 2);
            for (int row = 0; row < 4; row++) {
                assertThat(out[1 + 2 * row])
                        .as("%s row %d", k.id(), row)
                        .isEqualTo(k.dotF32(w, 3 + row * stride, x, 2, n));
            }
        }
    }

    @Property(tries = 150)
    void rankExpandIsBitForBitItsAxpys(
            @ForAll @IntRange(min = 0, max = 100) int n,
            @ForAll @IntRange(min = 1, max = 33) int rank,
            @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int stride = n + 3;
        float[] a = random(r, rank + 2);
        float[] bT = random(r, rank * stride + 1);
        float[] y0 = random(r, n + 4);
        for (Kernels k : new Kernels[] {VECTOR, SCALAR}) {
            float[] expected = y0.clone();
            for (int j = 0; j < rank; j++) {
                k.axpy(a[2 + j], bT, 1 + j * stride, expected, 4, n);
            }
            float[] y = y0.clone();
            k.axpyRank(a, 2, rank, bT, 1, stride, y, 4, n);
            assertThat(y).as(k.id()).containsExactly(expected);
        }
    }

    @Property(tries = 150)
    void bf16RankExpandAgreesAndIgnoresHowTheRangeIsSplit(
            @ForAll @IntRange(min = 1, max = 130) int n,
            @ForAll @IntRange(min = 1, max = 17) int rank,
            @ForAll @IntRange(min = 0, max = 130) int cut,
            @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int stride = Bf16Pack.rowInts(n) + 16;
        float[] bT = random(r, rank * n);
        int[] packed = new int[rank * stride + 5];
        for (int j = 0; j < rank; j++) {
            Bf16Pack.packRow(bT, j * n, n, packed, 5 + j * stride);
        }
        float[] a = random(r, rank + 1);
        float[] y0 = random(r, n + 3);
        int c = Math.min(cut, n);
        for (Kernels k : new Kernels[] {VECTOR, SCALAR}) {
            float[] whole = y0.clone();
            k.axpyRankBf16(a, 1, rank, packed, 5, stride, whole, 3, 0, n);
            float[] split = y0.clone();
            k.axpyRankBf16(a, 1, rank, packed, 5, stride, split, 3, 0, c);
            k.axpyRankBf16(a, 1, rank, packed, 5, stride, split, 3, c, n);
            assertThat(split).as(k.id()).containsExactly(whole);
            for (int e = 0; e < n; e++) {
                double exact = y0[3 + e];
                for (int j = 0; j < rank; j++) {
                    exact += (double) a[1 + j] * Bf16Pack.get(packed, 5 + j * stride, e);
                }
                assertThat((double) whole[3 + e])
                        .as("%s element %d", k.id(), e)
                        .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }

    @Property(tries = 300)
    void expIsWithinTwoUlpOfTheTrueValue(@ForAll @net.jqwik.api.constraints.FloatRange(min = -87f, max = 88f) float x) {
        double exact = Math.exp(x);
        float got = Exp.exp(x);
        assertThat(Math.abs(got - exact)).isLessThanOrEqualTo(2.0 * Math.ulp((float) exact));
    }

    @Property(tries = 100)
    void swigluAgreesAndDependsOnlyOnTheColumn(@ForAll @IntRange(min = 0, max = 100) int n, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] gate = random(r, n + 40);
        for (int i = 0; i < gate.length; i++) {
            gate[i] *= 12; // reach both tails of the sigmoid
        }
        float[] up = random(r, n + 40);
        float[] vector = gate.clone();
        VECTOR.swiglu(vector, up, 40, n);
        float[] scalar = gate.clone();
        SCALAR.swiglu(scalar, up, 40, n);
        for (int i = 0; i < gate.length; i++) {
            double g = gate[i];
            double exact = i < 40 ? g : g / (1 + Math.exp(-g)) * up[i];
            assertThat((double) vector[i])
                    .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(exact))));
            assertThat((double) scalar[i])
                    .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(exact))));
        }
        // the vector lanes do the scalar path's operations: the same bits
        assertThat(vector).containsExactly(scalar);
        // the same row placed elsewhere gives the same bits
        float[] moved = new float[n + 7];
        float[] upMoved = new float[n + 7];
        System.arraycopy(gate, 40, moved, 7, n);
        System.arraycopy(up, 40, upMoved, 7, n);
        VECTOR.swiglu(moved, upMoved, 7, n);
        assertThat(java.util.Arrays.copyOfRange(moved, 7, 7 + n))
                .containsExactly(java.util.Arrays.copyOfRange(vector, 40, 40 + n));
    }

    @Property(tries = 150)
    void fourRowBf16IsBitForBitFourSingleRows(@ForAll @IntRange(min = 0, max = 300) int n, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] packed = Bf16Pack.pack(random(r, 5 * n), 5, n);
        int rowInts = Bf16Pack.rowInts(n);
        float[] x = random(r, n + 1);
        for (Kernels k : new Kernels[] {VECTOR, SCALAR}) {
            float[] out = new float[4];
            k.dotBf16x4(packed, rowInts, rowInts, x, 1, n, out, 0, 1);
            for (int row = 0; row < 4; row++) {
                assertThat(out[row])
                        .as("%s row %d", k.id(), row)
                        .isEqualTo(k.dotBf16(packed, (row + 1) * rowInts, x, 1, n));
            }
        }
    }

    @Property(tries = 100)
    void axpyGivesTheSameBitsHoweverTheRangeIsSplit(
            @ForAll @IntRange(min = 0, max = 100) int n,
            @ForAll @IntRange(min = 0, max = 100) int cut,
            @ForAll long seed) {
        int c = Math.min(cut, n);
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = random(r, n);
        float[] whole = random(r, n);
        float[] split = whole.clone();
        for (Kernels k : new Kernels[] {VECTOR, SCALAR}) {
            float[] a = whole.clone();
            float[] b = split.clone();
            k.axpy(0.375f, x, 0, a, 0, n);
            k.axpy(0.375f, x, 0, b, 0, c);
            k.axpy(0.375f, x, c, b, c, n - c);
            assertThat(b).as(k.id()).containsExactly(a);
        }
    }
}
