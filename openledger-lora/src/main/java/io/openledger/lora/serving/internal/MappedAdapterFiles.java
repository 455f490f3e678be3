package io.openledger.lora.serving.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.openledger.lora.AdapterConfig;
import io.openledger.lora.LoraAdapter;
import io.openledger.lora.SafeTensors;
import io.openledger.lora.serving.AdapterRecord;
import java.util.concurrent.atomic.LongAdder;

/**
 * The middle tier of the adapter cache: adapters' files kept open between loads, each as its parsed
 * {@code adapter_config.json} and a memory mapping of its validated safetensors file. Reloading an
 * evicted adapter from here skips opening, mapping, header parsing and validation of the file, and
 * reads pages the OS page cache most likely still holds. Bounded by a number of files (a mapping costs
 * address space and a kernel mapping, not heap), in a Caffeine cache (W-TinyLFU) keyed by the
 * adapter's registry record, so a re-registered adapter never meets its old files.
 *
 * <p>A mapping in use by a load is never closed under it: {@link #acquire} hands out a reference-counted
 * {@link Handle}, and a mapping dropped from the tier closes when its last handle does. Thread-safe.
 */
public final class MappedAdapterFiles implements AutoCloseable {
    /** One adapter's open files; {@link #close} releases them (idempotent). Not thread-safe. */
    public static final class Handle implements AutoCloseable {
        private final Mapped mapped;
        private boolean closed;

        private Handle(Mapped mapped) {
            this.mapped = mapped;
        }

        /** The parsed adapter config. */
        public AdapterConfig config() {
            return mapped.config;
        }

        /** The mapped, validated weights file. */
        public SafeTensors weights() {
            return mapped.weights;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                mapped.release();
            }
        }
    }

    private static final class Mapped {
        final AdapterConfig config;
        final SafeTensors weights;
        private int refs;
        private boolean dropped;
        private boolean closed;

        Mapped(AdapterConfig config, SafeTensors weights) {
            this.config = config;
            this.weights = weights;
        }

        synchronized boolean retain() {
            if (closed) {
                return false;
            }
            refs++;
            return true;
        }

        synchronized void release() {
            refs--;
            closeIfUnused();
        }

        synchronized void drop() {
            dropped = true;
            closeIfUnused();
        }

        private void closeIfUnused() {
            if (dropped && refs == 0 && !closed) {
                closed = true;
                weights.close();
            }
        }
    }

    private final Cache<AdapterRecord, Mapped> files;
    private final LongAdder hits = new LongAdder();
    private final LongAdder opens = new LongAdder();

    /** A tier of at most {@code maxFiles} open adapters (at least 1). */
    public MappedAdapterFiles(int maxFiles) {
        if (maxFiles < 1) {
            throw new IllegalArgumentException("maxFiles must be positive, got " + maxFiles);
        }
        this.files = Caffeine.newBuilder()
                .maximumSize(maxFiles)
                .executor(Runnable::run) // close dropped mappings at once, not on a pool thread
                .<AdapterRecord, Mapped>removalListener((rec, m, cause) -> {
                    if (m != null) {
                        m.drop();
                    }
                })
                .build();
    }

    /**
     * The open files of {@code rec}'s adapter, opening them if this tier does not hold them.
     *
     * @throws io.openledger.lora.ModelFormatException if the files are missing or invalid (nothing is
     *     kept for them)
     */
    public Handle acquire(AdapterRecord rec) {
        while (true) {
            boolean[] opened = {false};
            Mapped m = files.get(rec, r -> {
                opened[0] = true;
                AdapterConfig cfg = LoraAdapter.readConfig(r.dir());
                return new Mapped(cfg, SafeTensors.open(LoraAdapter.weightsFile(r.dir())));
            });
            if (m.retain()) {
                (opened[0] ? opens : hits).increment();
                return new Handle(m);
            }
            // dropped and closed between the lookup and the retain: look again (it is gone by now)
        }
    }

    /** Drops {@code rec}'s files (closed once no load uses them). */
    public void invalidate(AdapterRecord rec) {
        files.invalidate(rec);
    }

    /** Acquires that found the files open. */
    public long hits() {
        return hits.sum();
    }

    /** Acquires that opened the files. */
    public long opens() {
        return opens.sum();
    }

    /** Adapters whose files are open now. */
    public long size() {
        files.cleanUp();
        return files.estimatedSize();
    }

    /** Drops every entry; mappings in use close when their loads finish. */
    @Override
    public void close() {
        files.invalidateAll();
        files.cleanUp();
    }
}
