package io.openledger.lora.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.lora.SafeTensorsWriter;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The panel layouts against plain row-major arithmetic: every product of every form, for any row
 * range, batch size and kernel implementation, is the fused multiply-add chain over the row in input
 * order, computed here straight from the row-major values.
 */
class MatrixProperties {
    private static final Kernels VECTOR = KernelSelector.loadVector().orElseThrow();
    private static final String[] FORMS = {"F32", "BF16", "Q8"};

    /** The weight the form stores for {@code v} (row-major), as the test computes it independently. */
    private static float[] stored(String form, float[] v, int rows, int cols) {
        float[] s = new float[v.length];
        switch (form) {
            case "F32" -> System.arraycopy(v, 0, s, 0, v.length);
            case "BF16" -> {
                for (int i = 0; i < v.length; i++) {
                    s[i] = Float.intBitsToFloat(SafeTensorsWriter.toBf16(v[i]) << 16);
                }
            }
            default -> {
                // Q8: return q as floats; scales separately through quantizedScales
                byte[] q = new byte[v.length];
                float[] sc = new float[v.length / Q8.BLOCK];
                Q8.quantize(v, 0, v.length, q, 0, sc, 0);
                for (int i = 0; i < v.length; i++) {
                    s[i] = q[i];
                }
            }
        }
        return s;
    }

    private static float expected(String form, float[] stored, float[] scales, int r, int cols, float[] in, int xOff) {
        float acc = 0;
        if (!form.equals("Q8")) {
            for (int c = 0; c < cols; c++) {
                acc = Math.fma(stored[r * cols + c], in[xOff + c], acc);
            }
            return acc;
        }
        for (int b = 0; b < cols / Q8.BLOCK; b++) {
            float blk = 0;
            for (int c = b * Q8.BLOCK; c < (b + 1) * Q8.BLOCK; c++) {
                blk = Math.fma(stored[r * cols + c], in[xOff + c], blk);
            }
            acc = Math.fma(blk, scales[r * (cols / Q8.BLOCK) + b], acc);
        }
        return acc;
    }

    @Property(tries = 300)
    void everyRangeAndBatchGivesTheRowChain(
            @ForAll @IntRange(min = 0, max = 2) int formIndex,
            @ForAll @IntRange(min = 1, max = 90) int rows,
            @ForAll @IntRange(min = 1, max = 3) int blocks,
            @ForAll @IntRange(min = 0, max = 31) int less,
            @ForAll @IntRange(min = 1, max = 19) int t,
            @ForAll @IntRange(min = 0, max = 89) int a,
            @ForAll @IntRange(min = 0, max = 90) int b,
            @ForAll boolean vector,
            @ForAll long seed) {
        String form = FORMS[formIndex];
        int cols = form.equals("Q8") ? blocks * Q8.BLOCK : blocks * Q8.BLOCK - less;
        int from = Math.min(a, rows - 1);
        int to = Math.max(from + 1, Math.min(b, rows));
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = KernelsProperties.random(r, rows * cols);
        float[] in = KernelsProperties.random(r, t * cols);
        float[] st = stored(form, v, rows, cols);
        float[] scales = new float[Math.max(1, rows * cols / Q8.BLOCK)];
        if (form.equals("Q8")) {
            Q8.quantize(v, 0, v.length, new byte[v.length], 0, scales, 0);
        }
        Matrix m = Matrix.of(form, v, rows, cols);
        Kernels k = vector ? VECTOR : ScalarKernels.INSTANCE;
        float[] out = new float[t * rows];
        java.util.Arrays.fill(out, Float.NaN);
        m.rows(k, from, to, in, out, t);
        for (int i = 0; i < t; i++) {
            for (int row = 0; row < rows; row++) {
                float got = out[i * rows + row];
                if (row < from || row >= to) {
                    assertThat(got)
                            .as("row %d outside [%d, %d) untouched", row, from, to)
                            .isNaN();
                } else {
                    assertThat(got)
                            .as("%s %s input %d row %d", form, k.id(), i, row)
                            .isEqualTo(expected(form, st, scales, row, cols, in, i * cols));
                }
            }
        }
        // and the layout gives the stored values back
        float[] back = m.toFloats();
        for (int i = 0; i < v.length; i++) {
            float want = form.equals("Q8") ? st[i] * scales[i / Q8.BLOCK] : st[i];
            assertThat(back[i]).isEqualTo(want);
        }
    }

    @Property(tries = 60)
    void aParallelPassEqualsOnePass(
            @ForAll @IntRange(min = 1, max = 300) int rows,
            @ForAll @IntRange(min = 1, max = 12) int t,
            @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int cols = 96;
        float[] v = KernelsProperties.random(r, rows * cols);
        float[] in = KernelsProperties.random(r, t * cols);
        Matrix m = Matrix.of("F32", v, rows, cols);
        float[] whole = new float[t * rows];
        m.rows(VECTOR, 0, rows, in, whole, t);
        Parallel p = new Parallel(2);
        try {
            float[] split = new float[t * rows];
            new ForwardOps(VECTOR, p, 1e-5).matmul(m, in, split, t);
            assertThat(split).containsExactly(whole);
        } finally {
            p.shutdown();
        }
    }
}
