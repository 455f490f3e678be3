package io.openledger.lora.serving;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import io.openledger.core.AdapterId;
import io.openledger.core.Hash;
import io.openledger.lora.LoraAdapter;
import io.openledger.lora.WeightFormat;
import io.openledger.lora.serving.internal.AdapterArena;
import io.openledger.lora.serving.internal.MappedAdapterFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tiered adapter cache: registry (disk, PEFT directories) → mapped files → resident (A/B ready
 * for the kernels) under a hard byte budget. The middle tier keeps up to {@link
 * Builder#mappedFiles(int)} adapters' files open (parsed config and a validated memory mapping of
 * the weights, {@code MappedAdapterFiles}), so reloading an evicted adapter skips opening and
 * validating its file and reads pages the OS page cache most likely still holds.
 *
 * <p>Bytes are accounted in two parts whose sum never exceeds the budget: <em>locked</em> adapters
 * (leased by running requests, pinned, or loading) and <em>evictable</em> ones. All resident
 * adapters live in one Caffeine cache (W-TinyLFU; the weigher gives an adapter its size in KiB, or 0
 * while it is locked, and Caffeine never evicts a zero-weight entry by size) whose maximum is kept at
 * {@code budget − locked}. A load reserves its bytes (lowering that maximum, so Caffeine evicts by
 * frequency and recency to make room) before it starts; if the locked bytes leave no room the
 * acquire fails with {@link AdapterBudgetException} (retryable) instead of overshooting. Concurrent
 * acquires of the same adapter share one load (single flight). A {@link Lease} keeps its adapter
 * locked until closed: an adapter in use is never evicted.
 *
 * <p>Resident adapters live in a memory pool of the budget's size ({@code AdapterArena}: a few large
 * arrays, one contiguous region per adapter), reserved when the cache is built unless the budget is
 * more than half the heap. Loads convert straight into their region, so a cold load allocates
 * almost nothing: no garbage-collection pause copies freshly loaded adapters, and no load touches
 * fresh memory. When free space is too fragmented for a region, the coldest evictable adapters make
 * way; an adapter that still finds no region gets an array of its own (counted in {@link
 * Stats#ownArrays()}).
 *
 * <p>Thread-safe: state changes are serialized on one monitor; loads run on the load executor.
 */
public final class AdapterCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdapterCache.class);
    private static final long KIB = 1024;

    private enum State {
        LOADING,
        READY
    }

    private static final class Entry {
        final AdapterId id;
        final long bytes;
        final CompletableFuture<Entry> ready = new CompletableFuture<>();
        State state = State.LOADING;
        int refs;
        boolean pinned;

        /** Where the adapter lives in the arena; null while loading or if it got its own array. */
        LoraAdapter.@Nullable Region region;

        @Nullable
        LoraAdapter adapter;

        Entry(AdapterId id, long bytes) {
            this.id = id;
            this.bytes = bytes;
        }

        boolean locked() {
            return state == State.LOADING || refs > 0 || pinned;
        }
    }

    /**
     * Counters of this cache since it was built.
     *
     * @param hits acquires that found the adapter resident (or already loading)
     * @param misses acquires that started a load
     * @param loads loads that completed
     * @param loadFailures loads that failed (file changed or unreadable since registration)
     * @param evictions adapters Caffeine evicted to make room
     * @param budgetRefusals acquires refused because locked adapters left no room
     * @param loadMillisP50 median load latency in milliseconds (0 if none)
     * @param loadMillisP99 99th-percentile load latency in milliseconds (0 if none)
     * @param residentBytes bytes resident now (locked + evictable)
     * @param peakResidentBytes the most bytes ever resident at once
     * @param lockedBytes bytes of leased, pinned or loading adapters now
     * @param residentAdapters adapters resident or loading now
     * @param poolBytes bytes of the memory pool allocated so far
     * @param ownArrays loads that found no region in the pool and got an array of their own
     * @param mappedHits loads that found the adapter's files open in the mapped tier
     * @param mappedOpens loads that opened and validated the adapter's files
     * @param mappedFiles adapters whose files the mapped tier holds open now
     */
    public record Stats(
            long hits,
            long misses,
            long loads,
            long loadFailures,
            long evictions,
            long budgetRefusals,
            double loadMillisP50,
            double loadMillisP99,
            long residentBytes,
            long peakResidentBytes,
            long lockedBytes,
            int residentAdapters,
            long poolBytes,
            long ownArrays,
            long mappedHits,
            long mappedOpens,
            long mappedFiles) {}

    /**
     * Holds one adapter resident and unevictable until {@link #close} (idempotent). Not thread-safe.
     */
    public final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        /** The leased adapter's id. */
        public AdapterId id() {
            return entry.id;
        }

        /** The loaded adapter. */
        public LoraAdapter adapter() {
            LoraAdapter a = entry.adapter;
            if (a == null) {
                throw new IllegalStateException("lease on an adapter that is not loaded");
            }
            return a;
        }

        /** Releases the lease; the adapter becomes evictable when no lease or pin holds it. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(entry);
            }
        }
    }

    private final AdapterRegistry registry;
    private final long budget;
    private final Executor loader;
    private final Cache<AdapterId, Entry> evictable;
    private final Map<AdapterId, Entry> entries = new HashMap<>();
    private final List<Long> loadNanos = new ArrayList<>();
    private long lockedBytes;
    private long cachedBytes;
    private long peak;
    private long hits, misses, loads, loadFailures, evictions, refusals, ownArrays;
    private final AdapterArena arena;
    private final MappedAdapterFiles mapped;
    // records whose weights file was re-hashed after its time changed, and the time it had then
    private final ConcurrentHashMap<AdapterRecord, Instant> verifiedModified = new ConcurrentHashMap<>();
    private final boolean bf16;

    private AdapterCache(
            AdapterRegistry registry, long budget, Executor loader, boolean reserve, boolean bf16, int mappedFiles) {
        this.registry = registry;
        this.mapped = new MappedAdapterFiles(mappedFiles);
        this.budget = budget;
        this.loader = loader;
        this.bf16 = bf16;
        this.arena = new AdapterArena(Math.max(1, budget / Float.BYTES), AdapterArena.MAX_CHUNK_FLOATS, bf16);
        if (reserve) {
            arena.reserveAll();
        }
        this.evictable = Caffeine.newBuilder()
                .maximumWeight(budget / KIB)
                .weigher((AdapterId k, Entry v) ->
                        v.locked() ? 0 : (int) Math.min(Integer.MAX_VALUE, (v.bytes + KIB - 1) / KIB))
                .executor(Runnable::run)
                .evictionListener(
                        (AdapterId k, @Nullable Entry v, com.github.benmanes.caffeine.cache.RemovalCause c) -> {
                            if (k != null && v != null) {
                                onEvicted(k, v);
                            }
                        })
                .build();
    }

    /** A builder over {@code registry}. */
    public static Builder builder(AdapterRegistry registry) {
        return new Builder(registry);
    }

    /** Options for {@link AdapterCache}. Not thread-safe. */
    public static final class Builder {
        private final AdapterRegistry registry;
        private long budget = 256L << 20;
        private Executor loader = ForkJoinPool.commonPool();
        private @Nullable Boolean reserve;
        private WeightFormat resident = WeightFormat.F32;
        private int mappedFiles = 1024;

        private Builder(AdapterRegistry registry) {
            this.registry = registry;
        }

        /**
         * The byte budget for resident adapters, 1 KiB..2^50 (default 256 MiB).
         *
         * @throws IllegalArgumentException if out of range
         */
        public Builder budgetBytes(long bytes) {
            if (bytes < KIB || bytes > (1L << 50)) {
                throw new IllegalArgumentException("budgetBytes must be in 1024..2^50, got " + bytes);
            }
            this.budget = bytes;
            return this;
        }

        /** The executor loads run on (default: the common fork-join pool). */
        public Builder loadExecutor(Executor e) {
            this.loader = e;
            return this;
        }

        /**
         * Whether to allocate the whole memory pool when the cache is built (default: when the budget
         * is at most half the maximum heap). Reserving costs the budget's memory up front and keeps
         * fresh-memory page faults out of the first loads; otherwise the pool grows in chunks of up to
         * 256 MiB as loads need them.
         */
        public Builder reserveMemory(boolean reserve) {
            this.reserve = reserve;
            return this;
        }

        /**
         * The form resident adapters are kept in: F32 (default, exact) or BF16 (half the memory and
         * half the bytes a decode step reads per adapter; rounding to nearest even, so exact for
         * adapters saved in BF16, the form the benchmark's adapters are written in). The budget
         * counts the bytes of this form.
         *
         * @throws IllegalArgumentException for Q8
         */
        public Builder residentFormat(WeightFormat f) {
            if (f == WeightFormat.Q8) {
                throw new IllegalArgumentException("adapters are kept resident in F32 or BF16, not Q8");
            }
            this.resident = f;
            return this;
        }

        /**
         * How many adapters' files the middle tier keeps open (default 1024, at least 1). Each costs a
         * memory mapping (address space, not heap) and its parsed config.
         *
         * @throws IllegalArgumentException if below 1
         */
        public Builder mappedFiles(int files) {
            if (files < 1) {
                throw new IllegalArgumentException("mappedFiles must be at least 1, got " + files);
            }
            this.mappedFiles = files;
            return this;
        }

        /** Builds the (empty) cache. */
        public AdapterCache build() {
            boolean r =
                    reserve != null ? reserve : budget <= Runtime.getRuntime().maxMemory() / 2;
            return new AdapterCache(registry, budget, loader, r, resident == WeightFormat.BF16, mappedFiles);
        }
    }

    /** The configured budget in bytes. */
    public long budgetBytes() {
        return budget;
    }

    /** The registry adapters are loaded from. */
    public AdapterRegistry registry() {
        return registry;
    }

    /**
     * Leases {@code id}, loading it if needed (one load however many callers wait). The future fails
     * with {@link AdapterRejectedException} if the adapter is unregistered, larger than the whole
     * budget, or its files changed/broke since registration; with {@link AdapterBudgetException} if
     * it does not fit next to the locked adapters now.
     */
    public CompletableFuture<Lease> acquireAsync(AdapterId id) {
        AdapterRecord rec = registry.get(id).orElse(null);
        synchronized (this) {
            if (rec == null) {
                return CompletableFuture.failedFuture(new AdapterRejectedException(id, "not registered"));
            }
            Entry e = entries.get(id);
            if (e != null) {
                hits++;
                lock(e);
                if (e.state == State.READY) {
                    return CompletableFuture.completedFuture(new Lease(e));
                }
                return e.ready.thenApply(Lease::new);
            }
            long bytes = residentBytes(rec);
            if (bytes > budget) {
                return CompletableFuture.failedFuture(new AdapterRejectedException(
                        id, bytes + " resident bytes exceed the cache budget of " + budget));
            }
            if (!reserve(bytes)) {
                refusals++;
                return CompletableFuture.failedFuture(new AdapterBudgetException("adapter '" + id.value() + "' needs "
                        + bytes + " bytes but " + lockedBytes + " of " + budget
                        + " are held by adapters in use"));
            }
            misses++;
            Entry fresh = new Entry(id, bytes);
            fresh.refs = 1;
            entries.put(id, fresh);
            updatePeak();
            loader.execute(() -> load(fresh, rec));
            return fresh.ready.thenApply(Lease::new);
        }
    }

    /**
     * Blocking {@link #acquireAsync}.
     *
     * @throws AdapterRejectedException or {@link AdapterBudgetException} as described there
     */
    public Lease acquire(AdapterId id) {
        try {
            return acquireAsync(id).get();
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading adapter '" + id.value() + "'", e);
        }
    }

    /** Loads {@code id} in the background (if it fits) without holding it; completes when resident. */
    public CompletableFuture<Void> prefetch(AdapterId id) {
        return acquireAsync(id).thenAccept(Lease::close);
    }

    /**
     * Loads (blocking) and pins {@code id}: it stays resident, outside eviction, until {@link #unpin}.
     *
     * @throws AdapterRejectedException or {@link AdapterBudgetException} if it cannot be loaded
     */
    public void pin(AdapterId id) {
        try (Lease l = acquire(id)) {
            synchronized (this) {
                l.entry.pinned = true;
            }
        }
    }

    /** Unpins {@code id} (no-op if not pinned); it becomes evictable when no lease holds it. */
    public synchronized void unpin(AdapterId id) {
        Entry e = entries.get(id);
        if (e != null && e.pinned) {
            e.pinned = false;
            if (!e.locked()) {
                toEvictable(e);
            }
        }
    }

    /**
     * Loads every adapter in {@code ids} (blocking), leaving them evictable.
     *
     * @throws AdapterRejectedException or {@link AdapterBudgetException} on the first that fails
     */
    public void preload(Collection<AdapterId> ids) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (AdapterId id : ids) {
            all.add(prefetch(id));
        }
        for (CompletableFuture<Void> f : all) {
            try {
                f.join();
            } catch (CompletionException e) {
                throw unwrap(e.getCause());
            }
        }
    }

    /** Whether {@code id} is resident and ready (leased, pinned or evictable). */
    public synchronized boolean isResident(AdapterId id) {
        Entry e = entries.get(id);
        return e != null && e.state == State.READY;
    }

    /** Whether {@code id} is leased or pinned now. */
    public synchronized boolean isLocked(AdapterId id) {
        Entry e = entries.get(id);
        return e != null && e.locked();
    }

    /** Bytes resident now (locked + evictable, loads in flight included). */
    public synchronized long residentBytes() {
        return lockedBytes + cachedBytes;
    }

    /** A snapshot of the counters. */
    public synchronized Stats stats() {
        double p50 = 0, p99 = 0;
        if (!loadNanos.isEmpty()) {
            long[] s = loadNanos.stream().mapToLong(Long::longValue).sorted().toArray();
            p50 = s[(int) Math.min(s.length - 1, Math.floor(0.50 * s.length))] / 1e6;
            p99 = s[(int) Math.min(s.length - 1, Math.floor(0.99 * s.length))] / 1e6;
        }
        return new Stats(
                hits,
                misses,
                loads,
                loadFailures,
                evictions,
                refusals,
                p50,
                p99,
                lockedBytes + cachedBytes,
                peak,
                lockedBytes,
                entries.size(),
                arena.allocatedFloats() * Float.BYTES,
                ownArrays,
                mapped.hits(),
                mapped.opens(),
                mapped.size());
    }

    /**
     * Drops every evictable adapter (leased and pinned ones stay) and closes the mapped files (those
     * a load is reading close when it finishes).
     */
    @Override
    public synchronized void close() {
        mapped.close();
        for (Entry e : List.copyOf(entries.values())) {
            if (!e.locked()) {
                entries.remove(e.id);
                evictable.invalidate(e.id);
                cachedBytes -= e.bytes;
                freeRegion(e);
            }
        }
    }

    /**
     * Rejects an adapter whose weights file is no longer the one registered, so that it never reaches
     * a batch under the registered hash: a different size, or a different modification time and a
     * SHA-256 that no longer matches. A file whose time changed but whose hash still matches is
     * remembered and not hashed again until its time changes once more.
     */
    private void checkUnchanged(AdapterRecord rec) throws IOException {
        Path weights = rec.dir().resolve(LoraAdapter.WEIGHTS_FILE);
        BasicFileAttributes at = Files.readAttributes(weights, BasicFileAttributes.class);
        if (at.size() != rec.weightsFileBytes()) {
            throw new AdapterRejectedException(
                    rec.id(),
                    "weights file is " + at.size() + " bytes, " + rec.weightsFileBytes() + " at registration");
        }
        Instant modified = at.lastModifiedTime().toInstant();
        if (modified.equals(rec.weightsModified()) || modified.equals(verifiedModified.get(rec))) {
            return;
        }
        Hash now = AdapterRegistry.sha256(weights);
        if (!now.equals(rec.weightsSha256())) {
            mapped.invalidate(rec); // an open mapping may show the new bytes
            throw new AdapterRejectedException(
                    rec.id(),
                    LoraAdapter.WEIGHTS_FILE + " changed since registration (SHA-256 " + now + ", registered "
                            + rec.weightsSha256() + "); register the adapter again");
        }
        verifiedModified.put(rec, modified);
    }

    private void load(Entry e, AdapterRecord rec) {
        long t0 = System.nanoTime();
        try {
            checkUnchanged(rec);
            LoraAdapter a;
            try (MappedAdapterFiles.Handle files = mapped.acquire(rec)) {
                a = LoraAdapter.load(
                        rec.dir(), files.config(), files.weights(), registry.base(), new LoraAdapter.Storage() {
                            @Override
                            public LoraAdapter.Region allocate(int words) {
                                return place(e, words);
                            }

                            @Override
                            public boolean bf16() {
                                return bf16;
                            }
                        });
            } catch (RuntimeException bad) {
                mapped.invalidate(rec); // a file that fails to load is not kept open
                throw bad;
            }
            if (a.bytes() != e.bytes) {
                throw new AdapterRejectedException(rec.id(), "adapter changed since registration");
            }
            long dt = System.nanoTime() - t0;
            synchronized (this) {
                e.adapter = a;
                e.state = State.READY;
                loads++;
                loadNanos.add(dt);
                if (e.locked()) {
                    evictable.put(e.id, e); // weight 0 while held
                } else {
                    toEvictable(e);
                }
            }
            LOG.debug("loaded adapter {} ({} bytes) in {} µs", rec.id().value(), e.bytes, dt / 1000);
            e.ready.complete(e);
        } catch (Throwable t) {
            synchronized (this) {
                entries.remove(e.id);
                lockedBytes -= e.bytes;
                loadFailures++;
                freeRegion(e);
                applyMaximum();
            }
            LOG.warn("loading adapter {} failed: {}", rec.id().value(), t.toString());
            e.ready.completeExceptionally(
                    t instanceof AdapterRejectedException
                            ? t
                            : new AdapterRejectedException(rec.id(), t.toString(), t));
        }
    }

    // Caller holds the monitor. Counts one more holder; an entry that was evictable is re-put with
    // weight 0 (Caffeine never evicts zero-weight entries by size, and the update counts as an access
    // for W-TinyLFU) and its bytes move to the locked side.
    private void lock(Entry e) {
        boolean was = e.locked();
        e.refs++;
        if (!was && e.state == State.READY) {
            evictable.put(e.id, e);
            cachedBytes -= e.bytes;
            lockedBytes += e.bytes;
            applyMaximum();
        }
    }

    private synchronized void release(Entry e) {
        e.refs--;
        if (!e.locked() && e.state == State.READY) {
            toEvictable(e);
        }
        updatePeak();
    }

    // The entry just became unlocked: its bytes move to the evictable side, its weight becomes its size.
    private void toEvictable(Entry e) {
        lockedBytes -= e.bytes;
        cachedBytes += e.bytes;
        applyMaximum();
        evictable.put(e.id, e);
        evictable.cleanUp();
        updatePeak();
    }

    private boolean reserve(long bytes) {
        if (lockedBytes + bytes > budget) {
            return false;
        }
        lockedBytes += bytes;
        applyMaximum();
        return true;
    }

    private void applyMaximum() {
        Policy.Eviction<AdapterId, Entry> ev = evictable.policy().eviction().orElseThrow();
        ev.setMaximum(Math.max(0, (budget - lockedBytes) / KIB));
        evictable.cleanUp();
    }

    private synchronized void onEvicted(AdapterId id, Entry e) {
        if (e.locked()) {
            // cannot happen: locked entries weigh 0 and Caffeine skips them; keep serving it regardless
            LOG.error("Caffeine evicted locked adapter {}; it stays resident for its holders", id.value());
            return;
        }
        if (entries.get(id) == e) {
            entries.remove(id);
        }
        cachedBytes -= e.bytes;
        evictions++;
        freeRegion(e);
    }

    // A region in the pool for the adapter loading into e; when free space is too fragmented, the
    // coldest evictable adapters in the pool make way, and failing that the adapter gets its own array.
    private synchronized LoraAdapter.Region place(Entry e, int floats) {
        LoraAdapter.Region r = arena.allocate(floats);
        while (r == null && evictColdestInPool()) {
            r = arena.allocate(floats);
        }
        if (r == null) {
            ownArrays++;
            LOG.debug("no region of {} words in the adapter pool for {}; using its own array", floats, e.id.value());
            return (bf16 ? LoraAdapter.OWN_BF16 : LoraAdapter.OWN_ARRAY).allocate(floats);
        }
        e.region = r;
        return r;
    }

    /** Bytes {@code rec}'s adapter takes in this cache's resident form (F32 or BF16), as registered. */
    public long residentBytes(AdapterRecord rec) {
        return bf16 ? rec.residentBytesBf16() : rec.residentBytes();
    }

    // Evicts the coldest evictable adapter that occupies a pool region; false if there is none.
    private boolean evictColdestInPool() {
        Policy.Eviction<AdapterId, Entry> ev = evictable.policy().eviction().orElseThrow();
        for (Map.Entry<AdapterId, Entry> c :
                ev.coldest(Math.max(1, entries.size())).entrySet()) {
            Entry v = c.getValue();
            if (!v.locked() && v.region != null) {
                evictable.invalidate(c.getKey()); // an explicit removal: the eviction listener is not called
                onEvicted(c.getKey(), v);
                return true;
            }
        }
        return false;
    }

    // Returns e's region to the pool; its adapter is marked released first, so a reference kept past
    // its lease fails instead of reading the next adapter placed there.
    private void freeRegion(Entry e) {
        LoraAdapter.Region r = e.region;
        if (r != null) {
            e.region = null;
            LoraAdapter a = e.adapter;
            if (a != null) {
                a.release();
            }
            arena.free(r);
        }
    }

    private void updatePeak() {
        peak = Math.max(peak, lockedBytes + cachedBytes);
    }

    private static RuntimeException unwrap(@Nullable Throwable t) {
        if (t instanceof CompletionException ce && ce.getCause() != null) {
            t = ce.getCause();
        }
        if (t instanceof RuntimeException r) {
            return r;
        }
        return new IllegalStateException(t);
    }
}
