package io.openledger.core.testing;

import io.openledger.core.Bytes;
import io.openledger.core.store.KeyValueIterator;
import io.openledger.core.store.KeyValueStore;
import io.openledger.core.store.Snapshot;
import io.openledger.core.store.WriteBatch;
import java.util.Optional;

/**
 * A {@link KeyValueStore} that hands every call to another store: a base for test doubles that
 * count, slow down or fail some calls and override only those.
 */
public class ForwardingKeyValueStore implements KeyValueStore {
    private final KeyValueStore delegate;

    /** Forwards to {@code delegate}. */
    public ForwardingKeyValueStore(KeyValueStore delegate) {
        this.delegate = delegate;
    }

    /** The store calls go to. */
    protected KeyValueStore delegate() {
        return delegate;
    }

    @Override
    public Optional<Bytes> get(Bytes key) {
        return delegate.get(key);
    }

    @Override
    public KeyValueIterator scan(Bytes prefix) {
        return delegate.scan(prefix);
    }

    @Override
    public void put(Bytes key, Bytes value) {
        delegate.put(key, value);
    }

    @Override
    public void delete(Bytes key) {
        delegate.delete(key);
    }

    @Override
    public void write(WriteBatch batch) {
        delegate.write(batch);
    }

    @Override
    public Snapshot snapshot() {
        return delegate.snapshot();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
