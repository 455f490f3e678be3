package io.openledger.core.store;

import io.openledger.core.Bytes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An ordered list of puts and deletes that a {@link KeyValueStore} applies atomically. Build it,
 * then hand it to {@link KeyValueStore#write}. Not thread-safe while being built.
 */
public final class WriteBatch {
    /**
     * One operation of a batch.
     *
     * @param key the key
     * @param value the value to put, or null for a delete
     */
    public record Op(Bytes key, @Nullable Bytes value) {
        /** True for a delete. */
        public boolean isDelete() {
            return value == null;
        }
    }

    private final List<Op> ops = new ArrayList<>();

    /** An empty batch. */
    public WriteBatch() {}

    /** Adds a put. */
    public WriteBatch put(Bytes key, Bytes value) {
        ops.add(new Op(key, value));
        return this;
    }

    /** Adds a delete. */
    public WriteBatch delete(Bytes key) {
        ops.add(new Op(key, null));
        return this;
    }

    /** The operations in the order added (read-only view). */
    public List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    /** Number of operations. */
    public int size() {
        return ops.size();
    }

    /** True if the batch has no operations. */
    public boolean isEmpty() {
        return ops.isEmpty();
    }
}
