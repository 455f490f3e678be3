package io.openledger.lora.serving.internal;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import io.openledger.lora.LoraAdapter;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.ModelFormatException;
import io.openledger.lora.Projection;
import io.openledger.lora.SafeTensors;
import io.openledger.lora.SafeTensorsWriter;
import io.openledger.lora.WeightFormat;
import io.openledger.lora.internal.LoraPack;
import io.openledger.lora.internal.Matrix;
import io.openledger.lora.internal.ModelLoading;
import io.openledger.lora.internal.ModelLoading.Layer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.JCudaDriver;
import org.jspecify.annotations.Nullable;

/**
 * The batched engine on an NVIDIA GPU through JCuda's driver API, with the kernels of {@code
 * src/main/cuda/kernels.cu} (loaded as PTX, so a driver is all it needs). The same pass as {@link
 * CpuBatchEngine}: per layer each base projection runs once over all rows of the batch, and each row
 * adds its own adapter's low-rank delta in the same kernel (BGMV: the shrink {@code s·A x} for every
 * row first, then the projection, whose epilogue adds {@code B (s·A x)} per row). Base weights, the
 * paged KV cache (the same page layout, its pages handed out by {@link KvPool}'s accounting) and the
 * adapters of recent batches live in device memory; the adapters in an LRU of device copies under a
 * byte budget, keyed by the adapter object and dropped when the host cache lets it go.
 *
 * <p>Every kernel computes a row's values with the same threads in the same order whatever else is
 * in the batch, so a request's tokens do not depend on what it is batched with. The arithmetic is
 * float32 like the CPU engine's, but summed in a different order and with the GPU's exponentials,
 * so logits agree with the CPU engine's to rounding, not bit for bit.
 *
 * <p>A pass is some 200 kernels. A batch shape (rows, rows wanting logits, widest rank) seen twice is
 * captured as a CUDA graph and replayed from then on, one launch a pass (decode steps repeat their
 * shape); the step's inputs travel in one upload of integers and the logits come back through
 * page-locked memory.
 *
 * <p>Linear weights are held as bfloat16 when loaded so, else as float32 (a {@code Q8} checkpoint is
 * dequantized to float32 on the device). Not thread-safe: driven by one scheduler thread, which it
 * makes its CUDA context current on.
 */
public final class CudaBatchEngine implements BatchEngine {
    private static final Projection[] PROJ = Projection.values();
    private static final int DESC_BYTES = 32; // struct LoraDesc in kernels.cu
    private static final int THREADS = 256;
    private static final int MM_WARPS = 8;
    private static final int MM_INPUTS = 32;
    private static final int MAX_HEAD_DIM = 256;
    private static final int MAX_GRAPHS = 256;

    private final ModelConfig config;
    private final WeightFormat weights;
    private final KvPool kv;
    private final int kvDim;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUmodule module = new CUmodule();
    private final CUfunction embedRows;
    private final CUfunction residualNorm;
    private final CUfunction gatherNorm;
    private final CUfunction loraShrink;
    private final CUfunction matmulF32;
    private final CUfunction matmulBf16;
    private final CUfunction qkvFinish;
    private final CUfunction attention;
    private final CUfunction swiglu;
    private final CUfunction addressOf;
    private final List<Buf> owned = new ArrayList<>();
    private final Buf embed;
    private final DevLayer[] layers;
    private final Buf finalNorm;
    private final Linear lmHead;
    private final Buf invFreq;
    private final Buf[] keys;
    private final Buf[] values;
    private final DeviceAdapters adapters;
    private final long decodeBytes;
    private final Scratch scratch = new Scratch();
    // every launch goes to this stream (it synchronizes with the legacy default stream, on which the
    // copies run), so that a pass can be captured as a graph
    private final CUstream stream = new CUstream();
    private final Map<Long, CUgraphExec> graphs = new HashMap<>();
    private final Map<Long, Integer> seen = new HashMap<>();
    private final boolean graphsEnabled;
    private long graphLaunches;
    // page-locked host memory the logits are copied into
    private final Pointer pinned = new Pointer();
    private long pinnedBytes;
    private java.nio.FloatBuffer pinnedView = java.nio.FloatBuffer.allocate(0);
    private boolean closed;

    /** A device allocation and its address (for kernel arguments and the adapters' descriptors). */
    private record Buf(CUdeviceptr ptr, long addr, long bytes) {}

