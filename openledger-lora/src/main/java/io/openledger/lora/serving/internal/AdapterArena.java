package io.openledger.lora.serving.internal;

import io.openledger.lora.LoraAdapter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The adapter cache's memory: a few large float arrays that resident adapters are placed in, one
 * contiguous region per adapter, found first-fit and coalesced with its free neighbours when freed.
 *
 * <p>This is S-LoRA's unified memory pool on the JVM heap. Loading an adapter into memory that was
 * allocated (and touched) once, instead of into new arrays, keeps loads off the garbage collector:
 * G1 copied every freshly loaded adapter in young pauses of 100-350 ms, and first touches of newly
 * committed heap cost this VM another 60-70 ms per load. The arrays are large enough to be
 * allocated straight into the old generation and are never copied.
 *
 * <p>Chunks are allocated up to the capacity, all at once by {@link #reserveAll} or one by one as
 * regions need them. A region never spans two chunks, so a request larger than the chunk size
 * gets {@code null} (the caller keeps such an adapter in its own array). Thread-safe.
 */
public final class AdapterArena {
    /** Largest chunk: 64 Mi floats (256 MiB). */
    public static final int MAX_CHUNK_FLOATS = 64 << 20;

    private final long capacityFloats;
    private final int chunkFloats;
    private final boolean ints;
    private final List<Object> chunks = new ArrayList<>(); // float[] or, for bfloat16 adapters, int[]
    private final List<TreeMap<Integer, Integer>> free = new ArrayList<>(); // per chunk: offset -> length
    private long allocatedFloats;
    private long usedFloats;

    /**
     * An arena of at most {@code capacityFloats} floats in chunks of at most {@code chunkFloats}.
     *
     * @throws IllegalArgumentException if either is not positive
     */
    public AdapterArena(long capacityFloats, int chunkFloats) {
        this(capacityFloats, chunkFloats, false);
    }

    /**
     * An arena of 32-bit words: float arrays, or int arrays if {@code ints} (bfloat16 adapters).
     *
     * @throws IllegalArgumentException if the capacity or chunk size is not positive
     */
    public AdapterArena(long capacityFloats, int chunkFloats, boolean ints) {
        this.ints = ints;
        if (capacityFloats <= 0 || chunkFloats <= 0) {
            throw new IllegalArgumentException(
                    "capacity and chunk size must be positive, got " + capacityFloats + ", " + chunkFloats);
        }
        this.capacityFloats = capacityFloats;
        this.chunkFloats = (int) Math.min(chunkFloats, capacityFloats);
    }

    /**
     * Allocates every chunk now and touches each of its pages, so that no later placement pays for
     * fresh memory: the JVM hands out a large new array as untouched pages, and faulting them in
     * while an adapter is copied there made a rank-16 load take 14 ms instead of 3 (measured here).
     */
    public synchronized void reserveAll() {
        while (allocatedFloats < capacityFloats) {
            Object chunk = chunks.get(addChunk());
            if (chunk instanceof float[] f) {
                for (int i = 0; i < f.length; i += PAGE_FLOATS) {
                    f[i] = 0f;
                }
            } else {
                int[] n = (int[]) chunk;
                for (int i = 0; i < n.length; i += PAGE_FLOATS) {
                    n[i] = 0;
                }
            }
        }
    }

    /** Floats per 4 KiB page. */
    private static final int PAGE_FLOATS = 1024;

    private int addChunk() {
        int size = (int) Math.min(chunkFloats, capacityFloats - allocatedFloats);
        chunks.add(ints ? new int[size] : new float[size]);
        TreeMap<Integer, Integer> f = new TreeMap<>();
        f.put(0, size);
        free.add(f);
        allocatedFloats += size;
        return chunks.size() - 1;
    }

    /**
     * A region of {@code floats} floats (contents unspecified), or {@code null} when no free run is
     * that long and no chunk can be added.
     *
     * @throws IllegalArgumentException if {@code floats} is not positive
     */
    public synchronized LoraAdapter.@Nullable Region allocate(int floats) {
        if (floats <= 0) {
            throw new IllegalArgumentException("region size must be positive, got " + floats);
        }
        for (int c = 0; c < chunks.size(); c++) {
            LoraAdapter.Region r = take(c, floats);
            if (r != null) {
                return r;
            }
        }
        while (allocatedFloats < capacityFloats && floats <= Math.min(chunkFloats, capacityFloats - allocatedFloats)) {
            LoraAdapter.Region r = take(addChunk(), floats);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private LoraAdapter.@Nullable Region take(int c, int floats) {
        TreeMap<Integer, Integer> f = free.get(c);
        for (Map.Entry<Integer, Integer> run : f.entrySet()) {
            if (run.getValue() >= floats) {
                int off = run.getKey();
                int len = run.getValue();
                f.remove(off);
                if (len > floats) {
                    f.put(off + floats, len - floats);
                }
                usedFloats += floats;
                Object chunk = chunks.get(c);
                return chunk instanceof float[] fl
                        ? LoraAdapter.Region.ofFloats(fl, off, floats)
                        : LoraAdapter.Region.ofInts((int[]) chunk, off, floats);
            }
        }
        return null;
    }

    /**
     * Returns a region from {@link #allocate}; it merges with free runs next to it.
     *
     * @throws IllegalArgumentException if the region is not one of this arena's, or overlaps a free run
     */
    public synchronized void free(LoraAdapter.Region r) {
        int c = chunkOf(r.array());
        TreeMap<Integer, Integer> f = free.get(c);
        int off = r.offset();
        int len = r.length();
        Map.Entry<Integer, Integer> before = f.floorEntry(off);
        Map.Entry<Integer, Integer> after = f.ceilingEntry(off);
        if ((before != null && before.getKey() + before.getValue() > off)
                || (after != null && after.getKey() < off + len)) {
            throw new IllegalArgumentException("region [" + off + ", " + (off + len) + ") is already free");
        }
        if (before != null && before.getKey() + before.getValue() == off) {
            f.remove(before.getKey());
            off = before.getKey();
            len += before.getValue();
        }
        if (after != null && after.getKey() == off + len) {
            f.remove(after.getKey());
            len += after.getValue();
        }
        f.put(off, len);
        usedFloats -= r.length();
    }

    private int chunkOf(Object array) {
        for (int c = 0; c < chunks.size(); c++) {
            if (chunks.get(c) == array) {
                return c;
            }
        }
        throw new IllegalArgumentException("region is not in this arena");
    }

    /** Floats in allocated regions. */
    public synchronized long usedFloats() {
        return usedFloats;
    }

    /** Floats in chunks allocated so far. */
    public synchronized long allocatedFloats() {
        return allocatedFloats;
    }

    /** The longest free run in any allocated chunk. */
    public synchronized int largestFreeRun() {
        int best = 0;
        for (TreeMap<Integer, Integer> f : free) {
            for (int len : f.values()) {
                best = Math.max(best, len);
            }
        }
        return best;
    }
}
