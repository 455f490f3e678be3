package io.openledger.lora.serving.internal;

import io.openledger.lora.LoraAdapter;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.ModelFormatException;
import io.openledger.lora.Projection;
import io.openledger.lora.SafeTensors;
import io.openledger.lora.WeightFormat;
import io.openledger.lora.internal.ForwardOps;
import io.openledger.lora.internal.KernelSelector;
import io.openledger.lora.internal.Matrix;
import io.openledger.lora.internal.ModelLoading;
import io.openledger.lora.internal.ModelLoading.Layer;
import io.openledger.lora.internal.Parallel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The batched CPU engine. Per layer, each base projection runs once over all rows of the batch
 * (weight panels outer, batch rows inner, so each weight byte is read once per pass however many
 * requests share it), and in the same parallel pass each adapter row adds its own LoRA delta,
 * BGMV-style: the shrink {@code s·A x} and the expand {@code B (s·A x)} with that row's adapter, one
 * item per projection and block of up to four of an adapter's rows (SGMV-style for a prompt's rows,
 * which then share each weight's read), into a buffer that is then added to the row's base output. Attention
 * reads each sequence's paged KV cache. Every row's arithmetic is the same, in the same order, as
 * {@code LlamaModel.Session} (the single-request engine), so a request's tokens do not depend on what
 * it is batched with. Not thread-safe: driven by one scheduler thread.
 */
public final class CpuBatchEngine implements BatchEngine {
    private static final Projection[] PROJ = Projection.values();

    private final ModelConfig config;
    private final Parallel parallel;
    private final ForwardOps ops;
    private float[] logitsBuffer = new float[0];
    // the activations of a pass, reused from step to step (grown when a batch needs more): fresh
    // arrays every step were a megabyte or more of new heap per decode step, and first touches of
    // fresh heap pages are slow (without -XX:+AlwaysPreTouch, 12 ms of a 50 ms decode step here)
    private final Scratch scratch = new Scratch();
    private final Matrix embed;
    private final Layer[] layers;
    private final float[] finalNorm;
    private final Matrix lmHead;
    private final WeightFormat weights;
    private final float[] invFreq;
    private final KvPool kv;
    private final int kvDim;

