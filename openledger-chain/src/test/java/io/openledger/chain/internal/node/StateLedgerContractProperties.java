package io.openledger.chain.internal.node;

import io.openledger.chain.node.SystemAddresses;
import io.openledger.chain.trie.MerklePatriciaTrie;
import io.openledger.core.ManualClock;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.token.Ledger;
import io.openledger.token.testing.LedgerContract;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The token module's Ledger contract (model-based properties against its naive model ledger) for the
 * token module's own uncached ledger kept in L2 state: a {@link StateKeyValueStore} in a system
 * account's storage trie. Reopening commits the state to its root and opens it again from the trie.
 */
class StateLedgerContractProperties extends LedgerContract {
    private final Map<Ledger, WorldState> states = new IdentityHashMap<>();
    private final Map<WorldState, InMemoryKeyValueStore> stores = new IdentityHashMap<>();

    @Override
    protected Ledger newLedger(ManualClock clock) {
        InMemoryKeyValueStore nodes = new InMemoryKeyValueStore();
        WorldState state = new WorldState(nodes, MerklePatriciaTrie.EMPTY_ROOT);
        Ledger l = Ledger.openUncached(L2Ledger.store(state, gas -> {}), clock);
        states.put(l, state);
        stores.put(state, nodes);
        return l;
    }

    @Override
    protected Optional<Ledger> reopen(Ledger ledger, ManualClock clock) {
        WorldState state = states.remove(ledger);
        WorldState again = new WorldState(stores.remove(state), state.commit());
        return Optional.of(Ledger.openUncached(
                new StateKeyValueStore(
                        again, SystemAddresses.TOKEN_LEDGER, gas -> {}, StateKeyValueStore.LEDGER_INDEXES),
                clock));
    }
}
