package io.openledger.core.store;

import io.openledger.core.Bytes;

/**
 * One entry of a key-value store.
 *
 * @param key the key
 * @param value the value
 */
public record KeyValue(Bytes key, Bytes value) {}
