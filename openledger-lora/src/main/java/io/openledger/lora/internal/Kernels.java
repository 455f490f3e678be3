package io.openledger.lora.internal;

/**
 * The engine's kernels: matrix products over base weights in the panel layouts of {@link Matrix}
 * (float32, bfloat16, 8-bit), the LoRA shrink and expand (row dot products and axpys for float32
 * adapters, the {@link LoraPack} layouts for bfloat16 ones), and SwiGLU. One implementation uses the Vector API, one is plain scalar Java; {@link KernelSelector}
 * picks one at run time. Implementations are stateless and thread-safe.
 */
public interface Kernels {
    /** Stable name: "vector(N lanes)" or "scalar". */
    String id();

    /**
     * Rows per panel of the weight-matrix layout the {@code panels…} kernels read. A panel holds
     * {@value} consecutive output rows interleaved along the input: the weights of input feature k
     * for the panel's rows are {@value} consecutive values, so one vector load fetches one column of
     * the panel and a matrix-vector product is a chain of multiply-adds with the input broadcast (no
     * horizontal sums), reading each panel as one sequential stream.
     */
    int PANEL = 16;

    /** Panels in one {@link #panelsF32Tile} call. */
    int TILE_PANELS = 3;

    /** Inputs in one {@link #panelsF32Tile} call. */
    int TILE_ITEMS = 8;

    /**
     * The canonical order of every panel kernel, and so of every base-weight product: output row r
     * is {@code acc = fma(W[r][k], x[k], acc)} for k = 0, 1, …, cols − 1 from {@code acc = 0}, one
     * rounding per step. Each result depends only on its row and its input, never on which kernel,
     * tile or thread computed it, so a request gets the same bits alone and in any batch, and the
     * vector and scalar implementations agree bit for bit.
     *
     * <p>This one: {@code n} (1 to 4) float32 panels, panel j at {@code w[wOff + j·panelStride]}
     * with the weight of row {@code r} and input k at {@code k·PANEL + r}, against one input {@code
     * x[xOff..xOff+cols)}; writes {@code n·PANEL} results to {@code out[outOff..]}.
     */
    void panelsF32(float[] w, int wOff, int panelStride, int n, int cols, float[] x, int xOff, float[] out, int outOff);

    /**
     * {@link #panelsF32} for bfloat16 panels, two inputs per int: the int at {@code kk·PANEL + r}
     * holds the weights of inputs 2kk (low half) and 2kk + 1 (high half); an odd last input has a
     * zero high half. Same order: inputs ascending, one fused multiply-add each.
     */
    void panelsBf16(int[] w, int wOff, int panelStride, int n, int cols, float[] x, int xOff, float[] out, int outOff);

    /**
     * {@link #panelsF32} for 8-bit panels in blocks of {@link Q8#BLOCK} inputs: the byte of row r
     * and input k at {@code qOff + j·qPanelStride + k·PANEL + r}, the scale of row r and block b at
     * {@code sOff + j·sPanelStride + b·PANEL + r}. Per row: each block's {@code blk = fma(q, x, blk)}
     * over its inputs from zero, then {@code acc = fma(blk, scale, acc)}; {@code cols} is a multiple
     * of {@link Q8#BLOCK}.
     */
    void panelsQ8(
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
            int outOff);

    /**
     * Whether {@link #panelsF32Tile}, {@link #panelsBf16Tile} and {@link #panelsQ8Tile} are faster
     * here than the panel kernels called per input.
     */
    default boolean tiles() {
        return false;
    }

    /**
     * The batched kernel: {@code n} (1 to {@link #TILE_PANELS}) float32 panels by {@link #TILE_ITEMS}
     * inputs, bit for bit {@link #panelsF32} per input. The inputs come transposed: input i's feature
     * k at {@code xT[k·xTStride + xTOff + i]}. Writes input i's {@code n·PANEL} results to {@code
     * out[outOff + i·outItemStride..]}. A vector implementation keeps all 24 accumulators of three
     * panels in registers, loading each weight vector once for eight inputs.
     */
    default void panelsF32Tile(
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
        perInput(
                n,
                cols,
                xT,
                xTOff,
                xTStride,
                out,
                outOff,
                outItemStride,
                (x, r) -> panelsF32(w, wOff, panelStride, n, cols, x, 0, r, 0));
    }

