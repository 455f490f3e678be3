package io.openledger.token;

import io.openledger.core.ManualClock;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.token.testing.LedgerContract;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger contract for the uncached key-value ledger (what an L2 runs per transaction), reopened
 * after each sequence both uncached and as the ordinary cached ledger, which checks the sums.
 */
class KvLedgerUncachedContractProperties extends LedgerContract {
    private final Map<Ledger, InMemoryKeyValueStore> stores = new IdentityHashMap<>();

    @Override
    protected Ledger newLedger(ManualClock clock) {
        InMemoryKeyValueStore store = new InMemoryKeyValueStore();
        Ledger l = Ledger.openUncached(store, clock);
        stores.put(l, store);
        return l;
    }

    @Override
    protected Optional<Ledger> reopen(Ledger ledger, ManualClock clock) {
        InMemoryKeyValueStore store = stores.remove(ledger);
        Ledger.open(store, clock); // loads and checks every record and the double-entry sums
        return Optional.of(Ledger.openUncached(store, clock));
    }
}
