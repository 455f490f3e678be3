package io.openledger.core.testing;

import io.openledger.core.Bytes;
import io.openledger.core.store.KeyValueStore;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A store that counts its point reads ({@link #get}), for tests that bound how much a lookup reads. */
public final class CountingKeyValueStore extends ForwardingKeyValueStore {
    private final AtomicInteger gets = new AtomicInteger();

    /** Counts the reads made through it to {@code delegate}. */
    public CountingKeyValueStore(KeyValueStore delegate) {
        super(delegate);
    }

    @Override
    public Optional<Bytes> get(Bytes key) {
        gets.incrementAndGet();
        return super.get(key);
    }

    /** Point reads since the last {@link #reset}. */
    public int gets() {
        return gets.get();
    }

    /** Starts counting again from zero. */
    public void reset() {
        gets.set(0);
    }
}
