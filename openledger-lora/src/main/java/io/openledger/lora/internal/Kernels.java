package io.openledger.lora.internal;

/**
 * Dot-product kernels over the three weight layouts. One implementation uses the Vector API, one is
 * plain scalar Java; {@link KernelSelector} picks one at run time. Implementations are stateless and
 * thread-safe.
 */
public interface Kernels {
    /** Stable name: "vector(N lanes)" or "scalar". */
    String id();

    /** Σ w[wOff+i]·x[xOff+i] for i &lt; n. */
    float dotF32(float[] w, int wOff, float[] x, int xOff, int n);

    /**
     * Σ w_i·x[xOff+i] for i &lt; n, with the bfloat16 weights in the {@link Bf16Pack} layout starting
     * at {@code w[wOff]}.
     */
    float dotBf16(int[] w, int wOff, float[] x, int xOff, int n);

    /**
     * Σ over 32-element blocks of scale[sOff+b]·Σ q[qOff+32b+j]·x[xOff+32b+j]; {@code n} is a
     * multiple of {@link Q8#BLOCK}.
     */
    float dotQ8(byte[] q, int qOff, float[] scales, int sOff, float[] x, int xOff, int n);

    /** y[i] += a·x[i] for i &lt; n. */
    void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n);
}