    /** A linear layer's weights on the device, {@code [rows, cols]} in bfloat16 or float32. */
    private record Linear(Buf buf, int rows, int cols, boolean bf16) {}

    /** A layer's weights on the device: the seven projections (bf16 or f32), biases and norms. */
    private record DevLayer(
            Linear[] w,
            @Nullable Buf qBias,
            @Nullable Buf kBias,
            @Nullable Buf vBias,
            Buf attnNorm,
            Buf mlpNorm) {}

    /**
     * Loads the checkpoint in {@code dir} onto CUDA device {@code ordinal}, its linear weights in
     * {@code requested} (null: as stored), with a KV pool of at most {@code kvBytes} bytes of device
     * memory in pages of {@code pageTokens} positions, and at most {@code adapterBytes} bytes of
     * device memory for adapters.
     *
     * @throws ModelFormatException if the checkpoint is invalid
     * @throws IllegalArgumentException if the KV budget holds not even one page, or the model's head
     *     dimension exceeds the kernels' 256
     * @throws IllegalStateException if CUDA is unavailable ({@link CudaSupport#unavailableReason})
     */
    public CudaBatchEngine(
            Path dir, @Nullable WeightFormat requested, int ordinal, long kvBytes, int pageTokens, long adapterBytes) {
        this(
                dir,
                requested,
                ordinal,
                kvBytes,
                pageTokens,
                adapterBytes,
                !Boolean.getBoolean("openledger.cuda.noGraphs"));
    }

