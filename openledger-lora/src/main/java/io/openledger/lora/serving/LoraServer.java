package io.openledger.lora.serving;

import io.openledger.core.AdapterId;
import io.openledger.core.Address;
import io.openledger.core.Bytes;
import io.openledger.core.Clock;
import io.openledger.core.Hash;
import io.openledger.core.contract.InferenceRecord;
import io.openledger.core.crypto.Hashing;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.WeightFormat;
import io.openledger.lora.serving.internal.BatchEngine;
import io.openledger.lora.serving.internal.CpuBatchEngine;
import io.openledger.lora.serving.internal.CudaBatchEngine;
import io.openledger.lora.serving.internal.Sequence;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves many LoRA adapters on one base model with continuous (iteration-level) batching. Every
 * iteration the scheduler admits queued requests taking turns between adapters, in arrival order for
 * each adapter (a request whose adapter is still loading is skipped, not waited for, while its load
 * runs in the background), then runs one batched
 * pass: one decode row for each running request plus prompt chunks of at most {@code prefillChunk}
 * tokens for requests still in prefill, up to {@code maxBatchTokens} rows. Requests for different
 * adapters and base-only requests share the pass over the base weights; each row adds its own
 * adapter's low-rank delta (see the engine). Admission reserves KV pages for prompt + max new tokens
 * and a lease on the adapter, so a running request never waits for memory and its adapter is never
 * evicted. A full queue refuses new requests ({@link ServerBusyException}).
 *
 * <p>Thread-safe: submit from any thread; one scheduler thread runs the batches and calls listeners.
 */
