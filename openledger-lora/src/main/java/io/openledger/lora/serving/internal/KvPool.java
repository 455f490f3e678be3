package io.openledger.lora.serving.internal;

import java.util.ArrayDeque;

/**
 * A paged KV cache: fixed-size pages of {@code pageTokens} positions for every layer, handed to
 * sequences on demand from a free list (the PagedAttention layout on the CPU: a sequence's cache is
 * a page table, not one contiguous array, so memory is not fragmented by unequal lengths). Pages are
 * reserved at admission for a request's whole budget (prompt + max new tokens), so a running request
 * never waits for memory. Not thread-safe: owned by the scheduler thread.
 */
public final class KvPool {
    /** Keys per layer: {@code pages × pageTokens × kvDim} floats. */
    final float[][] keys;

    /** Values per layer, same layout as keys. */
    final float[][] values;

    final int pageTokens;
    final int kvDim;
    private final int pages;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private int reserved;
    private int peakUsed;

    /** A pool of {@code pages} pages of {@code pageTokens} positions for {@code layers} layers. */
    public KvPool(int layers, int kvDim, int pageTokens, int pages) {
        this(layers, kvDim, pageTokens, pages, true);
    }

    /**
     * The page accounting without the float arrays ({@code hostStorage} false), for an engine that
     * keeps the keys and values elsewhere (the CUDA engine, in device memory, in the same page
     * layout): {@link #keys} and {@link #values} are then empty arrays.
     */
    public KvPool(int layers, int kvDim, int pageTokens, int pages, boolean hostStorage) {
        if (pages < 1 || pageTokens < 1) {
            throw new IllegalArgumentException("pages and pageTokens must be >= 1, got " + pages + ", " + pageTokens);
        }
        this.pageTokens = pageTokens;
        this.kvDim = kvDim;
        this.pages = pages;
        long perLayer = (long) pages * pageTokens * kvDim;
        if (perLayer > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("KV pool too large per layer: " + perLayer + " floats");
        }
        int stored = hostStorage ? (int) perLayer : 0;
        keys = new float[layers][stored];
        values = new float[layers][stored];
        for (int p = 0; p < pages; p++) {
            free.add(p);
        }
    }

    /**
     * The pool that {@code kvBytes} buys: as many pages of {@code pageTokens} positions over {@code
     * layers} layers (keys and values, float32) as fit in the budget.
     *
     * @throws IllegalArgumentException if the budget holds not even one page
     */
    public static KvPool forBudget(int layers, int kvDim, int pageTokens, long kvBytes, boolean hostStorage) {
        long pageBytes = 2L * layers * pageTokens * kvDim * Float.BYTES;
        long pages = kvBytes / pageBytes;
        if (pages < 1) {
            throw new IllegalArgumentException("kvCacheBytes " + kvBytes + " holds no page of " + pageBytes + " bytes");
        }
        return new KvPool(layers, kvDim, pageTokens, (int) Math.min(pages, Integer.MAX_VALUE / 2), hostStorage);
    }

    /** Pages needed to hold {@code tokens} positions. */
    public int pagesFor(int tokens) {
        return (tokens + pageTokens - 1) / pageTokens;
    }

    /** Bytes of one page over all layers (keys and values). */
    public long pageBytes() {
        return 2L * keys.length * pageTokens * kvDim * Float.BYTES;
    }

    /** Total pages. */
    public int pages() {
        return pages;
    }

    /** Pages reserved by admitted sequences. */
    public int reservedPages() {
        return reserved;
    }

    /** The most pages ever reserved at once. */
    public int peakReservedPages() {
        return peakUsed;
    }

    /** Reserves room for a sequence of up to {@code tokens} positions; false if it does not fit now. */
    public boolean reserve(Sequence s, int tokens) {
        int n = pagesFor(tokens);
        if (reserved + n > pages) {
            return false;
        }
        reserved += n;
        peakUsed = Math.max(peakUsed, reserved);
        s.reservedPages = n;
        s.capacityTokens = tokens;
        return true;
    }

    /** Makes sure positions {@code [0, upTo)} of {@code s} have pages. */
    void ensure(Sequence s, int upTo) {
        int need = pagesFor(upTo);
        if (need > s.reservedPages) {
            throw new IllegalStateException("sequence exceeds its reservation: " + upTo + " > " + s.capacityTokens);
        }
        while (s.pageCount < need) {
            Integer p = free.poll();
            if (p == null) {
                throw new IllegalStateException("KV pool exhausted despite reservation");
            }
            s.addPage(p);
        }
    }

    /** Returns every page of {@code s} and its reservation to the pool. */
    public void release(Sequence s) {
        for (int i = 0; i < s.pageCount; i++) {
            free.add(s.pageTable[i]);
        }
        reserved -= s.reservedPages;
        s.pageCount = 0;
        s.reservedPages = 0;
    }

    /** Float offset of position {@code pos} of {@code s} in the per-layer arrays. */
    int offset(Sequence s, int pos) {
        return (s.pageTable[pos / pageTokens] * pageTokens + pos % pageTokens) * kvDim;
    }
}
