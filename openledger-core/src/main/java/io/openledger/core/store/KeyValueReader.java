package io.openledger.core.store;

import io.openledger.core.Bytes;
import java.util.Optional;

/** Read access to a key-value store or to a snapshot of one. Keys are ordered unsigned-lexicographically. */
public interface KeyValueReader {
    /**
     * The value stored under {@code key}, if any.
     *
     * @throws StoreException if the store is closed or fails
     */
    Optional<Bytes> get(Bytes key);

    /**
     * The entries whose keys start with {@code prefix}, in ascending key order. The caller must close
     * the iterator. An empty prefix iterates everything.
     *
     * @throws StoreException if the store is closed or fails
     */
    KeyValueIterator scan(Bytes prefix);

    /** True if a value is stored under {@code key}. */
    default boolean contains(Bytes key) {
        return get(key).isPresent();
    }
}
