package io.openledger.lora.internal;

import io.openledger.lora.LoraAdapter;
import io.openledger.lora.Projection;
import java.util.function.IntUnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The normalisation and matrix steps of a Llama-family forward pass, shared by the single-request
 * engine and the batched serving engine so that both do the same arithmetic in the same order (the
 * serving tests require batched output to equal single-request output bit for bit). Thread-safe.
 */
public final class ForwardOps {
    private final Kernels kernels;
    private final Parallel parallel;
    private final double rmsNormEps;

    /** Steps using {@code kernels} on {@code parallel}, with the model's RMSNorm epsilon. */
    public ForwardOps(Kernels kernels, Parallel parallel, double rmsNormEps) {
        this.kernels = kernels;
        this.parallel = parallel;
        this.rmsNormEps = rmsNormEps;
    }

    /** RMSNorm of {@code t} rows of width {@code h}. */
    public void rmsNorm(float[] x, float[] w, float[] out, int t, int h) {
        // rows are independent: a batch splits them over the threads (the step is otherwise serial)
        parallel.range(t, 8L * h, (from, to) -> {
            for (int i = from; i < to; i++) {
                rmsNormRow(x, w, i * h, out, i * h, h);
            }
        });
    }

    /** RMSNorm of one row: the sum of squares in double, then one float scale. */
    public void rmsNormRow(float[] x, float[] w, int xOff, float[] out, int outOff, int h) {
        double ss = 0;
        for (int j = 0; j < h; j++) {
            float v = x[xOff + j];
            ss += v * v;
        }
        float inv = (float) (1.0 / Math.sqrt(ss / h + rmsNormEps));
        for (int j = 0; j < h; j++) {
            out[outOff + j] = w[j] * (x[xOff + j] * inv);
        }
    }

    /**
     * The batch transposed for the tiled kernel, one buffer per calling thread (grown as needed), so
     * a step's matrix passes allocate nothing.
     */
    private final ThreadLocal<float[]> transposed = ThreadLocal.withInitial(() -> new float[0]);

    // null where no tile would read it: a small batch, kernels without tiles, or a BF16/Q8 matrix
    private float @Nullable [] transposedInput(Matrix w, float[] in, int t) {
        if (t < Kernels.TILE_ITEMS || !kernels.tiles() || !w.tiles()) {
            return null;
        }
        float[] d = Matrix.transpose(in, t, w.cols, transposed.get());
        transposed.set(d);
        return d;
    }

    /** Several of a layer's matrices with the same input, in one parallel pass over their rows. */
    public void matmulFused(Matrix[] layerWeights, float[] in, int t, Projection[] ps, float[]... outs) {
        matmulFused(layerWeights, in, t, ps, outs, 0, 0, (from, to) -> {});
    }

    /**
     * {@link #matmulFused(Matrix[], float[], int, Projection[], float[][])} with other work in the
     * same pass ({@link Parallel#split}): {@code extra} over [0, extraItems), which the workers start
     * on while the calling thread starts on the matrices. For the LoRA matrices of many adapters,
     * which are read from memory once each, this overlaps their reads with the base matrices'
     * arithmetic. {@code extra} must not touch {@code outs}.
     */
    public void matmulFused(
            Matrix[] layerWeights,
            float[] in,
            int t,
            Projection[] ps,
            float[][] outs,
            int extraItems,
            long extraWorkPerItem,
            Parallel.RangeBody extra) {
        Matrix[] ws = new Matrix[ps.length];
        int[] start = new int[ps.length + 1];
        for (int i = 0; i < ps.length; i++) {
            ws[i] = layerWeights[ps[i].ordinal()];
            start[i + 1] = start[i] + ws[i].rows;
        }
        int cols = ws[0].cols;
        float[] inT = transposedInput(ws[0], in, t);
        Parallel.RangeBody rows = (from, to) -> {
            for (int m = 0; m < ws.length; m++) {
                int lo = Math.max(from, start[m]);
                int hi = Math.min(to, start[m + 1]);
                if (lo < hi) {
                    ws[m].rows(kernels, lo - start[m], hi - start[m], in, inT, outs[m], t);
                }
            }
        };
        if (extraItems == 0) {
            parallel.range(start[ps.length], (long) cols * t, ws[0].rowAlignment(t), rows);
        } else {
            parallel.split(
                    start[ps.length],
                    (long) cols * t,
                    ws[0].rowAlignment(t),
                    rows,
                    extraItems,
                    extraWorkPerItem,
                    extra);
        }
    }

    /**
     * out[i, r] = W[r] · in[i] for every row r and batch item i: panel-outer, so each weight panel is
     * read from memory once and reused from cache for the whole batch.
     */
    public void matmul(Matrix w, float[] in, float[] out, int t) {
        float[] inT = transposedInput(w, in, t);
        parallel.range(
                w.rows, (long) w.cols * t, w.rowAlignment(t), (from, to) -> w.rows(kernels, from, to, in, inT, out, t));
    }

