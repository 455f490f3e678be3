package io.openledger.core.store;

import io.openledger.core.testing.KeyValueStoreContract;

class InMemoryKeyValueStoreTest extends KeyValueStoreContract {
    @Override
    protected KeyValueStore newStore() {
        return new InMemoryKeyValueStore();
    }
}
