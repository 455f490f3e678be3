package io.openledger.lora.internal;

/** Plain Java kernels: the fallback when {@code jdk.incubator.vector} is absent, and the reference. */
public final class ScalarKernels implements Kernels {
    /** The shared instance. */
    public static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {}

    @Override
    public String id() {
        return "scalar";
    }

    @Override
    public float dotF32(float[] w, int wOff, float[] x, int xOff, int n) {
        // four independent accumulators let the JIT pipeline the multiply-adds
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += w[wOff + i] * x[xOff + i];
            s1 += w[wOff + i + 1] * x[xOff + i + 1];
            s2 += w[wOff + i + 2] * x[xOff + i + 2];
            s3 += w[wOff + i + 3] * x[xOff + i + 3];
        }
        for (; i < n; i++) {
            s0 += w[wOff + i] * x[xOff + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public float dotBf16(int[] w, int wOff, float[] x, int xOff, int n) {
        return Bf16Pack.dotScalar(w, wOff, x, xOff, 0, n);
    }

    @Override
    public float dotQ8(byte[] q, int qOff, float[] scales, int sOff, float[] x, int xOff, int n) {
        float sum = 0;
        for (int b = 0; b < n / Q8.BLOCK; b++) {
            float s = 0;
            int base = b * Q8.BLOCK;
            for (int j = 0; j < Q8.BLOCK; j++) {
                s += q[qOff + base + j] * x[xOff + base + j];
            }
            sum += s * scales[sOff + b];
        }
        return sum;
    }

    @Override
    public void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }
}
