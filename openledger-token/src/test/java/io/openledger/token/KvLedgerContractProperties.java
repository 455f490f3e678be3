package io.openledger.token;

import io.openledger.core.ManualClock;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.token.testing.LedgerContract;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/** The ledger contract for the key-value ledger, reopened from its store after each sequence. */
class KvLedgerContractProperties extends LedgerContract {
    private final Map<Ledger, InMemoryKeyValueStore> stores = new IdentityHashMap<>();

    @Override
    protected Ledger newLedger(ManualClock clock) {
        InMemoryKeyValueStore store = new InMemoryKeyValueStore();
        Ledger l = Ledger.open(store, clock);
        stores.put(l, store);
        return l;
    }

    @Override
    protected Optional<Ledger> reopen(Ledger ledger, ManualClock clock) {
        return Optional.of(Ledger.open(stores.remove(ledger), clock));
    }
}
