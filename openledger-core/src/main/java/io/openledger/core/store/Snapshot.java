package io.openledger.core.store;

/**
 * A read-only, point-in-time view of a {@link KeyValueStore}: writes made after it was taken are
 * invisible to it. Thread-safe. Close it to release what it pins.
 */
public interface Snapshot extends KeyValueReader, AutoCloseable {
    @Override
    void close();
}