    /**
     * The LoRA shrink for the input rows {@code rows}: {@code ax[i·r + j] = s · (A_j · in[rows[i]])}.
     * Each value is one kernel product scaled once (a row dot product in float32, {@link
     * Kernels#loraShrinkBf16} on the {@link LoraPack} panels in bfloat16), whichever rows are listed,
     * so a request gets the same bits alone and in a batch.
     */
    public void loraShrink(LoraAdapter.Delta d, float[] in, int inDim, int[] rows, float[] ax) {
        loraShrink(d, in, inDim, rows, 0, rows.length, ax);
    }

    /** {@link #loraShrink(LoraAdapter.Delta, float[], int, int[], float[])} for rows[from..to) only. */
    public void loraShrink(LoraAdapter.Delta d, float[] in, int inDim, int[] rows, int from, int to, float[] ax) {
        int r = d.rank();
        int a0 = d.aOffset();
        int[] packed = d.packed();
        if (packed != null) {
            if (to - from == 1) { // a decode row: no offset arrays
                kernels.loraShrinkBf16(packed, a0, r, inDim, in, rows[from] * inDim, d.scaling(), ax, from * r);
                return;
            }
            // the rows together, so a vector kernel reads each weight once for several of them
            int n = to - from;
            int[] xOffs = new int[n];
            int[] outOffs = new int[n];
            for (int i = 0; i < n; i++) {
                xOffs[i] = rows[from + i] * inDim;
                outOffs[i] = (from + i) * r;
            }
            kernels.loraShrinkBf16Rows(packed, a0, r, inDim, in, xOffs, d.scaling(), ax, outOffs, n);
            return;
        }
        float[] af = java.util.Objects.requireNonNull(d.store());
        for (int i = from; i < to; i++) {
            int xOff = rows[i] * inDim;
            int j = 0;
            for (; j + 4 <= r; j += 4) {
                kernels.dotF32x4(af, a0 + j * inDim, inDim, in, xOff, inDim, ax, i * r + j, 1);
            }
            for (; j < r; j++) {
                ax[i * r + j] = kernels.dotF32(af, a0 + j * inDim, in, xOff, inDim);
            }
            for (j = 0; j < r; j++) {
                ax[i * r + j] *= d.scaling();
            }
        }
    }

    /**
     * The LoRA expand over output features [from, to): {@code out[rows[i]·outDim + e] += Σ_j ax[i·r +
     * j] · B[e, j]}, one fused multiply-add per term and element in the order of j, so the split into
     * ranges does not change any result. Both engines expand into a zeroed buffer and then add it to
     * the base output, as PEFT adds {@code lora_B(lora_A(x)) · s} to the base
     * layer's result.
     */
    public void loraExpand(LoraAdapter.Delta d, float[] ax, int[] rows, float[] out, int outDim, int from, int to) {
        loraExpand(d, ax, rows, 0, rows.length, out, outDim, from, to);
    }

    /** {@link #loraExpand(LoraAdapter.Delta, float[], int[], float[], int, int, int)} for rows[rowFrom..rowTo) only. */
    public void loraExpand(
            LoraAdapter.Delta d,
            float[] ax,
            int[] rows,
            int rowFrom,
            int rowTo,
            float[] out,
            int outDim,
            int from,
            int to) {
        int r = d.rank();
        int[] packed = d.packed();
        if (packed != null) {
            if (rowTo - rowFrom == 1) {
                kernels.loraExpandBf16(ax, rowFrom * r, r, packed, d.bTOffset(), out, rows[rowFrom] * outDim, from, to);
                return;
            }
            int n = rowTo - rowFrom;
            int[] axOffs = new int[n];
            int[] yOffs = new int[n];
            for (int i = 0; i < n; i++) {
                axOffs[i] = (rowFrom + i) * r;
                yOffs[i] = rows[rowFrom + i] * outDim;
            }
            kernels.loraExpandBf16Rows(ax, axOffs, r, packed, d.bTOffset(), out, yOffs, n, from, to);
            return;
        }
        float[] bT = java.util.Objects.requireNonNull(d.store());
        int b0 = d.bTOffset() + from;
        for (int i = rowFrom; i < rowTo; i++) {
            kernels.axpyRank(ax, i * r, r, bT, b0, outDim, out, rows[i] * outDim + from, to - from);
        }
    }

