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

    /**
     * Four rows at once: {@code out[outOff + k·outStride] = dotF32(w, wOff + k·wStride, x, xOff, n)}
     * for k &lt; 4, bit for bit (a vector implementation shares the loads of {@code x} between the
     * rows but keeps each row's order of operations, so results never depend on the grouping).
     */
    default void dotF32x4(
            float[] w, int wOff, int wStride, float[] x, int xOff, int n, float[] out, int outOff, int outStride) {
        for (int k = 0; k < 4; k++) {
            out[outOff + k * outStride] = dotF32(w, wOff + k * wStride, x, xOff, n);
        }
    }

    /**
     * A tile of four rows by four inputs: {@code out[outOff + r·outRowStride + i·outItemStride] =
     * dotF32(w, wOff + r·wStride, x, xOff + i·xStride, n)} for r, i &lt; 4, bit for bit. The batched
     * serving step spends most of its time here: a vector implementation loads each weight vector once
     * for four inputs and each input vector once for four rows, so it does twice the arithmetic per
     * load of {@link #dotF32x4} called per input. {@code scratch} holds at least {@link
     * #tileScratchFloats()} floats the call may overwrite (one per calling thread).
     */
    default void dotF32Tile4x4(
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
        tileBySingleCalls(4, w, wOff, wStride, x, xOff, xStride, n, out, outOff, outRowStride, outItemStride);
    }

    /**
     * {@link #dotF32Tile4x4} for six rows by four inputs: 24 results from 10 vector loads per step
     * instead of 16 from 8, about 15% faster where the arithmetic, not memory, is the limit.
     */
    default void dotF32Tile6x4(
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
        tileBySingleCalls(6, w, wOff, wStride, x, xOff, xStride, n, out, outOff, outRowStride, outItemStride);
    }

    /** A tile of {@code rows} × 4 as one {@link #dotF32} per result: the reference the tiles equal. */
    private void tileBySingleCalls(
            int rows,
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
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < 4; i++) {
                out[outOff + r * outRowStride + i * outItemStride] =
                        dotF32(w, wOff + r * wStride, x, xOff + i * xStride, n);
            }
        }
    }

    /** Floats of scratch space {@link #dotF32Tile4x4} and {@link #dotF32Tile6x4} need. */
    default int tileScratchFloats() {
        return 0;
    }

    /** Four rows of {@link #dotBf16} at once, bit for bit as {@link #dotF32x4} describes. */
    default void dotBf16x4(
            int[] w, int wOff, int wStride, float[] x, int xOff, int n, float[] out, int outOff, int outStride) {
        for (int k = 0; k < 4; k++) {
            out[outOff + k * outStride] = dotBf16(w, wOff + k * wStride, x, xOff, n);
        }
    }

    /**
     * Four rows of {@link #dotQ8} at once (row k at {@code qOff + k·qStride} with scales at {@code sOff +
     * k·sStride}), bit for bit as {@link #dotF32x4} describes.
     */
    default void dotQ8x4(
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
        for (int k = 0; k < 4; k++) {
            out[outOff + k * outStride] = dotQ8(q, qOff + k * qStride, scales, sOff + k * sStride, x, xOff, n);
        }
    }

    /**
     * One bfloat16 row against four inputs: {@code out[outOff + k·outStride] = dotBf16(w, wOff, x, xOff
     * + k·xStride, n)} for k &lt; 4, bit for bit (a vector implementation widens each weight once for
     * all four inputs).
     */
    default void dotBf16Items4(
            int[] w, int wOff, float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride) {
        for (int k = 0; k < 4; k++) {
            out[outOff + k * outStride] = dotBf16(w, wOff, x, xOff + k * xStride, n);
        }
    }

    /** One 8-bit row against four inputs, bit for bit as {@link #dotBf16Items4} describes. */
    default void dotQ8Items4(
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
        for (int k = 0; k < 4; k++) {
            out[outOff + k * outStride] = dotQ8(q, qOff, scales, sOff, x, xOff + k * xStride, n);
        }
    }

    /**
     * y[i] += a·x[i] for i &lt; n. Each element's result depends only on its own inputs, never on
     * {@code n} or its position (the vector implementation fuses every multiply-add).
     */
    void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * The LoRA expand of one row: {@code y[yOff+i] += Σ_j a[aOff+j]·bT[bOff + j·bStride + i]} for i
     * &lt; n, bit for bit {@code r} calls of {@link #axpy} in order of j (a vector implementation keeps
     * a block of y in a register across the r terms instead of loading and storing it r times).
     */
    default void axpyRank(float[] a, int aOff, int r, float[] bT, int bOff, int bStride, float[] y, int yOff, int n) {
        for (int j = 0; j < r; j++) {
            axpy(a[aOff + j], bT, bOff + j * bStride, y, yOff, n);
        }
    }

    /**
     * The LoRA expand of one row over output features [from, to) with Bᵀ in bfloat16: {@code
     * y[yOff+e] += Σ_j a[aOff+j]·Bᵀ[j][e]}, row j of Bᵀ packed ({@link Bf16Pack}) from {@code bOff +
     * j·bStride}. Each element is one fused multiply-add per term in order of j, so the result does not
     * depend on how [from, to) is split.
     */
    default void axpyRankBf16(
            float[] a, int aOff, int r, int[] bT, int bOff, int bStride, float[] y, int yOff, int from, int to) {
        for (int e = from; e < to; e++) {
            int word = bOff + (e / Bf16Pack.BLOCK) * (Bf16Pack.BLOCK / 2) + e % (Bf16Pack.BLOCK / 2);
            boolean high = e % Bf16Pack.BLOCK >= Bf16Pack.BLOCK / 2;
            float acc = y[yOff + e];
            for (int j = 0; j < r; j++) {
                int w = bT[word + j * bStride];
                acc = Math.fma(a[aOff + j], Float.intBitsToFloat(high ? w & 0xFFFF0000 : w << 16), acc);
            }
            y[yOff + e] = acc;
        }
    }

    /**
     * SwiGLU of one row in place: {@code gate[off+i] = silu(gate[off+i])·up[off+i]} for i &lt; n, with
     * silu(g) = g / (1 + e^-g) and e^x from {@link Exp}, whose bits do not depend on the JIT. An element's result depends only on its inputs and its index i, so a
     * caller that passes whole rows gets the same bits for a row alone and in a batch.
     */
    default void swiglu(float[] gate, float[] up, int off, int n) {
        for (int i = off; i < off + n; i++) {
            float g = gate[i];
            gate[i] = g / (1f + Exp.exp(-g)) * up[i];
        }
    }
}
