package io.openledger.core.store;

import io.openledger.core.Bytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * A {@link KeyValueStore} on RocksDB (bytewise key order, write-ahead log always on).
 *
 * <p>With {@link Builder#syncWrites(boolean) syncWrites} on (the default), every write and batch is
 * fsynced through the WAL before the call returns, so it survives a process or machine crash;
 * concurrent writers are group-committed by RocksDB into one fsync. With it off, a process crash
 * still loses nothing that returned, but a power loss may lose the last writes.
 *
 * <p>Needs {@code org.rocksdb:rocksdbjni} on the class or module path (an optional dependency of
 * core). Thread-safe.
 */
public final class RocksDbKeyValueStore implements KeyValueStore {
    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final RocksDB db;
    private final Options options;
    private final WriteOptions writeOptions;
    // Guards close against calls in flight: RocksDB crashes the JVM on use after close.
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private RocksDbKeyValueStore(Builder b) {
        this.directory = b.directory;
        try {
            Files.createDirectories(b.directory);
            this.options =
                    new Options().setCreateIfMissing(true).setIncreaseParallelism(Math.max(1, b.backgroundThreads));
            this.db = RocksDB.open(options, b.directory.toString());
            this.writeOptions = new WriteOptions().setSync(b.syncWrites).setDisableWAL(false);
        } catch (RocksDBException | java.io.IOException e) {
            throw new StoreException("cannot open RocksDB at " + b.directory + ": " + e.getMessage(), e);
        }
    }

    /** Opens (creating if needed) a store in {@code directory} with sync writes on. */
    public static RocksDbKeyValueStore open(Path directory) {
        return builder(directory).build();
    }

    /** A builder for a store in {@code directory}. */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** The directory the store lives in. */
    public Path directory() {
        return directory;
    }

    @Override
    public Optional<Bytes> get(Bytes key) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            byte[] v = db.get(key.unsafeArray());
            return v == null ? Optional.empty() : Optional.of(Bytes.wrap(v));
        } catch (RocksDBException e) {
            throw fail("get", e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public KeyValueIterator scan(Bytes prefix) {
        return scan(prefix, null);
    }

    @Override
    public void put(Bytes key, Bytes value) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            db.put(writeOptions, key.unsafeArray(), value.unsafeArray());
        } catch (RocksDBException e) {
            throw fail("put", e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public void delete(Bytes key) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            db.delete(writeOptions, key.unsafeArray());
        } catch (RocksDBException e) {
            throw fail("delete", e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public void write(WriteBatch batch) {
        lifecycle.readLock().lock();
        try (org.rocksdb.WriteBatch wb = new org.rocksdb.WriteBatch()) {
            checkOpen();
            for (WriteBatch.Op op : batch.ops()) {
                Bytes value = op.value();
                if (value == null) {
                    wb.delete(op.key().unsafeArray());
                } else {
                    wb.put(op.key().unsafeArray(), value.unsafeArray());
                }
            }
            db.write(writeOptions, wb);
        } catch (RocksDBException e) {
            throw fail("write batch", e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public Snapshot snapshot() {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            return new RocksSnapshot(db.getSnapshot());
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Forces the write-ahead log to disk (useful when sync writes are off). */
    public void flushWal() {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            db.flushWal(true);
        } catch (RocksDBException e) {
            throw fail("flush WAL", e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                writeOptions.close();
                db.close();
                options.close();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("RocksDB store at " + directory + " is closed");
        }
    }

    private StoreException fail(String what, RocksDBException e) {
        return new StoreException("RocksDB " + what + " failed at " + directory + ": " + e.getMessage(), e);
    }

    private KeyValueIterator scan(Bytes prefix, org.rocksdb.@Nullable Snapshot snap) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            ReadOptions ro = new ReadOptions();
            if (snap != null) {
                ro.setSnapshot(snap);
            }
            RocksIterator it = db.newIterator(ro);
            it.seek(prefix.unsafeArray());
            return new RocksScan(it, ro, prefix);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private final class RocksScan implements KeyValueIterator {
        private final RocksIterator it;
        private final ReadOptions ro;
        private final Bytes prefix;
        private @Nullable KeyValue next;
        private boolean released;

        RocksScan(RocksIterator it, ReadOptions ro, Bytes prefix) {
            this.it = it;
            this.ro = ro;
            this.prefix = prefix;
            load();
        }

        private void load() {
            lifecycle.readLock().lock();
            try {
                checkOpen();
                next = null;
                if (it.isValid()) {
                    Bytes k = Bytes.wrap(it.key());
                    if (k.startsWith(prefix)) {
                        next = new KeyValue(k, Bytes.wrap(it.value()));
                    }
                } else {
                    it.status();
                }
            } catch (RocksDBException e) {
                throw fail("scan", e);
            } finally {
                lifecycle.readLock().unlock();
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
            lifecycle.readLock().lock();
            try {
                checkOpen();
                it.next();
            } finally {
                lifecycle.readLock().unlock();
            }
            load();
            return kv;
        }

        @Override
        public void close() {
            lifecycle.readLock().lock();
            try {
                if (!released && !closed) {
                    it.close();
                    ro.close();
                }
                released = true;
            } finally {
                lifecycle.readLock().unlock();
            }
        }
    }

    private final class RocksSnapshot implements Snapshot {
        private final org.rocksdb.Snapshot snap;
        private final ReadOptions ro;
        private boolean released;

        RocksSnapshot(org.rocksdb.Snapshot snap) {
            this.snap = snap;
            this.ro = new ReadOptions().setSnapshot(snap);
        }

        @Override
        public Optional<Bytes> get(Bytes key) {
            lifecycle.readLock().lock();
            try {
                check();
                byte[] v = db.get(ro, key.unsafeArray());
                return v == null ? Optional.empty() : Optional.of(Bytes.wrap(v));
            } catch (RocksDBException e) {
                throw fail("snapshot get", e);
            } finally {
                lifecycle.readLock().unlock();
            }
        }

        @Override
        public KeyValueIterator scan(Bytes prefix) {
            synchronized (this) {
                if (released) {
                    throw new StoreException("snapshot is closed");
                }
            }
            return RocksDbKeyValueStore.this.scan(prefix, snap);
        }

        private synchronized void check() {
            checkOpen();
            if (released) {
                throw new StoreException("snapshot is closed");
            }
        }

        @Override
        public void close() {
            lifecycle.readLock().lock();
            try {
                synchronized (this) {
                    if (!released && !closed) {
                        ro.close();
                        db.releaseSnapshot(snap);
                    }
                    released = true;
                }
            } finally {
                lifecycle.readLock().unlock();
            }
        }
    }

    /** Settings for {@link RocksDbKeyValueStore}. */
    public static final class Builder {
        private final Path directory;
        private boolean syncWrites = true;
        private int backgroundThreads = 2;

        private Builder(Path directory) {
            this.directory = directory;
        }

        /** Fsync every write through the WAL before returning (default true). */
        public Builder syncWrites(boolean sync) {
            this.syncWrites = sync;
            return this;
        }

        /**
         * Background threads for flushes and compactions (default 2).
         *
         * @throws IllegalArgumentException if not in [1, 64]
         */
        public Builder backgroundThreads(int n) {
            if (n < 1 || n > 64) {
                throw new IllegalArgumentException("backgroundThreads must be in [1, 64], got " + n);
            }
            this.backgroundThreads = n;
            return this;
        }

        /** Opens the store. */
        public RocksDbKeyValueStore build() {
            return new RocksDbKeyValueStore(this);
        }
    }
}