    /**
     * {@link #panelsF32Tile} for bfloat16 panels ({@link #panelsBf16}'s layout, two inputs per int):
     * bit for bit {@link #panelsBf16} per input. A vector implementation widens each weight pair once
     * for eight inputs.
     */
    default void panelsBf16Tile(
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
        perInput(
                n,
                cols,
                xT,
                xTOff,
                xTStride,
                out,
                outOff,
                outItemStride,
                (x, r) -> panelsBf16(w, wOff, panelStride, n, cols, x, 0, r, 0));
    }

    /**
     * {@link #panelsF32Tile} for 8-bit panels ({@link #panelsQ8}'s layout and order): bit for bit
     * {@link #panelsQ8} per input. A vector implementation widens each weight vector once for eight
     * inputs.
     */
    default void panelsQ8Tile(
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
        perInput(
                n,
                cols,
                xT,
                xTOff,
                xTStride,
                out,
                outOff,
                outItemStride,
                (x, r) -> panelsQ8(q, qOff, qPanelStride, scales, sOff, sPanelStride, n, cols, x, 0, r, 0));
    }

    /** One input's panels: {@code r} gets the {@code n·PANEL} results for input {@code x}. */
    @FunctionalInterface
    interface PanelsOfOne {
        void apply(float[] x, float[] r);
    }

    // the scalar tiles: each of the TILE_ITEMS inputs gathered from the transposed batch (feature k
    // at xT[k·xTStride + xTOff + i]) and run through its per-input kernel, so they are that kernel
    private static void perInput(
            int n,
            int cols,
            float[] xT,
            int xTOff,
            int xTStride,
            float[] out,
            int outOff,
            int outItemStride,
            PanelsOfOne panels) {
        float[] x = new float[cols];
        float[] r = new float[n * PANEL];
        for (int i = 0; i < TILE_ITEMS; i++) {
            for (int k = 0; k < cols; k++) {
                x[k] = xT[k * xTStride + xTOff + i];
            }
            panels.apply(x, r);
            System.arraycopy(r, 0, out, outOff + i * outItemStride, r.length);
        }
    }