    /**
     * Loads the checkpoint in {@code dir} with its linear weights in {@code requested} (null: as
     * stored, {@link ModelLoading#storedFormat}), with a KV pool of at most {@code kvBytes} bytes in
     * pages of {@code pageTokens} positions, running kernels on {@code threads} threads.
     *
     * @throws ModelFormatException if the checkpoint is invalid
     * @throws IllegalArgumentException if the KV budget holds not even one page
     */
    public CpuBatchEngine(Path dir, @Nullable WeightFormat requested, int threads, long kvBytes, int pageTokens) {
        ModelConfig c = ModelConfig.read(dir);
        this.config = c;
        this.kvDim = c.kvHeads() * c.headDim();
        try (SafeTensors st = SafeTensors.openCheckpoint(dir)) {
            ModelLoading.Weights w = ModelLoading.load(c, st, requested, dir.toString());
            this.weights = w.format();
            this.embed = w.embed();
            this.layers = w.layers();
            this.finalNorm = w.finalNorm();
            this.lmHead = w.lmHead();
        }
        this.invFreq = ModelLoading.inverseFrequencies(c);
        this.kv = KvPool.forBudget(c.layers(), kvDim, pageTokens, kvBytes, true);
        this.parallel = new Parallel(threads);
        this.ops = new ForwardOps(KernelSelector.best(), parallel, c.rmsNormEps());
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public KvPool kv() {
        return kv;
    }

    @Override
    public WeightFormat weights() {
        return weights;
    }

    @Override
    public long decodeBytes() {
        long n = lmHead.bytes();
        for (Layer l : layers) {
            for (Matrix m : l.w()) {
                n += m.bytes();
            }
        }
        return n;
    }

    @Override
    public void close() {
        parallel.shutdown();
    }

    @Override
    public void step(List<Work> batch) {
        int n = batch.size();
        if (n == 0) {
            return;
        }
        // row layout: each chunk's tokens contiguous, in batch order
        int t = BatchEngine.rowsOf(batch, config.vocabSize());
        int[] rowSeq = new int[t];
        int[] rowPos = new int[t];
        int[] chunkStart = new int[n + 1];
        LoraAdapter[] rowAdapter = new LoraAdapter[t];
        for (int c = 0, r = 0; c < n; c++) {
            Work w = batch.get(c);
            kv.ensure(w.seq, w.seq.position + w.tokens.length);
            chunkStart[c] = r;
            for (int i = 0; i < w.tokens.length; i++, r++) {
                rowSeq[r] = c;
                rowPos[r] = w.seq.position + i;
                rowAdapter[r] = w.adapter;
            }
            chunkStart[c + 1] = r + 0;
        }
        AdapterGroups groups = AdapterGroups.of(rowAdapter);
        int h = config.hiddenSize();
        int qDim = config.heads() * config.headDim();
        int inter = config.intermediateSize();
        Scratch sc = scratch.fit(t, h, qDim, kvDim, inter);
        float[] x = sc.x;
        for (int c = 0, r = 0; c < n; c++) {
            for (int tok : batch.get(c).tokens) {
                embed.row(tok, x, r * h);
                r++;
            }
        }
        float[] xn = sc.xn;
        float[] q = sc.q;
        float[] k = sc.k;
        float[] v = sc.v;
        float[] att = sc.att;
        float[] o = sc.o;
        float[] gate = sc.gate;
        float[] up = sc.up;
        float[] down = sc.down;
        // per layer: four passes that each run a base projection with its LoRA deltas, each
        // followed by one pass over the rows that adds the deltas and does the row's work up to the
        // next projection (bias, RoPE and the KV write; the residual and the next norm; SwiGLU)
        int nH = config.heads();
        int kvH = config.kvHeads();
        int hd = config.headDim();
        ops.rmsNorm(x, layers[0].attnNorm(), xn, t, h);
        for (int l = 0; l < layers.length; l++) {
            Layer layer = layers[l];
            Deltas dq = project(groups, l, QKV, layer, xn, t, q, k, v);
            float[] kc = kv.keys[l];
            float[] vc = kv.values[l];
            rows(t, qDim + 2 * kvDim, r -> {
                dq.addTo(0, q, r, qDim);
                dq.addTo(1, k, r, kvDim);
                dq.addTo(2, v, r, kvDim);
                ForwardOps.addBiasRow(q, layer.qBias(), r);
                ForwardOps.addBiasRow(k, layer.kBias(), r);
                ForwardOps.addBiasRow(v, layer.vBias(), r);
                ForwardOps.rope(q, r * qDim, nH, k, r * kvDim, kvH, rowPos[r], hd, invFreq);
                int off = kv.offset(batch.get(rowSeq[r]).seq, rowPos[r]);
                System.arraycopy(k, r * kvDim, kc, off, kvDim);
                System.arraycopy(v, r * kvDim, vc, off, kvDim);
            });
            attention(batch, rowSeq, rowPos, kc, vc, q, att, t);
            Deltas dO = project(groups, l, O, layer, att, t, o);
            rows(t, 2 * h, r -> {
                dO.addTo(0, o, r, h);
                ForwardOps.addRow(x, o, r, h);
                ops.rmsNormRow(x, layer.mlpNorm(), r * h, xn, r * h, h);
            });
            Deltas dGu = project(groups, l, GATE_UP, layer, xn, t, gate, up);
            rows(t, 8 * inter, r -> {
                dGu.addTo(0, gate, r, inter);
                dGu.addTo(1, up, r, inter);
                ops.swigluRow(gate, up, r, inter);
            });
            Deltas dD = project(groups, l, DOWN, layer, gate, t, down);
            float @Nullable [] nextNorm = l + 1 < layers.length ? layers[l + 1].attnNorm() : null;
            rows(t, 2 * h, r -> {
                dD.addTo(0, down, r, h);
                ForwardOps.addRow(x, down, r, h);
                if (nextNorm != null) {
                    ops.rmsNormRow(x, nextNorm, r * h, xn, r * h, h);
                }
            });
        }
        for (Work w : batch) {
            w.seq.position += w.tokens.length;
        }
        // LM head over the last row of every chunk that wants logits, in one pass over the head
        int want = 0;
        for (Work w : batch) {
            if (w.wantLogits) {
                want++;
            }
        }
        if (want == 0) {
            return;
        }
        float[] last = sc.last(want * h);
        for (int c = 0, i = 0; c < n; c++) {
            if (batch.get(c).wantLogits) {
                ops.rmsNormRow(x, finalNorm, (chunkStart[c + 1] - 1) * h, last, i * h, h);
                i++;
            }
        }
        int vocab = config.vocabSize();
        // reused from step to step: a batch's logits (32 × 32,000 floats = 4 MB) would otherwise be a
        // new humongous object every step, each starting a G1 concurrent cycle with a young pause
        if (logitsBuffer.length < want * vocab) {
            logitsBuffer = new float[want * vocab];
        }
        float[] logits = logitsBuffer;
        ops.matmul(lmHead, last, logits, want);
        for (int c = 0, i = 0; c < n; c++) {
            Work w = batch.get(c);
            if (w.wantLogits) {
                System.arraycopy(logits, i * vocab, w.logitsTarget(vocab), 0, vocab);
                i++;
            }
        }
    }

    /**
     * A pass's activations for up to {@code rows} rows, each array sized for that many rows; only
     * the first t rows of a step are used. Every array is fully written before it is read in a pass
     * (embedding rows, kernel outputs), so nothing carries over from the previous step.
     */
    private static final class Scratch {
        int rows;
        float[] x = new float[0];
        float[] xn = x;
        float[] q = x;
        float[] k = x;
        float[] v = x;
        float[] att = x;
        float[] o = x;
        float[] gate = x;
        float[] up = x;
        float[] down = x;
        float[] last = x;

        Scratch fit(int t, int h, int qDim, int kvDim, int inter) {
            if (t > rows) {
                rows = Math.max(t, rows * 2);
                x = new float[rows * h];
                xn = new float[rows * h];
                q = new float[rows * qDim];
                k = new float[rows * kvDim];
                v = new float[rows * kvDim];
                att = new float[rows * qDim];
                o = new float[rows * h];
                gate = new float[rows * inter];
                up = new float[rows * inter];
                down = new float[rows * h];
            }
            return this;
        }

        float[] last(int size) {
            if (last.length < size) {
                last = new float[size];
            }
            return last;
        }
    }

    /** Rows grouped by adapter (SGMV segments); base-only rows belong to no group. */
    private record AdapterGroups(LoraAdapter[] adapters, int[][] rows) {
        static AdapterGroups of(LoraAdapter[] rowAdapter) {
            Map<LoraAdapter, List<Integer>> by = new IdentityHashMap<>();
            List<LoraAdapter> order = new ArrayList<>();
            for (int r = 0; r < rowAdapter.length; r++) {
                LoraAdapter a = rowAdapter[r];
                if (a != null) {
                    by.computeIfAbsent(a, x -> {
                                order.add(x);
                                return new ArrayList<>();
                            })
                            .add(r);
                }
            }
            int[][] rows = new int[order.size()][];
            for (int g = 0; g < rows.length; g++) {
                rows[g] = by.get(order.get(g)).stream()
                        .mapToInt(Integer::intValue)
                        .toArray();
            }
            return new AdapterGroups(order.toArray(new LoraAdapter[0]), rows);
        }
    }

    // rows of one adapter that one LoRA item takes together (the vector kernels' row block)
    private static final int ROW_BLOCK = 4;

    private static final Projection[] QKV = {Projection.Q_PROJ, Projection.K_PROJ, Projection.V_PROJ};
    private static final Projection[] O = {Projection.O_PROJ};
    private static final Projection[] GATE_UP = {Projection.GATE_PROJ, Projection.UP_PROJ};
    private static final Projection[] DOWN = {Projection.DOWN_PROJ};

    // LoRA deltas of one pass, one buffer per projection of a group, reused from step to step
    private float[][] deltas = new float[3][0];

    /**
     * The projections {@code ps}, which share the input {@code in}, for all {@code t} rows: each base
     * matrix once over the whole batch, and each adapter row's unmerged LoRA delta {@code s·B(A x)}
     * with that row's adapter (one item per projection and block of an adapter's rows), in one
     * parallel pass.
     * The workers start on the LoRA items and the calling thread on the base rows ({@link
     * ForwardOps#matmulFused(Matrix[], float[], int, Projection[], float[][], int, long,
     * Parallel.RangeBody)}): with many adapters the LoRA matrices are read straight from memory, and
     * the base matrices' arithmetic overlaps those reads. A delta goes to a buffer of its own and is
     * then added to the row's base output, the order the single-request engine uses.
     */
    private Deltas project(AdapterGroups g, int l, Projection[] ps, Layer layer, float[] in, int t, float[]... outs) {
        int np = ps.length;
        int groups = g.adapters().length;
        int inDim = layer.w()[ps[0].ordinal()].cols;
        LoraAdapter.Delta[][] d = new LoraAdapter.Delta[np][groups];
        float[][][] ax = new float[np][groups][];
        int[] outDim = new int[np];
        long loraWork = 0;
        for (int m = 0; m < np; m++) {
            outDim[m] = layer.w()[ps[m].ordinal()].rows;
            for (int gi = 0; gi < groups; gi++) {
                d[m][gi] = g.adapters()[gi].delta(l, ps[m]);
                if (d[m][gi] != null) {
                    ax[m][gi] = new float[g.rows()[gi].length * d[m][gi].rank()];
                    loraWork += (long) g.rows()[gi].length * d[m][gi].rank() * (inDim + outDim[m]);
                }
            }
        }
        if (loraWork == 0) {
            ops.matmulFused(layer.w(), in, t, ps, outs);
            return Deltas.NONE;
        }
        // items: per projection, each group's rows in blocks of ROW_BLOCK (a decode row alone; a
        // prompt's rows together, so the kernels read the adapter's weights once per block)
        int[] first = new int[groups + 1];
        for (int gi = 0; gi < groups; gi++) {
            first[gi + 1] = first[gi] + (g.rows()[gi].length + ROW_BLOCK - 1) / ROW_BLOCK;
        }
        int perProjection = first[groups];
        int[] groupOf = new int[perProjection];
        for (int gi = 0; gi < groups; gi++) {
            Arrays.fill(groupOf, first[gi], first[gi + 1], gi);
        }
        // a row's delta, or null where the row has no adapter for that projection
        float[] @Nullable [] rowDelta = new float[np * t][];
        float[][] delta = new float[np][];
        for (int m = 0; m < np; m++) {
            if (deltas[m].length < t * outDim[m]) {
                deltas[m] = new float[t * outDim[m]];
            }
            delta[m] = deltas[m];
            for (int gi = 0; gi < groups; gi++) {
                if (d[m][gi] != null) {
                    for (int r : g.rows()[gi]) {
                        rowDelta[m * t + r] = delta[m];
                    }
                }
            }
        }
        int items = np * perProjection;
        ops.matmulFused(layer.w(), in, t, ps, outs, items, Math.max(1, loraWork / items), (from, to) -> {
            for (int item = from; item < to; item++) {
                int m = item / perProjection;
                int gi = groupOf[item % perProjection];
                LoraAdapter.Delta dm = d[m][gi];
                if (dm != null) {
                    int[] rows = g.rows()[gi];
                    int i0 = (item % perProjection - first[gi]) * ROW_BLOCK;
                    int i1 = Math.min(rows.length, i0 + ROW_BLOCK);
                    for (int i = i0; i < i1; i++) {
                        Arrays.fill(delta[m], rows[i] * outDim[m], (rows[i] + 1) * outDim[m], 0f);
                    }
                    ops.loraShrink(dm, in, inDim, rows, i0, i1, ax[m][gi]);
                    ops.loraExpand(dm, ax[m][gi], rows, i0, i1, delta[m], outDim[m], 0, outDim[m]);
                }
            }
        });
        return new Deltas(rowDelta, t);
    }

    /** The LoRA deltas of one {@link #project} call: row r's delta for projection m, or null. */
    private record Deltas(float[] @Nullable [] byRow, int t) {
        static final Deltas NONE = new Deltas(new float[0][], 0);

        // row r's delta for projection m added to its base output (width w): the step the
        // single-request engine takes right after the projection
        void addTo(int m, float[] out, int r, int w) {
            if (byRow.length > 0) {
                float[] d = byRow[m * t + r];
                if (d != null) {
                    ForwardOps.addRow(out, d, r, w);
                }
            }
        }
    }

    /** {@code body} for each row in [0, t), the rows split over the threads. */
    private void rows(int t, long workPerRow, java.util.function.IntConsumer body) {
        parallel.range(t, workPerRow, (from, to) -> {
            for (int r = from; r < to; r++) {
                body.accept(r);
            }
        });
    }

    private void attention(
            List<Work> batch, int[] rowSeq, int[] rowPos, float[] kc, float[] vc, float[] q, float[] out, int t) {
        int nH = config.heads();
        int d = config.headDim();
        int group = nH / config.kvHeads();
        int qDim = nH * d;
        float scale = (float) (1.0 / Math.sqrt(d));
        int window = config.slidingWindow();
        int maxPos = 0;
        for (int r = 0; r < t; r++) {
            maxPos = Math.max(maxPos, rowPos[r]);
        }
        int ctx = maxPos + 1;
        int kvHeads = config.kvHeads();
        parallel.range(t * kvHeads, (long) ctx * d * 2 * group, (from, to) -> {
            float[] scores = new float[group * ctx];
            int[] rows = new int[ctx];
            for (int job = from; job < to; job++) {
                int i = job / kvHeads;
                int kvHead = job % kvHeads;
                int pos = rowPos[i];
                Sequence s = batch.get(rowSeq[i]).seq;
                int start = window > 0 ? Math.max(0, pos - window + 1) : 0;
                int qOff = i * qDim + kvHead * group * d;
                ops.attendGroup(
                        q,
                        qOff,
                        group,
                        kc,
                        vc,
                        j -> kv.offset(s, j),
                        kvHead * d,
                        start,
                        pos,
                        d,
                        scale,
                        scores,
                        rows,
                        out,
                        qOff);
            }
        });
    }
}
