package io.openledger.core.store;

import io.openledger.core.Bytes;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A multi-version in-memory store. Each key keeps a short chain of versions tagged with a commit
 * sequence number; readers (plain reads at the latest committed sequence, or snapshots at theirs)
 * skip versions newer than they may see. A batch becomes visible only when its sequence is
 * published, so no reader observes half of one. Versions no live snapshot can see are pruned as
 * keys are rewritten.
 *
 * <p>Thread-safe: writers are serialised by a lock, readers never block.
 */
public final class InMemoryKeyValueStore implements KeyValueStore {
    private static final class Version {
        final long seq;
        final @Nullable Bytes value;
        volatile @Nullable Version older;
        volatile boolean pruned; // older versions were dropped, not absent

        Version(long seq, @Nullable Bytes value, @Nullable Version older) {
            this.seq = seq;
            this.value = value;
            this.older = older;
        }
    }

    private final ConcurrentSkipListMap<Bytes, Version> map = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<Long, Integer> liveSnapshots = new ConcurrentSkipListMap<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile long committed;
    private volatile boolean closed;

    /** An empty store. */
    public InMemoryKeyValueStore() {}

    @Override
    public Optional<Bytes> get(Bytes key) {
        checkOpen();
        while (true) {
            long seq = committed;
            Bytes v = read(map.get(key), seq);
            if (v != TRUNCATED) { // identity: the sentinel is never a stored value
                return Optional.ofNullable(v);
            }
            // A writer pruned the version we were after while we read: a newer commit exists, read it.
        }
    }

    /** A plain scan pins its sequence like a snapshot until closed, so it reads one consistent state. */
    @Override
    public KeyValueIterator scan(Bytes prefix) {
        Snapshot pin = snapshot();
        KeyValueIterator it = pin.scan(prefix);
        return new KeyValueIterator() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public KeyValue next() {
                return it.next();
            }

            @Override
            public void close() {
                pin.close();
            }
        };
    }

    @Override
    public void put(Bytes key, Bytes value) {
        write(new WriteBatch().put(key, value));
    }

    @Override
    public void delete(Bytes key) {
        write(new WriteBatch().delete(key));
    }

    @Override
    public void write(WriteBatch batch) {
        if (batch.isEmpty()) {
            checkOpen();
            return;
        }
        writeLock.lock();
        try {
            checkOpen();
            long seq = committed + 1;
            // Keep what the previous commit made visible, for plain reads racing with this write.
            // Snapshots close without the lock, so read the oldest one once (firstKey could throw).
            Map.Entry<Long, Integer> oldest = liveSnapshots.firstEntry();
            long oldestVisible = oldest == null ? seq - 1 : Math.min(seq - 1, oldest.getKey());
            for (WriteBatch.Op op : batch.ops()) {
                Version head = map.get(op.key());
                if (head == null && op.value() == null) {
                    continue;
                }
                Version v = new Version(seq, op.value(), head != null && head.seq == seq ? head.older : head);
                prune(v, oldestVisible);
                map.put(op.key(), v);
            }
            committed = seq; // publish: the batch becomes visible at once
            if (liveSnapshots.isEmpty()) {
                compactTombstones(batch);
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Snapshot snapshot() {
        writeLock.lock();
        try {
            checkOpen();
            long seq = committed;
            liveSnapshots.merge(seq, 1, Integer::sum);
            return new MemSnapshot(seq);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Number of live keys (for tests and metrics; O(n)). */
    public long size() {
        long n = 0;
        try (KeyValueIterator it = scan(Bytes.EMPTY)) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("the in-memory store is closed");
        }
    }

    // Drops versions that neither the newest reader nor any live snapshot can reach.
    private static void prune(Version newest, long oldestVisible) {
        Version v = newest;
        while (v != null) {
            if (v.seq <= oldestVisible) {
                if (v.older != null) {
                    v.pruned = true;
                    v.older = null;
                }
                return;
            }
            v = v.older;
        }
    }

    // With no snapshot or scan alive, a deleted key can go entirely: a racing plain get then reads
    // "absent", which is the committed state it would see an instant later anyway.
    private void compactTombstones(WriteBatch batch) {
        for (WriteBatch.Op op : batch.ops()) {
            if (op.value() == null) {
                Version head = map.get(op.key());
                if (head != null && head.value == null) {
                    map.remove(op.key(), head);
                }
            }
        }
    }

    private static final Bytes TRUNCATED = Bytes.wrap(new byte[] {0});

    // The value visible at seq: null if absent or deleted, TRUNCATED if the chain was pruned past it.
    private static @Nullable Bytes read(@Nullable Version v, long seq) {
        boolean pruned = false;
        while (v != null && v.seq > seq) {
            pruned = v.pruned;
            v = v.older;
        }
        if (v == null) {
            return pruned ? TRUNCATED : null;
        }
        return v.value;
    }

    private final class MemSnapshot implements Snapshot {
        private final long seq;
        private boolean released;

        MemSnapshot(long seq) {
            this.seq = seq;
        }

        @Override
        public Optional<Bytes> get(Bytes key) {
            check();
            Bytes v = read(map.get(key), seq);
            return v == TRUNCATED ? Optional.empty() : Optional.ofNullable(v);
        }

        @Override
        public KeyValueIterator scan(Bytes prefix) {
            check();
            return new ScanIterator(prefix, seq);
        }

        private void check() {
            checkOpen();
            if (released) {
                throw new StoreException("snapshot is closed");
            }
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                liveSnapshots.computeIfPresent(seq, (k, n) -> n == 1 ? null : n - 1);
            }
        }
    }

    private final class ScanIterator implements KeyValueIterator {
        private final Iterator<Map.Entry<Bytes, Version>> it;
        private final Bytes prefix;
        private final long seq;
        private @Nullable KeyValue next;

        ScanIterator(Bytes prefix, long seq) {
            ConcurrentNavigableMap<Bytes, Version> tail = map.tailMap(prefix, true);
            this.it = tail.entrySet().iterator();
            this.prefix = prefix;
            this.seq = seq;
            advance();
        }

        private void advance() {
            next = null;
            while (it.hasNext()) {
                Map.Entry<Bytes, Version> e = it.next();
                if (!e.getKey().startsWith(prefix)) {
                    return;
                }
                Bytes v = read(e.getValue(), seq);
                if (v != null && v != TRUNCATED) {
                    next = new KeyValue(e.getKey(), v);
                    return;
                }
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public KeyValue next() {
            KeyValue kv = next;
            if (kv == null) {
                throw new NoSuchElementException();
            }
            advance();
            return kv;
        }

        @Override
        public void close() {}
    }
}