    /** Σ w[wOff+i]·x[xOff+i] for i &lt; n (the LoRA shrink's row products; base weights use panels). */
    float dotF32(float[] w, int wOff, float[] x, int xOff, int n);

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
     * y[i] += a·x[i] for i &lt; n. Each element's result depends only on its own inputs, never on
     * {@code n} or its position (the vector implementation fuses every multiply-add).
     */
    void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * Attention's weighted sum of value rows: {@code out[oOff+e] = Σ_j w[wOff+j]·v[rows[j]+e]} for e
     * &lt; d over j in [from, to) ascending, bit for bit a zeroed {@code out} and one {@link #axpy}
     * per j (a vector implementation keeps {@code out} in registers across the terms instead of
     * loading and storing it once per value row).
     */
    default void weightedRows(
            float[] w, int wOff, float[] v, int[] rows, int from, int to, int d, float[] out, int oOff) {
        java.util.Arrays.fill(out, oOff, oOff + d, 0f);
        for (int j = from; j < to; j++) {
            axpy(w[wOff + j], v, rows[j], out, oOff, d);
        }
    }

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
     * The LoRA shrink of one input against A in the {@link LoraPack} panels at {@code a[aOff..]}:
     * {@code out[outOff + j] = scale · (A_j · x[xOff..xOff+in))} for every rank j. The order, which
     * every implementation keeps: with P = ⌈in/2⌉ input pairs and q = ⌊P/4⌋, rank j has four chains
     * c0..c3 over the pairs [0, q), [q, 2q), [2q, 3q) and [3q, P), each {@code c = fma(A[j][2kk],
     * x[2kk], c)} then {@code c = fma(A[j][2kk+1], x[2kk+1], c)} (the second only if 2kk + 1 &lt; in)
     * for kk ascending from zero; the result is {@code ((c0 + c1) + (c2 + c3)) · scale}. Four chains
     * over four quarters of the panel let a vector implementation read it as four streams.
     */
    default void loraShrinkBf16(
            int[] a, int aOff, int rank, int in, float[] x, int xOff, float scale, float[] out, int outOff) {
        int stride = LoraPack.rowInts(in);
        for (int p0 = 0; p0 < rank; p0 += LoraPack.PANEL) {
            int w = Math.min(LoraPack.PANEL, rank - p0);
            for (int j = 0; j < w; j++) {
                out[outOff + p0 + j] = LoraPack.shrinkLane(a, aOff + p0 * stride + j, w, in, x, xOff, scale);
            }
        }
    }

    /**
     * The LoRA expand of one row over output features [from, to) against B in the {@link LoraPack}
     * blocks at {@code b[bOff..]}: {@code y[yOff+e] += Σ_j ax[axOff+j]·B[e][j]}, each element one fused
     * multiply-add per rank in order of j ({@code acc = fma(B[e][j], ax[j], acc)} from {@code acc =
     * y[e]}), so the result does not depend on how [from, to) is split.
     */
    default void loraExpandBf16(
            float[] ax, int axOff, int rank, int[] b, int bOff, float[] y, int yOff, int from, int to) {
        int half = LoraPack.BLOCK / 2;
        for (int e = from; e < to; e++) {
            int word = bOff + (e / LoraPack.BLOCK) * half * rank + e % half;
            boolean high = e % LoraPack.BLOCK >= half;
            float acc = y[yOff + e];
            for (int j = 0; j < rank; j++) {
                acc = Math.fma(LoraPack.half(b[word + j * half], high), ax[axOff + j], acc);
            }
            y[yOff + e] = acc;
        }
    }

    /**
     * {@link #loraShrinkBf16} for {@code n} inputs against one A: input i at {@code x[xOffs[i]..]}
     * into {@code out[outOffs[i]..]}, each with exactly the bits of its own single call. An
     * implementation may share each weight's loads and conversion among the inputs (SGMV's point:
     * an adapter's rows in a prompt read its matrices once).
     */
    default void loraShrinkBf16Rows(
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
        for (int i = 0; i < n; i++) {
            loraShrinkBf16(a, aOff, rank, in, x, xOffs[i], scale, out, outOffs[i]);
        }
    }

    /**
     * {@link #loraExpandBf16} for {@code n} rows against one B over features [from, to): row i's
     * rank vector at {@code ax[axOffs[i]..]} into {@code y[yOffs[i]..]}, each with exactly the bits
     * of its own single call (the same fused multiply-adds per element, in the order of j).
     */
    default void loraExpandBf16Rows(
            float[] ax, int[] axOffs, int rank, int[] b, int bOff, float[] y, int[] yOffs, int n, int from, int to) {
        for (int i = 0; i < n; i++) {
            loraExpandBf16(ax, axOffs[i], rank, b, bOff, y, yOffs[i], from, to);
        }
    }

    /**
     * The index of the largest of {@code v[0..n)} (n &gt; 0): the first of equal maxima (numerically
     * equal: 0.0 and -0.0 tie), and a NaN never wins, so index 0 if {@code v[0]} is NaN. The
     * semantics of {@code Sampler.argmax}, which greedy decoding uses on every row of every step.
     */
    default int argmax(float[] v, int n) {
        int best = 0;
        float max = v[0];
        for (int i = 1; i < n; i++) {
            if (v[i] > max) {
                max = v[i];
                best = i;
            }
        }
        return best;
    }

    /**
     * {@code s[i] = Exp.exp(s[i] - shift)} for i in [from, to) (a softmax's exponentials). Each
     * element's result depends only on its own value and {@code shift}.
     */
    default void expShifted(float[] s, int from, int to, float shift) {
        for (int i = from; i < to; i++) {
            s[i] = Exp.exp(s[i] - shift);
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
