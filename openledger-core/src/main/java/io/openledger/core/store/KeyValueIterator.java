package io.openledger.core.store;

import java.util.Iterator;

/** An iterator over store entries that holds resources until closed. Not thread-safe. */
public interface KeyValueIterator extends Iterator<KeyValue>, AutoCloseable {
    @Override
    void close();
}