    /**
     * The {@code heads} query heads that share one key/value head (grouped-query attention),
     * attending over positions [start, pos] of a KV cache: for each head, scaled dot products, a
     * softmax (max-subtracted, {@link Exp} exponentials, the sum in position order), then the
     * weighted sum of value rows. Query head h is {@code q[qOff + h·d ..]} and writes {@code out[oOff
     * + h·d ..]}; {@code rowOffset} maps a position to its key/value row in {@code kc}/{@code vc}
     * (contiguous or paged) and {@code kvOff} selects the head's slice of that row. Each key and value
     * row is located once for the whole group ({@code rows}, at least {@code pos + 1} ints of
     * scratch). {@code scores} must hold {@code heads·(pos + 1)} floats. A head's result depends only
     * on its query and the cache, never on the batch.
     */
    public void attendGroup(
            float[] q,
            int qOff,
            int heads,
            float[] kc,
            float[] vc,
            IntUnaryOperator rowOffset,
            int kvOff,
            int start,
            int pos,
            int d,
            float scale,
            float[] scores,
            int[] rows,
            float[] out,
            int oOff) {
        int n = pos + 1;
        for (int j = start; j <= pos; j++) {
            int row = rowOffset.applyAsInt(j) + kvOff;
            rows[j] = row;
            for (int h = 0; h < heads; h++) {
                scores[h * n + j] = kernels.dotF32(kc, row, q, qOff + h * d, d) * scale;
            }
        }
        for (int h = 0; h < heads; h++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = start; j <= pos; j++) {
                max = Math.max(max, scores[h * n + j]);
            }
            kernels.expShifted(scores, h * n + start, h * n + n, max);
            float sum = 0;
            for (int j = start; j <= pos; j++) {
                sum += scores[h * n + j];
            }
            for (int j = start; j <= pos; j++) {
                scores[h * n + j] /= sum;
            }
            kernels.weightedRows(scores, h * n, vc, rows, start, n, d, out, oOff + h * d);
        }
    }

    /** SwiGLU of row r (width {@code width}) in place in {@code gate}. */
    public void swigluRow(float[] gate, float[] up, int r, int width) {
        kernels.swiglu(gate, up, r * width, width);
    }

    /** SwiGLU in place over {@code t} rows of {@code width}: {@code gate = silu(gate) · up}. */
    public void swiglu(float[] gate, float[] up, int t, int width) {
        // row by row: an element's arithmetic depends on its column only, never on the batch
        parallel.range(t, 16L * width, (from, to) -> {
            for (int i = from; i < to; i++) {
                kernels.swiglu(gate, up, i * width, width);
            }
        });
    }

    /** Row r of a batch of width {@code w}: {@code x[r·w + e] += y[r·w + e]} for e &lt; w. */
    public static void addRow(float[] x, float[] y, int r, int w) {
        int o = r * w;
        for (int e = 0; e < w; e++) {
            x[o + e] += y[o + e];
        }
    }

    /** The residual connection: {@code x[i] += y[i]} for i &lt; n. */
    public static void addInPlace(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            x[i] += y[i];
        }
    }

    /** Adds {@code bias} to row r of {@code y}; nothing if there is no bias. */
    public static void addBiasRow(float[] y, float @Nullable [] bias, int r) {
        if (bias != null) {
            int o = r * bias.length;
            for (int j = 0; j < bias.length; j++) {
                y[o + j] += bias[j];
            }
        }
    }

    /** Adds {@code bias} to each of the {@code t} rows of {@code y}; nothing if there is no bias. */
    public static void addBias(float[] y, float @Nullable [] bias, int t) {
        for (int i = 0; i < t; i++) {
            addBiasRow(y, bias, i);
        }
    }

    /**
     * Rotary position embedding at {@code pos} on a position's queries ({@code qHeads} heads of
     * {@code headDim} at {@code q[qOff..]}) and keys ({@code kHeads} at {@code k[kOff..]}): Hugging
     * Face apply_rotary_pos_emb with rotate_half, pairs (i, i + d/2), one cos/sin per frequency for
     * both. Each element gets the same arithmetic as rotating queries and keys separately.
     */
    public static void rope(
            float[] q, int qOff, int qHeads, float[] k, int kOff, int kHeads, int pos, int headDim, float[] invFreq) {
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            float angle = (float) pos * invFreq[i];
            float cos = (float) Math.cos(angle);
            float sin = (float) Math.sin(angle);
            rotate(q, qOff, qHeads, headDim, i, half, cos, sin);
            rotate(k, kOff, kHeads, headDim, i, half, cos, sin);
        }
    }

    private static void rotate(float[] vec, int off, int nHeads, int headDim, int i, int half, float cos, float sin) {
        for (int hd = 0; hd < nHeads; hd++) {
            int base = off + hd * headDim;
            float a = vec[base + i];
            float b = vec[base + i + half];
            vec[base + i] = a * cos - b * sin;
            vec[base + i + half] = b * cos + a * sin;
        }
    }
}
