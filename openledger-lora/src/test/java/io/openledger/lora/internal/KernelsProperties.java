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

    /** {@code n} ints each holding two bfloat16 values in [-1, 1), the panel layouts' pairs. */
    static int[] randomBf16Pairs(SplittableRandom r, int n) {
        int[] w = new int[n];
        for (int i = 0; i < n; i++) {
            float lo = (float) (r.nextDouble() * 2 - 1);
            float hi = (float) (r.nextDouble() * 2 - 1);
            w[i] = SafeTensorsWriter.toBf16(lo) & 0xFFFF | SafeTensorsWriter.toBf16(hi) << 16;
        }
        return w;
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

    /** {@code n} random bfloat16 bit patterns of values in [-1, 1). */
    static short[] randomBits(SplittableRandom r, int n) {
        short[] b = new short[n];
        for (int i = 0; i < n; i++) {
            b[i] = SafeTensorsWriter.toBf16((float) (r.nextDouble() * 2 - 1));
        }
        return b;
    }

    static float widen(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    @Property(tries = 200)
    void loraPackHoldsEveryWeightWhereItsAccessorsLookAndUnpacksToPeftLayouts(
            @ForAll @IntRange(min = 1, max = 40) int rank,
            @ForAll @IntRange(min = 1, max = 70) int in,
            @ForAll @IntRange(min = 1, max = 70) int out,
            @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        short[] a = randomBits(r, rank * in);
        short[] b = randomBits(r, out * rank);
        int[] packed = new int[3 + LoraPack.aInts(rank, in) + LoraPack.bInts(rank, out) + 3];
        java.util.Arrays.fill(packed, 0x7F7F7F7F); // the packers must write every int, padding included
        int bOff = 3 + LoraPack.aInts(rank, in);
        LoraPack.packA(a, 0, rank, in, packed, 3);
        LoraPack.packB(b, 0, rank, out, packed, bOff);
        for (int j = 0; j < rank; j++) {
            for (int k = 0; k < in; k++) {
                assertThat(LoraPack.a(packed, 3, rank, in, j, k)).isEqualTo(widen(a[j * in + k]));
            }
            for (int e = 0; e < out; e++) {
                assertThat(LoraPack.b(packed, bOff, rank, e, j)).isEqualTo(widen(b[e * rank + j]));
            }
        }
        // and unpacking gives back PEFT's layouts bit for bit
        short[] aBack = new short[rank * in];
        short[] bBack = new short[out * rank];
        LoraPack.unpackA(packed, 3, rank, in, aBack);
        LoraPack.unpackB(packed, bOff, rank, out, bBack);
        assertThat(aBack).containsExactly(a);
        assertThat(bBack).containsExactly(b);
        int nonzero = 0;
        for (int i = 3; i < packed.length - 3; i++) {
            nonzero += (packed[i] & 0xFFFF) != 0 ? 1 : 0;
            nonzero += (packed[i] >>> 16) != 0 ? 1 : 0;
        }
        // the padding is zero: only the rank·(in + out) weights (some of which may be zero) are set
        assertThat(nonzero).isLessThanOrEqualTo(rank * (in + out));
        assertThat(packed[2]).isEqualTo(0x7F7F7F7F);
        assertThat(packed[packed.length - 3]).isEqualTo(0x7F7F7F7F);
    }

    @Property(tries = 200)
    void bf16ShrinkIsTheSameBitsInBothKernelsAndCloseToTheExactProduct(
            @ForAll @IntRange(min = 1, max = 40) int rank,
            @ForAll @IntRange(min = 1, max = 300) int in,
            @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        short[] a = randomBits(r, rank * in);
        int[] packed = new int[5 + LoraPack.aInts(rank, in)];
        LoraPack.packA(a, 0, rank, in, packed, 5);
        float[] x = random(r, in + 2);
        float scale = 0.5f + (float) r.nextDouble();
        float[] vector = new float[rank + 1];
        float[] scalar = new float[rank + 1];
        VECTOR.loraShrinkBf16(packed, 5, rank, in, x, 2, scale, vector, 1);
        SCALAR.loraShrinkBf16(packed, 5, rank, in, x, 2, scale, scalar, 1);
        assertThat(vector).containsExactly(scalar);
        for (int j = 0; j < rank; j++) {
            double exact = 0;
            for (int k = 0; k < in; k++) {
                exact += (double) widen(a[j * in + k]) * x[2 + k];
            }
            assertThat((double) vector[1 + j])
                    .as("rank %d", j)
                    .isCloseTo(exact * scale, org.assertj.core.data.Offset.offset(1e-4));
        }
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

    /** A tile call: the tile of {@code k} over inputs {@code first..first+8} of {@code inT} into {@code out}. */
    private interface TileCall {
        void run(Kernels k, float[] inT, int first, int t, float[] out, int itemStride);
    }

    /** The scalar per-input kernel on the input at {@code in[xOff..]}, into {@code out[0..]}. */
    private interface InputCall {
        void run(float[] in, int xOff, float[] out);
    }

    // t random inputs, transposed for the tile (input i's feature k at k·t + i); the tile starts at
    // an item other than 0 when t > 8, and writes with a stride and offset of its own
    private static void assertTileIsThePerInputKernel(
            SplittableRandom r, int n, int cols, int t, TileCall tile, InputCall one) {
        float[] in = random(r, t * cols);
        float[] inT = new float[t * cols];
        for (int i = 0; i < t; i++) {
            for (int c = 0; c < cols; c++) {
                inT[c * t + i] = in[i * cols + c];
            }
        }
        int first = t - Kernels.TILE_ITEMS;
        int itemStride = n * Kernels.PANEL + 3;
        float[] expected = new float[n * Kernels.PANEL];
        for (Kernels k : new Kernels[] {VECTOR, SCALAR}) {
            float[] out = new float[2 + Kernels.TILE_ITEMS * itemStride];
            tile.run(k, inT, first, t, out, itemStride);
            for (int i = 0; i < Kernels.TILE_ITEMS; i++) {
                one.run(in, (first + i) * cols, expected);
                for (int j = 0; j < expected.length; j++) {
                    assertThat(out[2 + i * itemStride + j])
                            .as("%s input %d result %d", k.id(), i, j)
                            .isEqualTo(expected[j]);
                }
            }
        }
    }

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
        assertTileIsThePerInputKernel(
                r,
                n,
                cols,
                t,
                (k, inT, first, tt, out, st) -> k.panelsF32Tile(w, 5, stride, n, cols, inT, first, tt, out, 2, st),
                (in, xOff, out) -> SCALAR.panelsF32(w, 5, stride, n, cols, in, xOff, out, 0));
    }

    @Property(tries = 200)
    void bf16PanelTileIsBitForBitThePerInputKernel(
            @ForAll @IntRange(min = 1, max = 3) int n,
            @ForAll @IntRange(min = 1, max = 200) int cols,
            @ForAll @IntRange(min = 0, max = 20) int pad,
            @ForAll @IntRange(min = 8, max = 13) int t,
            @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int pairs = (cols + 1) / 2;
        int stride = pairs * Kernels.PANEL + pad;
        int[] w = randomBf16Pairs(r, 5 + n * stride);
        if ((cols & 1) != 0) { // the layout's odd last input: a zero high half
            for (int j = 0; j < n; j++) {
                for (int q = 0; q < Kernels.PANEL; q++) {
                    w[5 + j * stride + (pairs - 1) * Kernels.PANEL + q] &= 0xFFFF;
                }
            }
        }
        assertTileIsThePerInputKernel(
                r,
                n,
                cols,
                t,
                (k, inT, first, tt, out, st) -> k.panelsBf16Tile(w, 5, stride, n, cols, inT, first, tt, out, 2, st),
                (in, xOff, out) -> SCALAR.panelsBf16(w, 5, stride, n, cols, in, xOff, out, 0));
    }

    @Property(tries = 200)
    void q8PanelTileIsBitForBitThePerInputKernel(
            @ForAll @IntRange(min = 1, max = 3) int n,
            @ForAll @IntRange(min = 1, max = 6) int blocks,
            @ForAll @IntRange(min = 0, max = 20) int pad,
            @ForAll @IntRange(min = 8, max = 13) int t,
            @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int cols = blocks * Q8.BLOCK;
        int stride = cols * Kernels.PANEL + pad;
        byte[] q = new byte[5 + n * stride];
        for (int i = 0; i < q.length; i++) {
            q[i] = (byte) r.nextInt(-127, 128);
        }
        int sStride = blocks * Kernels.PANEL + pad;
        float[] s = random(r, 3 + n * sStride);
        assertTileIsThePerInputKernel(
                r,
                n,
                cols,
                t,
                (k, inT, first, tt, out, st) ->
                        k.panelsQ8Tile(q, 5, stride, s, 3, sStride, n, cols, inT, first, tt, out, 2, st),
                (in, xOff, out) -> SCALAR.panelsQ8(q, 5, stride, s, 3, sStride, n, cols, in, xOff, out, 0));
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
        int[] packed = randomBf16Pairs(r, n * ((cols + 1) / 2) * Kernels.PANEL);
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
    void weightedValueRowsAreBitForBitTheirAxpys(
            @ForAll @IntRange(min = 0, max = 5) int dIndex,
            @ForAll @IntRange(min = 0, max = 40) int from,
            @ForAll @IntRange(min = 0, max = 40) int count,
            @ForAll long seed) {
        // head widths around the vector kernel's fast path (4 vectors: 64 floats on AVX-512, 32 on AVX2)
        int d = new int[] {64, 32, 16, 48, 128, 7}[dIndex];
        SplittableRandom r = new SplittableRandom(seed);
        int to = from + count;
        float[] w = random(r, to + 3);
        float[] v = random(r, (to + 5) * d + 2);
        int[] rows = new int[to];
        for (int j = 0; j < to; j++) {
            rows[j] = 2 + r.nextInt(to + 5) * d; // paged: value rows in any order, some repeated
        }
        for (Kernels k : new Kernels[] {VECTOR, SCALAR}) {
            float[] expected = new float[d + 5];
            for (int j = from; j < to; j++) {
                k.axpy(w[3 + j], v, rows[j], expected, 5, d);
            }
            float[] out = random(r, d + 5); // overwritten, never added to
            System.arraycopy(expected, 0, out, 0, 5);
            k.weightedRows(w, 3, v, rows, from, to, d, out, 5);
            assertThat(out).as("%s d=%d", k.id(), d).containsExactly(expected);
        }
    }

    @Property(tries = 200)
    void bf16ShrinkOfSeveralRowsIsBitForBitTheirSingleRows(
            @ForAll @IntRange(min = 1, max = 40) int rank,
            @ForAll @IntRange(min = 1, max = 200) int in,
            @ForAll @IntRange(min = 1, max = 11) int n,
            @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        short[] a = randomBits(r, rank * in);
        int[] packed = new int[3 + LoraPack.aInts(rank, in)];
        LoraPack.packA(a, 0, rank, in, packed, 3);
        float[] x = random(r, n * in + 7);
        float scale = 0.5f + (float) r.nextDouble();
        int[] xOffs = new int[n];
        int[] outOffs = new int[n];
        for (int i = 0; i < n; i++) {
            xOffs[i] = r.nextInt(x.length - in + 1); // anywhere, in any order, overlapping
            outOffs[i] = 2 + (n - 1 - i) * rank; // disjoint, in reverse
        }
        for (Kernels k : new Kernels[] {VECTOR, SCALAR}) {
            float[] rows = new float[2 + n * rank];
            k.loraShrinkBf16Rows(packed, 3, rank, in, x, xOffs, scale, rows, outOffs, n);
            float[] single = new float[2 + n * rank];
            for (int i = 0; i < n; i++) {
                k.loraShrinkBf16(packed, 3, rank, in, x, xOffs[i], scale, single, outOffs[i]);
            }
            assertThat(rows).as(k.id()).containsExactly(single);
        }
    }

    @Property(tries = 200)
    void bf16ExpandOfSeveralRowsIsBitForBitTheirSingleRows(
            @ForAll @IntRange(min = 1, max = 200) int out,
            @ForAll @IntRange(min = 1, max = 40) int rank,
            @ForAll @IntRange(min = 1, max = 11) int n,
            @ForAll @IntRange(min = 0, max = 200) int from,
            @ForAll @IntRange(min = 0, max = 200) int to,
            @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        short[] b = randomBits(r, out * rank);
        int[] packed = new int[5 + LoraPack.bInts(rank, out)];
        LoraPack.packB(b, 0, rank, out, packed, 5);
        float[] ax = random(r, n * rank + 1);
        int lo = Math.min(Math.min(from, to), out);
        int hi = Math.min(Math.max(from, to), out);
        int[] axOffs = new int[n];
        int[] yOffs = new int[n];
        for (int i = 0; i < n; i++) {
            axOffs[i] = 1 + r.nextInt(n) * rank; // rows may share a rank vector
            yOffs[i] = 3 + (n - 1 - i) * out; // disjoint rows of y, in reverse
        }
        float[] y0 = random(r, 3 + n * out);
        for (Kernels k : new Kernels[] {VECTOR, SCALAR}) {
            float[] rows = y0.clone();
            k.loraExpandBf16Rows(ax, axOffs, rank, packed, 5, rows, yOffs, n, lo, hi);
            float[] single = y0.clone();
            for (int i = 0; i < n; i++) {
                k.loraExpandBf16(ax, axOffs[i], rank, packed, 5, single, yOffs[i], lo, hi);
            }
            assertThat(rows).as(k.id()).containsExactly(single);
        }
    }

    @Property(tries = 150)
    void bf16ExpandIsTheSameBitsInBothKernelsHoweverTheRangeIsSplit(
            @ForAll @IntRange(min = 1, max = 300) int n,
            @ForAll @IntRange(min = 1, max = 40) int rank,
            @ForAll @IntRange(min = 0, max = 300) int cut,
            @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        short[] b = randomBits(r, n * rank);
        int[] packed = new int[5 + LoraPack.bInts(rank, n)];
        LoraPack.packB(b, 0, rank, n, packed, 5);
        float[] a = random(r, rank + 1);
        float[] y0 = random(r, n + 3);
        int c = Math.min(cut, n);
        float[] scalarWhole = y0.clone();
        SCALAR.loraExpandBf16(a, 1, rank, packed, 5, scalarWhole, 3, 0, n);
        for (Kernels k : new Kernels[] {VECTOR, SCALAR}) {
            float[] whole = y0.clone();
            k.loraExpandBf16(a, 1, rank, packed, 5, whole, 3, 0, n);
            float[] split = y0.clone();
            k.loraExpandBf16(a, 1, rank, packed, 5, split, 3, 0, c);
            k.loraExpandBf16(a, 1, rank, packed, 5, split, 3, c, n);
            assertThat(whole).as(k.id()).containsExactly(scalarWhole);
            assertThat(split).as(k.id()).containsExactly(whole);
        }
        for (int e = 0; e < n; e++) {
            double exact = y0[3 + e];
            for (int j = 0; j < rank; j++) {
                exact += (double) a[1 + j] * widen(b[e * rank + j]);
            }
            assertThat((double) scalarWhole[3 + e])
                    .as("element %d", e)
                    .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Property(tries = 300)
    void expIsWithinTwoUlpOfTheTrueValue(@ForAll @net.jqwik.api.constraints.FloatRange(min = -87f, max = 88f) float x) {
        double exact = Math.exp(x);
        float got = Exp.exp(x);
        assertThat(Math.abs(got - exact)).isLessThanOrEqualTo(2.0 * Math.ulp((float) exact));
    }

    @Property(tries = 300)
    void argmaxIsTheSamplersFirstLargestValueInBothKernels(
            @ForAll @IntRange(min = 1, max = 200) int n,
            @ForAll @IntRange(min = 0, max = 3) int ties,
            @ForAll @IntRange(min = 0, max = 2) int nans,
            @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = random(r, n);
        float top = 2f;
        for (int i = 0; i < ties; i++) {
            v[r.nextInt(n)] = top; // equal maxima: the first one wins
        }
        if (ties > 0 && r.nextBoolean()) {
            v[r.nextInt(n)] = 0f; // zeros of both signs tie with each other
            v[r.nextInt(n)] = -0f;
            for (int i = 0; i < n; i++) {
                v[i] = Math.min(v[i], 0f);
            }
        }
        for (int i = 0; i < nans; i++) {
            v[r.nextInt(n)] = Float.NaN; // never wins; index 0 if v[0] is NaN
        }
        int expected = io.openledger.lora.Sampler.argmax(v);
        assertThat(VECTOR.argmax(v, n)).isEqualTo(expected);
        assertThat(SCALAR.argmax(v, n)).isEqualTo(expected);
    }

    @Property(tries = 100)
    void softmaxExponentialsAreTheSameBitsInBothKernelsAndCloseToExp(
            @ForAll @IntRange(min = 0, max = 70) int n,
            @ForAll @IntRange(min = 0, max = 5) int from,
            @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] s = random(r, from + n + 3);
        for (int i = 0; i < s.length; i++) {
            s[i] *= 30;
        }
        float shift = (float) (r.nextDouble() * 20);
        float[] vector = s.clone();
        float[] scalar = s.clone();
        VECTOR.expShifted(vector, from, from + n, shift);
        SCALAR.expShifted(scalar, from, from + n, shift);
        assertThat(vector).containsExactly(scalar);
        for (int i = 0; i < s.length; i++) {
            if (i < from || i >= from + n) {
                assertThat(vector[i]).isEqualTo(s[i]); // outside the range: untouched
            } else {
                double exact = Math.exp((double) (s[i] - shift));
                assertThat((double) vector[i])
                        .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-6 * exact + 1e-37));
            }
        }
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