public final class LoraServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoraServer.class);

    private final BatchEngine engine;
    private final AdapterCache cache;
    private final Clock clock;
    private final int maxBatch;
    private final int maxBatchTokens;
    private final int prefillChunk;
    private final int maxQueued;
    private final boolean fair;
    private final AdapterResolver resolver;
    private final @Nullable AdapterId defaultAdapter;
    private final @Nullable Path mixDir;
    private final Address mixOwner;
    // submissions, each one request or a whole submitAll batch, which the scheduler takes in at once
    private final ConcurrentLinkedQueue<List<Active>> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private final Thread scheduler;
    private volatile boolean closed;
    private volatile int runningNow;
    private final Stats stats = new Stats();

    private LoraServer(Builder b, BatchEngine engine) {
        this.engine = engine;
        this.cache = b.cache;
        this.clock = b.clock;
        this.maxBatch = b.maxBatch;
        this.maxBatchTokens = Math.max(b.maxBatchTokens, b.maxBatch);
        this.prefillChunk = b.prefillChunk;
        this.maxQueued = b.maxQueued;
        this.fair = b.fair;
        this.resolver = b.resolver;
        this.defaultAdapter = b.defaultAdapter;
        this.mixDir = b.mixDir;
        this.mixOwner = b.mixOwner;
        this.scheduler = Thread.ofPlatform().name("lora-scheduler").daemon().unstarted(this::loop);
        scheduler.start();
        LOG.info(
                "LoRA server up: maxBatch={} maxBatchTokens={} prefillChunk={} kvPages={}x{}B adapterBudget={}B",
                maxBatch,
                maxBatchTokens,
                prefillChunk,
                engine.kv().pages(),
                engine.kv().pageBytes(),
                cache.budgetBytes());
    }

    /** A builder serving the checkpoint in {@code baseDir} with adapters from {@code cache}. */
    public static Builder builder(Path baseDir, AdapterCache cache) {
        return new Builder(baseDir, cache);
    }

    /** Options for {@link LoraServer}. Not thread-safe. */
    public static final class Builder {
        private final Path baseDir;
        private final AdapterCache cache;
        private @Nullable WeightFormat format;
        private int threads = Runtime.getRuntime().availableProcessors();
        private long kvBytes = 64L << 20;
        private int pageTokens = 16;
        private int maxBatch = 32;
        private int maxBatchTokens = 256;
        private int prefillChunk = 64;
        private int maxQueued = 4096;
        private boolean fair = true;
        private Clock clock = Clock.system();
        private AdapterResolver resolver = AdapterResolver.none();
        private @Nullable AdapterId defaultAdapter;
        private @Nullable Path mixDir;
        private Address mixOwner = Address.ZERO;
        private Backend backend = Backend.CPU;
        private int cudaDevice;
        private long cudaAdapterBytes = 4L << 30;

        private Builder(Path baseDir, AdapterCache cache) {
            this.baseDir = baseDir;
            this.cache = cache;
        }

        /**
         * Base weight format in memory (default: as stored: BF16 for a checkpoint whose linear
         * weights are all bfloat16, which holds them exactly in half the memory and gives the same
         * tokens as F32; F32 otherwise).
         */
        public Builder weights(WeightFormat f) {
            this.format = Objects.requireNonNull(f, "f");
            return this;
        }

        /**
         * Kernel threads, 1..1024 (default: available processors).
         *
         * @throws IllegalArgumentException if out of range
         */
        public Builder threads(int n) {
            this.threads = check("threads", n, 1, 1024);
            return this;
        }

        /**
         * The KV cache budget in bytes, at least one page (default 64 MiB).
         *
         * @throws IllegalArgumentException if below 1 KiB
         */
        public Builder kvCacheBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("kvCacheBytes must be >= 1024, got " + bytes);
            }
            this.kvBytes = bytes;
            return this;
        }

        /**
         * Positions per KV page, 1..4096 (default 16).
         *
         * @throws IllegalArgumentException if out of range
         */
        public Builder pageTokens(int n) {
            this.pageTokens = check("pageTokens", n, 1, 4096);
            return this;
        }

        /**
         * Most requests in one batch, 1..4096 (default 32).
         *
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxBatch(int n) {
            this.maxBatch = check("maxBatch", n, 1, 4096);
            return this;
        }

        /**
         * Most rows (tokens) in one pass, 1..65536 (default 256; raised to maxBatch if smaller).
         *
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxBatchTokens(int n) {
            this.maxBatchTokens = check("maxBatchTokens", n, 1, 65536);
            return this;
        }

        /**
         * Most prompt tokens of one request per pass (chunked prefill), 1..65536 (default 64).
         *
         * @throws IllegalArgumentException if out of range
         */
        public Builder prefillChunk(int n) {
            this.prefillChunk = check("prefillChunk", n, 1, 65536);
            return this;
        }

        /**
         * Whether admission takes turns between adapters (default true): start-time fair queuing
         * with one unit per request, base-only requests counting as one more adapter, arrival order
         * within an adapter. A burst on one adapter cannot starve the others, and an adapter that was
         * idle joins at the current turn rather than being owed past turns. False admits in plain
         * arrival order.
         */
        public Builder fairAcrossAdapters(boolean fair) {
            this.fair = fair;
            return this;
        }

        /**
         * Most queued (not yet admitted) requests before submit refuses, 1..10^7 (default 4096).
         *
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxQueued(int n) {
            this.maxQueued = check("maxQueued", n, 1, 10_000_000);
            return this;
        }

        /**
         * Where adapters that are not registered are looked up when a request names one (default
         * none): a resolved adapter is validated, registered and served (just-in-time loading).
         */
        public Builder resolver(AdapterResolver r) {
            this.resolver = java.util.Objects.requireNonNull(r, "resolver");
            return this;
        }

        /**
         * The adapter for requests that name none (default none: such requests run on the base
         * model), as LoRAX's {@code --adapter-id}. A request asks for the base model explicitly with
         * {@link GenerationRequest.Builder#baseModel}. Access to it is checked like any adapter's.
         */
        public Builder defaultAdapter(@Nullable AdapterId id) {
            this.defaultAdapter = id;
            return this;
        }

        /**
         * Takes requests that mix adapters ({@link GenerationRequest.Builder#mix}): each new mix is
         * merged into a directory under {@code dir} and registered, owned by {@code owner} and usable
         * directly only by it, since a request on a mix is checked against every adapter in it
         * (default: mixes are refused).
         */
        public Builder mixes(Path dir, Address owner) {
            this.mixDir = java.util.Objects.requireNonNull(dir, "dir");
            this.mixOwner = java.util.Objects.requireNonNull(owner, "owner");
            return this;
        }

        /**
         * Where the forward passes run (default {@link Backend#CPU}). With {@link Backend#CUDA} the
         * base weights, the KV cache ({@link #kvCacheBytes}) and recently used adapters live in the
         * GPU's memory; the adapter cache above still bounds host memory, and {@link #threads} is
         * unused.
         */
        public Builder backend(Backend b) {
            this.backend = Objects.requireNonNull(b, "b");
            return this;
        }

        /**
         * The CUDA device ordinal (default 0) and the device memory its adapter copies may take
         * (default 4 GiB; the least recently used copies not in the running batch are freed to stay
         * under it). Used only with {@link Backend#CUDA}.
         *
         * @throws IllegalArgumentException if the ordinal is negative or the budget below 1 MiB
         */
        public Builder cudaDevice(int ordinal, long adapterBytes) {
            this.cudaDevice = check("cuda device", ordinal, 0, 1024);
            if (adapterBytes < (1L << 20)) {
                throw new IllegalArgumentException("cuda adapter budget must be at least 1 MiB, got " + adapterBytes);
            }
            this.cudaAdapterBytes = adapterBytes;
            return this;
        }

        /** The clock for timings and records (default system). */
        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        private static int check(String name, int v, int lo, int hi) {
            if (v < lo || v > hi) {
                throw new IllegalArgumentException(name + " must be in " + lo + ".." + hi + ", got " + v);
            }
            return v;
        }

        /**
         * Loads the base model and starts the scheduler thread.
         *
         * @throws io.openledger.lora.ModelFormatException if the checkpoint is invalid
         * @throws IllegalArgumentException if the base differs from the registry's base config, the
         *     KV budget holds no page, or the default adapter is neither registered nor resolvable
         * @throws IllegalStateException if the backend is {@link Backend#CUDA} and CUDA cannot run here
         *     ({@link Backend#unavailableReason()} says why)
         */
        public LoraServer build() {
            AdapterId d = defaultAdapter;
            if (d != null
                    && cache.registry().get(d).isEmpty()
                    && resolver.resolve(d).isEmpty()) {
                throw new IllegalArgumentException(
                        "defaultAdapter " + d.value() + " is not registered and the resolver has none of that id");
            }
            BatchEngine e = backend == Backend.CUDA
                    ? new CudaBatchEngine(baseDir, format, cudaDevice, kvBytes, pageTokens, cudaAdapterBytes)
                    : new CpuBatchEngine(baseDir, format, threads, kvBytes, pageTokens);
            ModelConfig want = cache.registry().base();
            if (!e.config().equals(want)) {
                e.close();
                throw new IllegalArgumentException(
                        "base model in " + baseDir + " does not match the registry's base config");
            }
            return new LoraServer(this, e);
        }
    }

    /**
     * Queues {@code request}; {@code listener} receives its tokens and outcome on the scheduler thread.
     *
     * @throws ServerBusyException if the queue is full or the server closed
     * @throws AdapterRejectedException if the adapter is not registered and the resolver has none
     *     of that id, or the one it found is invalid for the base
     * @throws AdapterAccessException if the adapter is private and the request's caller is neither its
     *     owner nor granted it ({@link AdapterAccess})
     * @throws IllegalArgumentException if a prompt token is outside the vocabulary or prompt +
     *     maxTokens exceeds the whole KV cache
     */
    public GenerationHandle submit(GenerationRequest request, GenerationListener listener) {
        return enqueue(List.of(request), List.of(listener)).getFirst();
    }

    /**
     * Queues all of {@code requests} at once, without listeners: the scheduler takes them in
     * together, so requests that arrive as one batch (a benchmark, an offline job) start in the same
     * pass instead of the first few starting alone. All or nothing: if any request is invalid or the
     * queue cannot take them all, none is queued.
     *
     * @return one handle per request, in order
     * @throws ServerBusyException as {@link #submit}
     * @throws AdapterRejectedException as {@link #submit}
     * @throws AdapterAccessException as {@link #submit}
     * @throws IllegalArgumentException as {@link #submit}
     */
    public List<GenerationHandle> submitAll(List<GenerationRequest> requests) {
        return enqueue(requests, java.util.Collections.nCopies(requests.size(), new GenerationListener() {}));
    }

    private List<GenerationHandle> enqueue(List<GenerationRequest> requests, List<GenerationListener> listeners) {
        if (closed) {
            throw new ServerBusyException("server is closed");
        }
        List<GenerationRequest> effective = new ArrayList<>(requests.size());
        for (GenerationRequest request : requests) {
            effective.add(validate(request));
        }
        requests = effective;
        int n = requests.size();
        if (queued.addAndGet(n) > maxQueued) {
            queued.addAndGet(-n);
            stats.rejected.addAndGet(n);
            throw new ServerBusyException("queue full: " + maxQueued + " requests waiting");
        }
        List<Active> acts = new ArrayList<>(n);
        List<GenerationHandle> handles = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            GenerationRequest request = requests.get(i);
            long id = ids.incrementAndGet();
            ByteBuffer buf = ByteBuffer.allocate(24)
                    .putLong(id)
                    .putLong(System.nanoTime())
                    .putLong(clock.millis());
            Hash hash = Hashing.keccak256(
                    Bytes.concat(Bytes.wrap(buf.array()), request.caller().bytes()));
            Active act = new Active(
                    request, listeners.get(i), new GenerationHandle(hash, new CompletableFuture<>()), clock.nanoTime());
            acts.add(act);
            handles.add(act.handle);
        }
        stats.submitted.addAndGet(n);
        incoming.add(acts);
        LockSupport.unpark(scheduler);
        return handles;
    }

    // the request as it will run: every token and size within the engine's limits, then on its
    // adapter, its mix's merged adapter, the default adapter or the base model, with access checked
    private GenerationRequest validate(GenerationRequest request) {
        int vocab = engine.config().vocabSize();
        for (int i = 0; i < request.promptLength(); i++) {
            if (request.promptToken(i) >= vocab) {
                throw new IllegalArgumentException(
                        "prompt token " + request.promptToken(i) + " outside vocabulary 0.." + (vocab - 1));
            }
        }
        int need = engine.kv().pagesFor(request.promptLength() + request.maxTokens());
        if (need > engine.kv().pages()) {
            throw new IllegalArgumentException("prompt + maxTokens needs " + need + " KV pages; the cache has "
                    + engine.kv().pages());
        }
        // then the adapter, last: a new mix is merged and registered here
        AdapterId a = request.adapter();
        AdapterMix mix = request.mix();
        if (mix != null) {
            a = mixed(mix, request.caller());
        } else if (a == null && !request.baseModel()) {
            a = defaultAdapter;
        }
        if (a == null) {
            if (request.adapterScale() != 1f) {
                throw new IllegalArgumentException(
                        "adapterScale " + request.adapterScale() + " was set on a base-model request; name an adapter");
            }
        } else if (mix == null) {
            AdapterId id = a;
            AdapterRecord rec = cache.registry()
                    .get(id)
                    .or(() -> resolve(id))
                    .orElseThrow(() -> new AdapterRejectedException(id, "not registered"));
            if (!rec.access().allows(rec.owner(), request.caller())) {
                stats.denied.incrementAndGet();
                throw new AdapterAccessException(id, request.caller(), "may not use this private adapter");
            }
        }
        return a == null || a.equals(request.adapter()) ? request : request.withAdapter(a);
    }

    // the merged adapter of a mix, merged and registered on first use (on the submitting thread);
    // the caller must be allowed every adapter in it
    private AdapterId mixed(AdapterMix mix, Address caller) {
        Path root = mixDir;
        if (root == null) {
            throw new IllegalArgumentException("this server takes no adapter mixes; set LoraServer.Builder.mixes");
        }
        List<Hash> hashes = new ArrayList<>();
        boolean allPublic = true;
        for (AdapterId c : mix.adapters()) {
            AdapterRecord rec = cache.registry()
                    .get(c)
                    .or(() -> resolve(c))
                    .orElseThrow(() -> new AdapterRejectedException(c, "not registered"));
            if (!rec.access().allows(rec.owner(), caller)) {
                stats.denied.incrementAndGet();
                throw new AdapterAccessException(c, caller, "may not use this private adapter in a mix");
            }
            allPublic &= !rec.access().restricted();
            hashes.add(rec.weightsSha256());
        }
        AdapterId id = mix.idFor(hashes);
        if (cache.registry().get(id).isPresent()) {
            return id;
        }
        try {
            // a fresh directory each time: one left by a registry that was not kept is not reused
            Path dir = root.resolve(id.value().replace('/', '-') + "-" + UUID.randomUUID());
            cache.registry()
                    .registerMerged(
                            id,
                            mix,
                            dir,
                            mixOwner,
                            caller,
                            Map.of(),
                            allPublic ? AdapterAccess.PUBLIC : AdapterAccess.privateTo());
            LOG.info(
                    "merged adapter mix {} of {} ({})",
                    id.value(),
                    mix.adapters(),
                    mix.recipe().strategy().id());
        } catch (AdapterRejectedException e) {
            if (cache.registry().get(id).isEmpty()) { // else a concurrent submission registered it first
                throw e;
            }
        }
        return id;
    }

    // registers an adapter the resolver finds, on the submitting thread; a concurrent submission
    // that registered it first wins, and a bad adapter is refused with the registry's message
    private Optional<AdapterRecord> resolve(AdapterId a) {
        Optional<AdapterResolver.Resolution> r = resolver.resolve(a);
        if (r.isEmpty()) {
            return Optional.empty();
        }
        AdapterResolver.Resolution res = r.get();
        try {
            AdapterRecord rec = cache.registry().register(a, res.dir(), res.owner(), res.metadata(), res.access());
            stats.resolved.incrementAndGet();
            LOG.info("registered adapter {} on first use from {}", a.value(), res.dir());
            return Optional.of(rec);
        } catch (AdapterRejectedException e) {
            Optional<AdapterRecord> raced = cache.registry().get(a);
            if (raced.isPresent()) {
                return raced;
            }
            throw e;
        }
    }

    /** {@link #submit(GenerationRequest, GenerationListener)} without a listener. */
    public GenerationHandle submit(GenerationRequest request) {
        return submit(request, new GenerationListener() {});
    }

    /**
     * Submits and waits for the result.
     *
     * @throws ServerBusyException as {@link #submit}
     * @throws AdapterRejectedException as {@link #submit}
     * @throws IllegalArgumentException as {@link #submit}
     * @throws IllegalStateException if the request failed (its cause attached) or the wait was
     *     interrupted
     */
    public GenerationResult generate(GenerationRequest request) {
        GenerationHandle h = submit(request);
        try {
            return h.result().get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("generation failed", c);
        } catch (InterruptedException e) {
            h.cancel();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * A cold publisher of the request's tokens: each subscription submits the request once, honours
     * demand (tokens are buffered until requested), completes after the last token and cancels the
     * request when the subscription is cancelled. Submission errors are delivered through onError.
     */
    public Flow.Publisher<Integer> stream(GenerationRequest request) {
        return subscriber -> new TokenSubscription(subscriber).start(request);
    }

    /** The cache adapters come from. */
    public AdapterCache cache() {
        return cache;
    }

    /** The base model config. */
    public ModelConfig config() {
        return engine.config();
    }

    /** The form the base weights are held in ({@link Builder#weights}, or as stored). */
    public WeightFormat weights() {
        return engine.weights();
    }

    /** Bytes of base weights one batched pass reads. */
    public long decodeBytes() {
        return engine.decodeBytes();
    }

    /** A snapshot of the metrics. */
    public ServingMetrics metrics() {
        return stats.snapshot();
    }

    // per-adapter counts, written by the scheduler thread when a request finishes
    private static final class Usage {
        long requests;
        long promptTokens;
        long generatedTokens;
        Instant lastUsed = Instant.EPOCH;

        synchronized void add(int prompt, int generated, Instant at) {
            requests++;
            promptTokens += prompt;
            generatedTokens += generated;
            lastUsed = at;
        }

        synchronized AdapterUsage snapshot(AdapterId id) {
            return new AdapterUsage(id, requests, promptTokens, generatedTokens, lastUsed);
        }
    }

    private final ConcurrentHashMap<AdapterId, Usage> usage = new ConcurrentHashMap<>();

    /** What {@code adapter} served since this server started, if any request on it finished. */
    public Optional<AdapterUsage> usage(AdapterId adapter) {
        Usage u = usage.get(adapter);
        return u == null ? Optional.empty() : Optional.of(u.snapshot(adapter));
    }

    /**
     * The {@code k} adapters with the most finished requests (ties by id), with their usage. Per-adapter
     * figures are kept out of {@link LoraServerMeterBinder}: thousands of adapters would be thousands of
     * meters.
     *
     * @throws IllegalArgumentException if {@code k} is negative
     */
    public List<AdapterUsage> topAdapters(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
        return usage.entrySet().stream()
                .map(e -> e.getValue().snapshot(e.getKey()))
                .sorted(Comparator.comparingLong(AdapterUsage::requests)
                        .reversed()
                        .thenComparing(AdapterUsage::adapter))
                .limit(k)
                .toList();
    }

    /**
     * Stops accepting requests, cancels queued and running ones (they complete with CANCELLED),
     * stops the scheduler and the engine. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LockSupport.unpark(scheduler);
        try {
            scheduler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engine.close();
    }

    // ---------------------------------------------------------------- scheduler

    private final class Active {
        final GenerationRequest req;
        final GenerationListener listener;
        final GenerationHandle handle;
        final long submitNanos;
        final @Nullable Long deadline;
        final SplittableRandom rng;
        final Sequence seq = new Sequence();
        final List<Integer> out = new ArrayList<>();

        @Nullable
        CompletableFuture<AdapterCache.Lease> leaseFuture;

        AdapterCache.@Nullable Lease lease;

        // the leased adapter at this request's scale, made once per lease
        io.openledger.lora.@Nullable LoraAdapter scaledAdapter;

        boolean admitted;
        long tag;
        int prefilled;
        long admitNanos;
        long firstTokenNanos;

        Active(GenerationRequest req, GenerationListener listener, GenerationHandle handle, long now) {
            this.req = req;
            this.listener = listener;
            this.handle = handle;
            this.submitNanos = now;
            Duration t = req.timeout();
            this.deadline = t == null ? null : now + t.toNanos();
            this.rng = req.sampler().newRandom();
        }
    }

    private static final Object BASE_ONLY = new Object();
    private final ArrayDeque<Active> waiting = new ArrayDeque<>();
    private final List<Active> running = new ArrayList<>();

    private void loop() {
        while (true) {
            List<Active> batch;
            while ((batch = incoming.poll()) != null) {
                for (Active a : batch) {
                    tag(a);
                    waiting.add(a);
                }
            }
            if (closed) {
                for (Active w : waiting) {
                    finish(w, FinishReason.CANCELLED);
                }
                waiting.clear();
                for (Active r : List.copyOf(running)) {
                    finish(r, FinishReason.CANCELLED);
                }
                return;
            }
            long now = clock.nanoTime();
            expire(now);
            admit(now);
            runningNow = running.size();
            if (running.isEmpty()) {
                LockSupport.parkNanos(waiting.isEmpty() ? 50_000_000L : 200_000L);
                continue;
            }
            long t0 = System.nanoTime();
            iterate();
            stats.busyNanos.addAndGet(System.nanoTime() - t0);
        }
    }

    private void expire(long now) {
        for (Iterator<Active> it = waiting.iterator(); it.hasNext(); ) {
            Active w = it.next();
            FinishReason r = w.handle.cancelRequested()
                    ? FinishReason.CANCELLED
                    : (w.deadline != null && now - w.deadline >= 0 ? FinishReason.TIMEOUT : null);
            if (r != null) {
                it.remove();
                queued.decrementAndGet();
                finish(w, r);
            }
        }
        for (Active w : List.copyOf(running)) {
            if (w.handle.cancelRequested()) {
                finish(w, FinishReason.CANCELLED);
            } else if (w.deadline != null && now - w.deadline >= 0) {
                finish(w, FinishReason.TIMEOUT);
            }
        }
    }

    // Admission in turn order (fairOrder), FIFO within an adapter. A request whose adapter is not
    // resident starts (or joins) its load and is skipped until the load finishes; loads for the
    // first requests in that order start first (prefetch). A request that does not fit in the KV
    // cache stops admission, so later small requests cannot starve it.
    private void admit(long now) {
        int prefetch = 0;
        Collection<Active> order = fair && waiting.size() > 1 ? fairOrder() : List.copyOf(waiting);
        for (Active w : order) {
            AdapterId id = served(w.req);
            if (id != null && w.lease == null) {
                if (w.leaseFuture == null && prefetch < 2 * maxBatch) {
                    w.leaseFuture = cache.acquireAsync(id);
                }
                prefetch++;
                CompletableFuture<AdapterCache.Lease> f = w.leaseFuture;
                if (f == null || !f.isDone()) {
                    continue;
                }
                try {
                    w.lease = f.join();
                } catch (CompletionException e) {
                    Throwable c = e.getCause() == null ? e : e.getCause();
                    w.leaseFuture = null;
                    if (c instanceof AdapterBudgetException) {
                        continue; // retried once running requests release their adapters
                    }
                    waiting.remove(w);
                    queued.decrementAndGet();
                    fail(w, c);
                    continue;
                }
            }
            if (running.size() >= maxBatch) {
                break;
            }
            if (!engine.kv().reserve(w.seq, w.req.promptLength() + w.req.maxTokens())) {
                break;
            }
            waiting.remove(w);
            queued.decrementAndGet();
            w.admitted = true;
            w.admitNanos = now;
            admittedTag = Math.max(admittedTag, w.tag);
            stats.queueNanos.add(now - w.submitNanos);
            running.add(w);
        }
    }

    // Start-time fair queuing with unit cost per request: a request's tag is one more than the later
    // of the last tag given to its adapter and the tag of the last admitted request, so adapters
    // take turns and an adapter that was idle joins at the current turn instead of catching up.
    private final Map<Object, Long> lastTag = new HashMap<>();
    private long admittedTag;

    private void tag(Active w) {
        AdapterId served = served(w.req);
        Object key = served == null ? BASE_ONLY : served;
        long t = Math.max(admittedTag, lastTag.getOrDefault(key, 0L)) + 1;
        w.tag = t;
        lastTag.put(key, t);
        if (lastTag.size() > 4 * (waiting.size() + running.size()) + 64) {
            lastTag.values().removeIf(v -> v <= admittedTag); // the same as no entry
        }
    }

    // Waiting requests by tag, arrival order among equal tags (the sort is stable).
    private List<Active> fairOrder() {
        List<Active> list = new ArrayList<>(waiting);
        list.sort(Comparator.comparingLong(w -> w.tag));
        return list;
    }

    private void iterate() {
        List<BatchEngine.Work> work = new ArrayList<>();
        List<Active> owners = new ArrayList<>();
        int budget = maxBatchTokens;
        for (Active r : running) {
            if (r.prefilled == r.req.promptLength()) {
                work.add(new BatchEngine.Work(r.seq, new int[] {r.out.getLast()}, adapterOf(r), true));
                owners.add(r);
                budget--;
            }
        }
        for (Active r : running) {
            if (budget <= 0) {
                break;
            }
            int left = r.req.promptLength() - r.prefilled;
            if (left > 0) {
                int n = Math.min(Math.min(left, prefillChunk), budget);
                int[] chunk = new int[n];
                for (int i = 0; i < n; i++) {
                    chunk[i] = r.req.promptToken(r.prefilled + i);
                }
                work.add(new BatchEngine.Work(r.seq, chunk, adapterOf(r), n == left));
                owners.add(r);
                budget -= n;
            }
        }
        try {
            engine.step(work);
        } catch (RuntimeException e) {
            LOG.error("batched pass failed; failing its {} requests", owners.size(), e);
            for (Active r : owners) {
                fail(r, e);
            }
            return;
        }
        stats.steps.incrementAndGet();
        stats.rows.addAndGet(maxBatchTokens - budget);
        long now = clock.nanoTime();
        for (int i = 0; i < work.size(); i++) {
            Active r = owners.get(i);
            BatchEngine.Work w = work.get(i);
            boolean decode = r.prefilled == r.req.promptLength();
            if (!decode) {
                int n = w.length();
                r.prefilled += n;
                stats.promptTokens.addAndGet(n);
                if (r.prefilled < r.req.promptLength()) {
                    continue;
                }
            }
            int tok = r.req.sampler().sample(w.logits(), r.rng);
            r.out.add(tok);
            stats.generated.incrementAndGet();
            if (r.out.size() == 1) {
                r.firstTokenNanos = now;
                stats.ttftNanos.add(now - r.submitNanos);
            }
            safe(() -> r.listener.onToken(tok));
            FinishReason done = null;
            if (r.req.stopTokens().contains(tok)) {
                done = FinishReason.STOP_TOKEN;
            } else if (endsWithStop(r)) {
                done = FinishReason.STOP_SEQUENCE;
            } else if (r.out.size() >= r.req.maxTokens()) {
                done = FinishReason.LENGTH;
            }
            if (done != null) {
                finish(r, done);
            }
        }
    }

    private static boolean endsWithStop(Active r) {
        for (int[] s : r.req.stopSequencesShared()) {
            int n = r.out.size();
            if (s.length <= n) {
                boolean m = true;
                for (int i = 0; i < s.length && m; i++) {
                    m = r.out.get(n - s.length + i) == s[i];
                }
                if (m) {
                    return true;
                }
            }
        }
        return false;
    }

    // the adapter a request runs on: none for a base-model request, and none at scale 0 (the base
    // model's outputs, so it neither holds the adapter in memory nor names it in its record)
    private static @Nullable AdapterId served(GenerationRequest req) {
        return req.adapterScale() == 0f ? null : req.adapter();
    }

    private io.openledger.lora.@Nullable LoraAdapter adapterOf(Active r) {
        AdapterCache.Lease l = r.lease;
        if (l == null) {
            return null;
        }
        io.openledger.lora.LoraAdapter a = r.scaledAdapter;
        if (a == null) {
            a = l.adapter().scaled(r.req.adapterScale());
            r.scaledAdapter = a;
        }
        return a;
    }

    private void releaseResources(Active r) {
        if (r.admitted) {
            running.remove(r);
            engine.kv().release(r.seq);
            r.admitted = false;
        }
        AdapterCache.Lease l = r.lease;
        if (l != null) {
            l.close();
            r.lease = null;
            r.scaledAdapter = null;
        } else if (r.leaseFuture != null) {
            r.leaseFuture.thenAccept(AdapterCache.Lease::close);
            r.leaseFuture = null;
        }
    }

    private void finish(Active r, FinishReason reason) {
        releaseResources(r);
        long now = clock.nanoTime();
        Duration queuedFor = Duration.ofNanos((r.admitNanos == 0 ? now : r.admitNanos) - r.submitNanos);
        Duration first = Duration.ofNanos((r.firstTokenNanos == 0 ? now : r.firstTokenNanos) - r.submitNanos);
        Duration total = Duration.ofNanos(now - r.submitNanos);
        List<Integer> prompt = Arrays.stream(r.req.prompt()).boxed().toList();
        AdapterId served = served(r.req);
        InferenceRecord rec = new InferenceRecord(
                r.handle.requestId(),
                cache.registry().model(),
                served,
                r.req.caller(),
                prompt,
                r.out,
                r.req.trainedOn(),
                new InferenceRecord.Timings(queuedFor, first, total),
                clock.now());
        GenerationResult res = new GenerationResult(r.out, reason, rec);
        if (served != null) {
            usage.computeIfAbsent(served, k -> new Usage()).add(r.req.promptLength(), r.out.size(), rec.finishedAt());
        }
        switch (reason) {
            case CANCELLED -> stats.cancelled.incrementAndGet();
            case TIMEOUT -> stats.timedOut.incrementAndGet();
            default -> stats.completed.incrementAndGet();
        }
        safe(() -> r.listener.onComplete(res));
        r.handle.result().complete(res);
    }

    private void fail(Active r, Throwable error) {
        releaseResources(r);
        stats.failed.incrementAndGet();
        LOG.warn("request {} failed: {}", r.handle.requestId(), error.toString());
        safe(() -> r.listener.onError(error));
        r.handle.result().completeExceptionally(error);
    }

    private static void safe(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("listener threw; ignored", e);
        }
    }

    // ---------------------------------------------------------------- metrics

    private final class Stats {
        final AtomicLong submitted = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final AtomicLong denied = new AtomicLong();
        final AtomicLong resolved = new AtomicLong();
        final AtomicLong completed = new AtomicLong();
        final AtomicLong cancelled = new AtomicLong();
        final AtomicLong timedOut = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong promptTokens = new AtomicLong();
        final AtomicLong generated = new AtomicLong();
        final AtomicLong steps = new AtomicLong();
        final AtomicLong rows = new AtomicLong();
        final AtomicLong busyNanos = new AtomicLong();
        final Samples ttftNanos = new Samples();
        final Samples queueNanos = new Samples();

        ServingMetrics snapshot() {
            long st = steps.get();
            double busy = busyNanos.get() / 1e9;
            return new ServingMetrics(
                    submitted.get(),
                    rejected.get(),
                    denied.get(),
                    resolved.get(),
                    completed.get(),
                    cancelled.get(),
                    timedOut.get(),
                    failed.get(),
                    promptTokens.get(),
                    generated.get(),
                    st,
                    st == 0 ? 0 : (double) rows.get() / st,
                    busy == 0 ? 0 : generated.get() / busy,
                    ttftNanos.percentile(0.50) / 1e6,
                    ttftNanos.percentile(0.99) / 1e6,
                    queueNanos.percentile(0.50) / 1e6,
                    queueNanos.percentile(0.99) / 1e6,
                    queued.get(),
                    runningNow,
                    engine.kv().reservedPages(),
                    engine.kv().pages(),
                    engine.kv().pageBytes(),
                    cache.stats());
        }
    }

    /** Latency samples (the most recent 65,536). Thread-safe. */
    private static final class Samples {
        private final long[] v = new long[1 << 16];
        private long n;

        synchronized void add(long x) {
            v[(int) (n++ & (v.length - 1))] = x;
        }

        synchronized double percentile(double p) {
            int k = (int) Math.min(n, v.length);
            if (k == 0) {
                return 0;
            }
            long[] s = Arrays.copyOf(v, k);
            Arrays.sort(s);
            return s[(int) Math.min(k - 1, Math.floor(p * k))];
        }
    }

    // ---------------------------------------------------------------- Flow

    private final class TokenSubscription implements Flow.Subscription, GenerationListener {
        private final Flow.Subscriber<? super Integer> sub;
        private final ConcurrentLinkedQueue<Integer> buffer = new ConcurrentLinkedQueue<>();
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private volatile boolean done;
        private volatile @Nullable Throwable error;
        private volatile boolean terminated;
        private volatile @Nullable GenerationHandle handle;

        TokenSubscription(Flow.Subscriber<? super Integer> sub) {
            this.sub = sub;
        }

        void start(GenerationRequest request) {
            sub.onSubscribe(this);
            try {
                handle = submit(request, this);
            } catch (RuntimeException e) {
                error = e;
                done = true;
                drain();
            }
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                error = new IllegalArgumentException("request(n) needs n > 0 (rule 3.9), got " + n);
                done = true;
            } else {
                demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            }
            drain();
        }

        @Override
        public void cancel() {
            terminated = true;
            GenerationHandle h = handle;
            if (h != null) {
                h.cancel();
            }
        }

        @Override
        public void onToken(int token) {
            buffer.add(token);
            drain();
        }

        @Override
        public void onComplete(GenerationResult result) {
            done = true;
            drain();
        }

        @Override
        public void onError(Throwable e) {
            error = e;
            done = true;
            drain();
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            while (true) {
                while (!terminated && demand.get() > 0 && !buffer.isEmpty()) {
                    Integer t = buffer.poll();
                    if (t == null) {
                        break;
                    }
                    demand.decrementAndGet();
                    sub.onNext(t);
                }
                if (!terminated && done && (buffer.isEmpty() || error != null)) {
                    terminated = true;
                    Throwable e = error;
                    if (e != null) {
                        sub.onError(e);
                    } else {
                        sub.onComplete();
                    }
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }
    }
}