    /**
     * As the public constructor; {@code graphs} false launches every kernel of every pass from Java
     * instead of replaying repeated shapes as CUDA graphs (the default; {@code
     * -Dopenledger.cuda.noGraphs=true} turns it off).
     */
    CudaBatchEngine(
            Path dir,
            @Nullable WeightFormat requested,
            int ordinal,
            long kvBytes,
            int pageTokens,
            long adapterBytes,
            boolean graphs) {
        CudaSupport.unavailableReason().ifPresent(r -> {
            throw new IllegalStateException("the CUDA backend is unavailable: " + r);
        });
        ModelConfig c = ModelConfig.read(dir);
        if (c.headDim() > MAX_HEAD_DIM || c.headDim() % 2 != 0) {
            throw new IllegalArgumentException(
                    "the CUDA kernels take even head dimensions up to " + MAX_HEAD_DIM + ", got " + c.headDim());
        }
        this.config = c;
        this.kvDim = c.kvHeads() * c.headDim();
        this.kv = KvPool.forBudget(c.layers(), kvDim, pageTokens, kvBytes, false);
        JCudaDriver.setExceptionsEnabled(true);
        cuInit(0);
        cuDeviceGet(device, ordinal);
        int[] major = new int[1];
        cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        if (major[0] < 8) {
            throw new IllegalStateException("the CUDA kernels need compute capability 8.0 or newer, device " + ordinal
                    + " has " + major[0] + ".x");
        }
        cuDevicePrimaryCtxRetain(context, device);
        cuCtxSetCurrent(context);
        this.graphsEnabled = graphs;
        try {
            cuStreamCreate(stream, 0);
            cuModuleLoadData(module, ptx());
            embedRows = function("embed_rows");
            residualNorm = function("residual_norm");
            gatherNorm = function("gather_norm");
            loraShrink = function("lora_shrink");
            matmulF32 = function("matmul_f32");
            matmulBf16 = function("matmul_bf16");
            qkvFinish = function("qkv_finish");
            attention = function("attention");
            swiglu = function("swiglu");
            addressOf = function("address_of");
            ModelLoading.Weights w;
            try (SafeTensors st = SafeTensors.openCheckpoint(dir)) {
                w = ModelLoading.load(c, st, requested, dir.toString());
            }
            this.weights = w.format();
            this.embed = upload(w.embed().toFloats());
            this.layers = new DevLayer[w.layers().length];
            long bytes = 0;
            for (int l = 0; l < layers.length; l++) {
                Layer hl = w.layers()[l];
                Linear[] m = new Linear[PROJ.length];
                for (int p = 0; p < PROJ.length; p++) {
                    m[p] = uploadLinear(hl.w()[p]);
                    bytes += m[p].buf().bytes();
                }
                layers[l] = new DevLayer(
                        m,
                        uploadOrNull(hl.qBias()),
                        uploadOrNull(hl.kBias()),
                        uploadOrNull(hl.vBias()),
                        upload(hl.attnNorm()),
                        upload(hl.mlpNorm()));
            }
            this.finalNorm = upload(w.finalNorm());
            this.lmHead = uploadLinear(w.lmHead());
            this.decodeBytes = bytes + lmHead.buf().bytes();
            this.invFreq = upload(ModelLoading.inverseFrequencies(c));
            long perLayer = (long) kv.pages() * pageTokens * kvDim * Float.BYTES;
            this.keys = new Buf[c.layers()];
            this.values = new Buf[c.layers()];
            for (int l = 0; l < c.layers(); l++) {
                keys[l] = alloc(perLayer);
                values[l] = alloc(perLayer);
            }
            this.adapters = new DeviceAdapters(adapterBytes);
            cuCtxSynchronize();
        } catch (RuntimeException | Error e) {
            try {
                release(); // what was made so far; a step not reached may fail to undo, which must not hide e
            } catch (RuntimeException | Error cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private static byte[] ptx() {
        try (InputStream in = CudaBatchEngine.class.getResourceAsStream("/io/openledger/lora/cuda/kernels.ptx")) {
            if (in == null) {
                throw new IllegalStateException("kernels.ptx is missing from the openledger-lora jar");
            }
            byte[] text = in.readAllBytes();
            return Arrays.copyOf(text, text.length + 1); // the driver wants a NUL-terminated image
        } catch (IOException e) {
            throw new IllegalStateException("cannot read kernels.ptx", e);
        }
    }

    private CUfunction function(String name) {
        CUfunction f = new CUfunction();
        cuModuleGetFunction(f, module, name);
        return f;
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
    public long decodeBytes() {
        return decodeBytes;
    }

    @Override
    public WeightFormat weights() {
        return weights;
    }

    /** Bytes of device memory the adapters' copies take now. */
    public long adapterBytes() {
        return adapters.used;
    }

    /** Passes that ran as a replayed CUDA graph. */
    public long graphLaunches() {
        return graphLaunches;
    }

    /** Adapters copied to the device so far (a measure of how often the device LRU missed). */
    public long adapterUploads() {
        return adapters.uploads;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cuCtxSetCurrent(context);
            release();
        }
    }

    private void release() {
        if (pinnedBytes > 0) {
            cuMemFreeHost(pinned);
            pinnedBytes = 0;
        }
        dropGraphs();
        cuStreamDestroy(stream);
        for (Buf b : owned) {
            cuMemFree(b.ptr());
        }
        owned.clear();
        if (addressSlot != null) {
            cuMemFree(addressSlot);
            addressSlot = null;
        }
        if (adapters != null) {
            adapters.freeAll();
        }
        cuModuleUnload(module);
        cuDevicePrimaryCtxRelease(device);
    }

    // ---- device memory

    private Buf alloc(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        cuMemAlloc(p, Math.max(bytes, 16));
        Buf b = new Buf(p, address(p), bytes);
        owned.add(b);
        return b;
    }

    private Buf allocUnowned(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        cuMemAlloc(p, Math.max(bytes, 16));
        return new Buf(p, address(p), bytes);
    }

    // the numeric address of an allocation, which the kernels' adapter descriptors hold: JCuda keeps
    // it private, so a one-thread kernel writes its pointer argument to device memory
    private @Nullable CUdeviceptr addressSlot;

    private long address(CUdeviceptr p) {
        CUdeviceptr slot = addressSlot;
        if (slot == null) {
            slot = new CUdeviceptr();
            cuMemAlloc(slot, Long.BYTES);
            addressSlot = slot;
        }
        cuLaunchKernel(addressOf, 1, 1, 1, 1, 1, 1, 0, null, Pointer.to(Pointer.to(p), Pointer.to(slot)), null);
        long[] out = new long[1];
        cuMemcpyDtoH(Pointer.to(out), slot, Long.BYTES);
        return out[0];
    }

    private Buf upload(float[] v) {
        Buf b = alloc((long) v.length * Float.BYTES);
        cuMemcpyHtoD(b.ptr(), Pointer.to(v), b.bytes());
        return b;
    }

    private @Nullable Buf uploadOrNull(float @Nullable [] v) {
        return v == null ? null : upload(v);
    }

    // a bfloat16 matrix stays bfloat16 (the same values in the same bytes); float32 and Q8 (dequantized) as float32
    private Linear uploadLinear(Matrix m) {
        float[] f = m.toFloats();
        if (m instanceof Matrix.Bf16) {
            short[] bits = new short[f.length];
            for (int i = 0; i < f.length; i++) {
                bits[i] = SafeTensorsWriter.toBf16(f[i]); // exact: the values are bfloat16 already
            }
            Buf b = alloc((long) bits.length * Short.BYTES);
            cuMemcpyHtoD(b.ptr(), Pointer.to(bits), b.bytes());
            return new Linear(b, m.rows, m.cols, true);
        }
        return new Linear(upload(f), m.rows, m.cols, false);
    }

    // ---- kernel launches: arguments are device addresses (long), ints and floats

    private static Pointer args(Object... a) {
        Pointer[] p = new Pointer[a.length];
        for (int i = 0; i < a.length; i++) {
            p[i] = switch (a[i]) {
                case Long v -> Pointer.to(new long[] {v});
                case Integer v -> Pointer.to(new int[] {v});
                case Float v -> Pointer.to(new float[] {v});
                case Buf b -> Pointer.to(new long[] {b.addr()});
                default -> throw new IllegalArgumentException("kernel argument " + a[i]);
            };
        }
        return Pointer.to(p);
    }

    private static long addr(@Nullable Buf b) {
        return b == null ? 0L : b.addr();
    }

    private void launch(CUfunction f, int gx, int gy, int block, Object... a) {
        launch3(f, gx, gy, 1, block, a);
    }

    private void launch3(CUfunction f, int gx, int gy, int gz, int block, Object... a) {
        cuLaunchKernel(f, gx, gy, gz, block, 1, 1, 0, stream, args(a), null);
    }

    // ---- the pass

    @Override
    public void step(List<Work> batch) {
        int n = batch.size();
        if (n == 0) {
            return;
        }
        cuCtxSetCurrent(context);
        int t = BatchEngine.rowsOf(batch, config.vocabSize());
        // adapters first: a batch whose adapters do not fit the device budget fails before any state changes
        Set<LoraAdapter> inBatch = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Work w : batch) {
            if (w.adapter != null) {
                inBatch.add(w.adapter);
            }
        }
        Map<LoraAdapter, DeviceAdapters.Slot> slots = new IdentityHashMap<>();
        int maxRank = 0;
        for (LoraAdapter a : inBatch) {
            DeviceAdapters.Slot s = adapters.slotFor(a, inBatch);
            slots.put(a, s);
            maxRank = Math.max(maxRank, s.maxRank);
        }
        int want = 0;
        int pageInts = 0;
        for (Work w : batch) {
            kv.ensure(w.seq, w.seq.position + w.tokens.length);
            pageInts += w.seq.pageCount;
            if (w.wantLogits) {
                want++;
            }
        }
        // one upload of the step's integers: tokens, positions, slots, page-table offsets, the rows
        // that want logits, then every chunk's page table
        int[] meta = new int[4 * t + want + pageInts];
        int tokensAt = 0;
        int posAt = t;
        int slotAt = 2 * t;
        int pagesAt = 3 * t;
        int wantAt = 4 * t;
        int tablesAt = wantAt + want;
        for (int c = 0, r = 0, wi = 0, pt = 0; c < n; c++) {
            Work w = batch.get(c);
            Sequence s = w.seq;
            System.arraycopy(s.pageTable, 0, meta, tablesAt + pt, s.pageCount);
            int slot = w.adapter == null ? -1 : slots.get(w.adapter).index;
            for (int i = 0; i < w.tokens.length; i++, r++) {
                meta[tokensAt + r] = w.tokens[i];
                meta[posAt + r] = s.position + i;
                meta[slotAt + r] = slot;
                meta[pagesAt + r] = pt;
            }
            if (w.wantLogits) {
                meta[wantAt + wi++] = r - 1;
            }
            pt += s.pageCount;
        }
        int vocab = config.vocabSize();
        Scratch sc = scratch.fit(t, maxRank, meta.length, want);
        if (sc.grew) {
            dropGraphs(); // the graphs hold the old buffers' addresses
        }
        cuMemcpyHtoD(sc.meta.ptr(), Pointer.to(meta), (long) meta.length * Integer.BYTES);
        long tokens = sc.meta.addr() + (long) tokensAt * Integer.BYTES;
        long rowPos = sc.meta.addr() + (long) posAt * Integer.BYTES;
        long rowSlot = sc.meta.addr() + (long) slotAt * Integer.BYTES;
        long rowPages = sc.meta.addr() + (long) pagesAt * Integer.BYTES;
        long wantRows = sc.meta.addr() + (long) wantAt * Integer.BYTES;
        long tables = sc.meta.addr() + (long) tablesAt * Integer.BYTES;
        Pass pass = new Pass(sc, t, want, maxRank, tokens, rowPos, rowSlot, rowPages, wantRows, tables);
        // a shape seen before runs as one CUDA graph: a decode step is some 200 kernels, and
        // launching them one by one from Java costs more than the GPU takes to run them
        long shape = ((long) t << 40) | ((long) want << 20) | maxRank;
        if (seen.size() > 4 * MAX_GRAPHS) {
            seen.clear(); // shapes seen once long ago: counting starts again
        }
        CUgraphExec exec = graphs.get(shape);
        if (exec == null && graphsEnabled && seen.merge(shape, 1, Integer::sum) >= 2 && graphs.size() < MAX_GRAPHS) {
            exec = capture(pass);
            graphs.put(shape, exec);
        }
        if (exec != null) {
            cuGraphLaunch(exec, stream);
            graphLaunches++;
        } else {
            enqueue(pass);
        }
        for (Work w : batch) {
            w.seq.position += w.tokens.length;
        }
        if (want == 0) {
            cuStreamSynchronize(stream);
            return;
        }
        // into page-locked memory, which the copy engine writes directly (a pageable array is staged
        // through a driver buffer at a fraction of the rate), then out to each sequence's array
        long bytes = (long) want * vocab * Float.BYTES;
        java.nio.FloatBuffer host = pinnedLogits(bytes);
        cuMemcpyDtoHAsync(pinned, sc.logits.ptr(), bytes, stream);
        cuStreamSynchronize(stream);
        for (int c = 0, i = 0; c < n; c++) {
            Work w = batch.get(c);
            if (w.wantLogits) {
                host.get(i * vocab, w.logitsTarget(vocab), 0, vocab);
                i++;
            }
        }
    }

    private java.nio.FloatBuffer pinnedLogits(long bytes) {
        if (bytes > pinnedBytes) {
            if (pinnedBytes > 0) {
                cuMemFreeHost(pinned);
                pinnedBytes = 0;
            }
            long size = Math.max(bytes, 2 * pinnedBytes);
            cuMemAllocHost(pinned, size);
            pinnedBytes = size;
            pinnedView =
                    pinned.getByteBuffer(0, size).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        return pinnedView;
    }

    /** The device addresses and sizes one pass's launches take. */
    private record Pass(
            Scratch sc,
            int t,
            int want,
            int maxRank,
            long tokens,
            long rowPos,
            long rowSlot,
            long rowPages,
            long wantRows,
            long tables) {}

    /** Captures {@code p}'s launches as a graph (they do not run now) and instantiates it. */
    private CUgraphExec capture(Pass p) {
        cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
        CUgraph g = new CUgraph();
        try {
            enqueue(p);
        } finally {
            cuStreamEndCapture(stream, g);
        }
        CUgraphExec exec = new CUgraphExec();
        try {
            cuGraphInstantiate(exec, g, 0);
        } finally {
            cuGraphDestroy(g);
        }
        return exec;
    }

    private void dropGraphs() {
        for (CUgraphExec e : graphs.values()) {
            cuGraphExecDestroy(e);
        }
        graphs.clear();
        seen.clear();
    }

    /** Queues the whole pass on {@link #stream}: the layers, then the LM head over the rows that want logits. */
    private void enqueue(Pass p) {
        Scratch sc = p.sc();
        int t = p.t();
        int want = p.want();
        int maxRank = p.maxRank();
        long tokens = p.tokens();
        long rowPos = p.rowPos();
        long rowSlot = p.rowSlot();
        long rowPages = p.rowPages();
        long wantRows = p.wantRows();
        long tables = p.tables();
        int h = config.hiddenSize();
        long table = maxRank > 0 ? adapters.table.addr() : 0L;
        float eps = (float) config.rmsNormEps();
        int nL = layers.length;
        int hd = config.headDim();
        int inter = config.intermediateSize();
        launch(embedRows, t, 1, THREADS, embed, tokens, sc.x, h);
        launch(residualNorm, t, 1, THREADS, sc.x, 0L, layers[0].attnNorm(), sc.xn, h, eps);
        for (int l = 0; l < nL; l++) {
            DevLayer L = layers[l];
            project(L, l, sc, sc.xn, t, maxRank, table, rowSlot, new Buf[] {sc.q, sc.k, sc.v}, 0, 1, 2);
            launch(
                    qkvFinish,
                    t,
                    1,
                    THREADS,
                    sc.q,
                    sc.k,
                    sc.v,
                    addr(L.qBias()),
                    addr(L.kBias()),
                    addr(L.vBias()),
                    rowPos,
                    rowPages,
                    tables,
                    invFreq,
                    keys[l],
                    values[l],
                    config.heads(),
                    config.kvHeads(),
                    hd,
                    kv.pageTokens);
            int group = config.heads() / config.kvHeads();
            launch(
                    attention,
                    t,
                    config.kvHeads(),
                    group * 32,
                    sc.q,
                    keys[l],
                    values[l],
                    sc.att,
                    rowPos,
                    rowPages,
                    tables,
                    config.heads(),
                    config.kvHeads(),
                    hd,
                    kv.pageTokens,
                    config.slidingWindow(),
                    (float) (1.0 / Math.sqrt(hd)));
            project(L, l, sc, sc.att, t, maxRank, table, rowSlot, new Buf[] {sc.o}, 3);
            launch(residualNorm, t, 1, THREADS, sc.x, sc.o, L.mlpNorm(), sc.xn, h, eps);
            project(L, l, sc, sc.xn, t, maxRank, table, rowSlot, new Buf[] {sc.gate, sc.up}, 4, 5);
            long elems = (long) t * inter;
            launch(swiglu, (int) Math.min(4096, (elems + THREADS - 1) / THREADS), 1, THREADS, sc.gate, sc.up, elems);
            project(L, l, sc, sc.gate, t, maxRank, table, rowSlot, new Buf[] {sc.down}, 6);
            Object nextNorm = l + 1 < nL ? layers[l + 1].attnNorm() : (Object) 0L;
            launch(residualNorm, t, 1, THREADS, sc.x, sc.down, nextNorm, sc.xn, h, eps);
        }
        if (want > 0) {
            launch(gatherNorm, want, 1, THREADS, sc.x, wantRows, finalNorm, sc.last, h, eps);
            matmul(lmHead, sc.last, sc.logits, want, 0L, 0, 0L, 0L, 0, 0);
        }
    }

    /**
     * The projections {@code ps} (ordinals) that share {@code in}: the shrink of every adapter row
     * for all of them in one launch, then each projection over the whole batch with its rows' deltas.
     */
    private void project(
            DevLayer L,
            int l,
            Scratch sc,
            Buf in,
            int t,
            int maxRank,
            long table,
            long rowSlot,
            Buf[] outs,
            int... ps) {
        int inDim = L.w()[ps[0]].cols();
        long ax = 0L;
        if (maxRank > 0) {
            ax = sc.ax.addr();
            // a warp per rank: the ranks of the widest adapter in groups of 8 (the block's warps)
            launch3(
                    loraShrink,
                    t,
                    ps.length,
                    (maxRank + THREADS / 32 - 1) / (THREADS / 32),
                    THREADS,
                    in,
                    inDim,
                    sc.ax,
                    maxRank,
                    t,
                    table,
                    rowSlot,
                    l,
                    layers.length,
                    ps[0],
                    ps.length > 1 ? ps[1] : 0,
                    ps.length > 2 ? ps[2] : 0);
        }
        for (int m = 0; m < ps.length; m++) {
            long axM = ax == 0L ? 0L : ax + (long) m * t * maxRank * Float.BYTES;
            matmul(L.w()[ps[m]], in, outs[m], t, axM, maxRank, table, rowSlot, l, ps[m]);
        }
    }

    private void matmul(
            Linear w, Buf in, Buf out, int t, long ax, int axStride, long table, long rowSlot, int l, int proj) {
        launch(
                w.bf16() ? matmulBf16 : matmulF32,
                (w.rows() + MM_WARPS - 1) / MM_WARPS,
                (t + MM_INPUTS - 1) / MM_INPUTS,
                MM_WARPS * 32,
                w.buf(),
                in,
                out,
                t,
                w.rows(),
                w.cols(),
                ax,
                axStride,
                table,
                rowSlot,
                l,
                layers.length,
                proj);
    }

    /** A pass's device buffers, grown (doubled) when a batch needs more and reused otherwise. */
    private final class Scratch {
        int rows;
        int rank;
        int metaInts;
        int wantRows;
        boolean grew; // whether the last fit reallocated any buffer
        Buf x;
        Buf xn;
        Buf q;
        Buf k;
        Buf v;
        Buf att;
        Buf o;
        Buf gate;
        Buf up;
        Buf down;
        Buf ax;
        Buf meta;
        Buf last;
        Buf logits;

        Scratch fit(int t, int maxRank, int ints, int want) {
            grew = false;
            int h = config.hiddenSize();
            int qDim = config.heads() * config.headDim();
            int inter = config.intermediateSize();
            if (t > rows) {
                rows = Math.max(t, rows * 2);
                long f = (long) rows * Float.BYTES;
                x = grow(x, f * h);
                xn = grow(xn, f * h);
                q = grow(q, f * qDim);
                k = grow(k, f * kvDim);
                v = grow(v, f * kvDim);
                att = grow(att, f * qDim);
                o = grow(o, f * h);
                gate = grow(gate, f * inter);
                up = grow(up, f * inter);
                down = grow(down, f * h);
                rank = 0; // ax depends on rows too
            }
            if (maxRank > rank) {
                rank = Math.max(maxRank, rank * 2);
                ax = grow(ax, 3L * rows * rank * Float.BYTES);
            }
            if (ints > metaInts) {
                metaInts = Math.max(ints, metaInts * 2);
                meta = grow(meta, (long) metaInts * Integer.BYTES);
            }
            if (want > wantRows) {
                wantRows = Math.max(want, wantRows * 2);
                last = grow(last, (long) wantRows * h * Float.BYTES);
                logits = grow(logits, (long) wantRows * config.vocabSize() * Float.BYTES);
            }
            return this;
        }

        private Buf grow(@Nullable Buf old, long bytes) {
            grew = true;
            if (old != null) {
                owned.remove(old);
                cuMemFree(old.ptr());
            }
            return alloc(bytes);
        }
    }

    /**
     * The adapters' device copies: an LRU under a byte budget, each adapter in one allocation (its A
     * and B per layer and projection, bfloat16 or float32 as the adapter holds them) with a slot of
     * descriptors in {@link #table} that the kernels index by {@code slot·layers·7 + layer·7 +
     * projection}. Keys are weak, so an adapter the host cache evicts and the collector reclaims
     * frees its device copy at the next step; an adapter reloaded on the host is a new object and is
     * copied again (never a stale copy of different weights).
     */
    private final class DeviceAdapters {
        static final int MAX_SLOTS = 4096;

        final class Slot {
            final int index;
            final Key key;
            final int maxRank;
            final Buf mem;

            Slot(int index, Key key, int maxRank, Buf mem) {
                this.index = index;
                this.key = key;
                this.maxRank = maxRank;
                this.mem = mem;
            }
        }

        static final class Key extends WeakReference<LoraAdapter> {
            final int hash;

            Key(LoraAdapter a, @Nullable ReferenceQueue<LoraAdapter> q) {
                super(a, q);
                hash = System.identityHashCode(a);
            }

            @Override
            public int hashCode() {
                return hash;
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Key k && (k == this || (k.get() != null && k.get() == get()));
            }
        }

        final long budget;
        final Buf table;
        final int slots;
        final ReferenceQueue<LoraAdapter> collected = new ReferenceQueue<>();
        final LinkedHashMap<Key, Slot> lru = new LinkedHashMap<>(64, 0.75f, true);
        final ArrayDeque<Integer> free = new ArrayDeque<>();
        long used;
        long uploads;

        DeviceAdapters(long budget) {
            if (budget < 1) {
                throw new IllegalArgumentException("adapter device budget must be positive, got " + budget);
            }
            this.budget = budget;
            this.slots = MAX_SLOTS;
            this.table = alloc((long) slots * layers.length * PROJ.length * DESC_BYTES);
            for (int i = 0; i < slots; i++) {
                free.add(i);
            }
        }

        Slot slotFor(LoraAdapter a, Set<LoraAdapter> batch) {
            purgeCollected();
            Slot s = lru.get(new Key(a, null));
            if (s != null) {
                return s;
            }
            long need = bytesOf(a);
            Iterator<Map.Entry<Key, Slot>> it = lru.entrySet().iterator();
            while ((used + need > budget || free.isEmpty()) && it.hasNext()) {
                Map.Entry<Key, Slot> e = it.next();
                LoraAdapter held = e.getKey().get();
                if (held != null && batch.contains(held)) {
                    continue; // in this batch: never evicted under it
                }
                it.remove();
                drop(e.getValue());
            }
            if (used + need > budget || free.isEmpty()) {
                throw new IllegalStateException("the adapters of one batch need more than the CUDA adapter budget of "
                        + budget + " bytes (or " + slots + " slots)");
            }
            s = upload(a, need);
            lru.put(s.key, s);
            return s;
        }

        private void purgeCollected() {
            for (java.lang.ref.Reference<? extends LoraAdapter> r; (r = collected.poll()) != null; ) {
                Slot s = lru.remove((Key) r);
                if (s != null) {
                    drop(s);
                }
            }
        }

        private void drop(Slot s) {
            cuMemFree(s.mem.ptr());
            used -= s.mem.bytes();
            free.add(s.index);
        }

        void freeAll() {
            for (Slot s : lru.values()) {
                cuMemFree(s.mem.ptr());
            }
            lru.clear();
            used = 0;
        }

        private static long align(long n) {
            return (n + 15) & ~15L;
        }

        private long bytesOf(LoraAdapter a) {
            long n = 0;
            for (int l = 0; l < layers.length; l++) {
                for (Projection p : PROJ) {
                    LoraAdapter.Delta d = a.delta(l, p);
                    if (d != null) {
                        int e = d.bf16() ? Short.BYTES : Float.BYTES;
                        n += align((long) d.rank() * d.in() * e) + align((long) d.rank() * d.out() * e);
                    }
                }
            }
            return Math.max(n, 16);
        }

        private Slot upload(LoraAdapter a, long bytes) {
            if (bytes > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("adapter " + a.name() + " too large for one device copy");
            }
            ByteBuffer host = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
            Buf mem = allocUnowned(bytes);
            ByteBuffer desc = ByteBuffer.allocate(layers.length * PROJ.length * DESC_BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN);
            int maxRank = 0;
            for (int l = 0; l < layers.length; l++) {
                for (Projection p : PROJ) {
                    LoraAdapter.Delta d = a.delta(l, p);
                    if (d == null) {
                        desc.put(new byte[DESC_BYTES]);
                        continue;
                    }
                    long aAt = host.position();
                    long bAt = align(aAt + (long) d.rank() * d.in() * (d.bf16() ? Short.BYTES : Float.BYTES));
                    int[] packed = d.packed();
                    if (packed != null) {
                        // straight from the packed words (widening each weight through the
                        // accessors took longer than the copy to the GPU)
                        short[] a16 = new short[d.rank() * d.in()];
                        short[] b16 = new short[d.out() * d.rank()];
                        LoraPack.unpackA(packed, d.aOffset(), d.rank(), d.in(), a16);
                        LoraPack.unpackB(packed, d.bTOffset(), d.rank(), d.out(), b16);
                        host.asShortBuffer().put(a16);
                        host.position((int) bAt);
                        host.asShortBuffer().put(b16);
                        host.position((int) align(bAt + (long) b16.length * Short.BYTES));
                    } else {
                        host.asFloatBuffer().put(d.a());
                        host.position((int) bAt);
                        host.asFloatBuffer().put(d.b());
                        host.position((int) align(bAt + (long) d.out() * d.rank() * Float.BYTES));
                    }
                    desc.putLong(mem.addr() + aAt)
                            .putLong(mem.addr() + bAt)
                            .putInt(d.rank())
                            .putFloat(d.scaling())
                            .putInt(d.bf16() ? 1 : 0)
                            .putInt(0);
                    maxRank = Math.max(maxRank, d.rank());
                }
            }
            cuMemcpyHtoD(mem.ptr(), Pointer.to(host.array()), bytes);
            int index = free.poll();
            cuMemcpyHtoD(
                    table.ptr().withByteOffset((long) index * layers.length * PROJ.length * DESC_BYTES),
                    Pointer.to(desc.array()),
                    desc.capacity());
            used += bytes;
            uploads++;
            return new Slot(index, new Key(a, collected), maxRank, mem);
        }
    }
}
