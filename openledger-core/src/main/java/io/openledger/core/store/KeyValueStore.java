package io.openledger.core.store;

import io.openledger.core.Bytes;

/**
 * The storage SPI every module persists through: an ordered map of byte keys to byte values with
 * atomic write batches, prefix iteration and snapshots.
 *
 * <p>Guarantees every implementation must keep (checked by the contract test kit {@code
 * io.openledger.core.testing.KeyValueStoreContract} in the core test-jar):
 *
 * <ul>
 *   <li>a {@link WriteBatch} applies all or nothing, and readers never see half of one;
 *   <li>{@link #scan} returns keys in unsigned lexicographic order;
 *   <li>a {@link Snapshot} sees the store as it was when taken, whatever is written later;
 *   <li>after {@link #close()}, every call throws {@link StoreException}.
 * </ul>
 *
 * <p>Implementations are thread-safe. Durability is the implementation's: see {@link
 * RocksDbKeyValueStore} for sync writes.
 */
public interface KeyValueStore extends KeyValueReader, AutoCloseable {
    /** Stores {@code value} under {@code key}, replacing any previous value. */
    void put(Bytes key, Bytes value);

    /** Removes {@code key}; does nothing if it is absent. */
    void delete(Bytes key);

    /** Applies every operation of {@code batch} atomically, in order. */
    void write(WriteBatch batch);

    /** A consistent read-only view of the store as of now. The caller must close it. */
    Snapshot snapshot();

    /** Releases the store. Further calls throw {@link StoreException}. Idempotent. */
    @Override
    void close();
}
