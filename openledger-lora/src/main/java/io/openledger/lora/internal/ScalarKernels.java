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
    public void panelsF32(
            float[] w, int wOff, int panelStride, int n, int cols, float[] x, int xOff, float[] out, int outOff) {
        for (int j = 0; j < n; j++) {
            for (int r = 0; r < PANEL; r++) {
                int o = wOff + j * panelStride + r;
                float acc = 0;
                for (int k = 0; k < cols; k++) {
                    acc = Math.fma(w[o + k * PANEL], x[xOff + k], acc);
                }
                out[outOff + j * PANEL + r] = acc;
            }
        }
    }

    @Override
    public void panelsBf16(
            int[] w, int wOff, int panelStride, int n, int cols, float[] x, int xOff, float[] out, int outOff) {
        for (int j = 0; j < n; j++) {
            for (int r = 0; r < PANEL; r++) {
                int o = wOff + j * panelStride + r;
                float acc = 0;
                for (int k = 0; k < cols; k++) {
                    int word = w[o + (k >> 1) * PANEL];
                    float v = Float.intBitsToFloat((k & 1) == 0 ? word << 16 : word & 0xFFFF0000);
                    acc = Math.fma(v, x[xOff + k], acc);
                }
                out[outOff + j * PANEL + r] = acc;
            }
        }
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
        for (int j = 0; j < n; j++) {
            for (int r = 0; r < PANEL; r++) {
                int qo = qOff + j * qPanelStride + r;
                int so = sOff + j * sPanelStride + r;
                float acc = 0;
                for (int b = 0; b < cols / Q8.BLOCK; b++) {
                    float blk = 0;
                    for (int k = b * Q8.BLOCK; k < (b + 1) * Q8.BLOCK; k++) {
                        blk = Math.fma(q[qo + k * PANEL], x[xOff + k], blk);
                    }
                    acc = Math.fma(blk, scales[so + b * PANEL], acc);
                }
                out[outOff + j * PANEL + r] = acc;
            }
        }
    }

    @Override
    public void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }
}
