package io.openledger.chain.internal.node;

import io.openledger.core.Bytes;
import io.openledger.core.store.KeyValueIterator;
import io.openledger.core.store.KeyValueStore;
import io.openledger.core.store.Snapshot;
import io.openledger.core.store.WriteBatch;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Collects writes in memory over a base store so that trie nodes, block data and the head pointer of
 * one block reach the base store in a single atomic batch (crash safety: a block is either wholly
 * stored or not at all). Reads see buffered writes first. Not thread-safe.
 */
final class BufferedStore implements KeyValueStore {
    private final KeyValueStore base;
    private final Map<Bytes, Bytes> pending = new HashMap<>();
    private WriteBatch batch = new WriteBatch();

    BufferedStore(KeyValueStore base) {
        this.base = base;
    }

    KeyValueStore base() {
        return base;
    }

    @Override
    public Optional<Bytes> get(Bytes key) {
        Bytes v = pending.get(key);
        return v != null ? Optional.of(v) : base.get(key);
    }

    @Override
    public KeyValueIterator scan(Bytes prefix) {
        return base.scan(prefix);
    }

    @Override
    public void put(Bytes key, Bytes value) {
        pending.put(key, value);
        batch.put(key, value);
    }

    @Override
    public void delete(Bytes key) {
        throw new UnsupportedOperationException("the state store only adds content-addressed nodes");
    }

    @Override
    public void write(WriteBatch b) {
        for (WriteBatch.Op op : b.ops()) {
            Bytes v = op.value();
            if (v == null) {
                delete(op.key());
            } else {
                put(op.key(), v);
            }
        }
    }

    /** Writes everything buffered plus {@code extra} to the base store in one batch. */
    void flush(WriteBatch extra) {
        for (WriteBatch.Op op : extra.ops()) {
            Bytes v = op.value();
            if (v == null) {
                batch.delete(op.key());
            } else {
                batch.put(op.key(), v);
            }
        }
        if (!batch.isEmpty()) {
            base.write(batch);
        }
        pending.clear();
        batch = new WriteBatch();
    }

    /** Drops everything buffered (a block that was not sealed). */
    void discard() {
        pending.clear();
        batch = new WriteBatch();
    }

    @Override
    public Snapshot snapshot() {
        return base.snapshot();
    }

    @Override
    public void close() {}
}
