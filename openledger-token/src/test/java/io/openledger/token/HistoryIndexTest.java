package io.openledger.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.ManualClock;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.core.store.KeyValue;
import io.openledger.core.store.KeyValueIterator;
import io.openledger.core.testing.CountingKeyValueStore;
import io.openledger.token.testing.LedgerContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** historyBefore reads O(log n) entries, and a store written before the index gets one. */
class HistoryIndexTest {
    private static final AccountId BANK = AccountId.of(1);
    private static final AccountId ALICE = AccountId.of(2);

    private static Ledger withHistory(CountingKeyValueStore store, ManualClock clock, int transfers) {
        Ledger ledger = Ledger.openUncached(store, clock);
        assertThat(ledger.createAccounts(List.of(
                        Account.builder(BANK).build(),
                        Account.builder(ALICE).flags(AccountFlag.HISTORY).build())))
                .containsOnly(AccountResult.OK);
        for (int i = 0; i < transfers; i++) {
            clock.advance(Duration.ofMillis(1));
            assertThat(ledger.createTransfer(Transfer.of(TransferId.of(10 + i), BANK, ALICE, Amount.of(1 + i), 1)))
                    .isEqualTo(TransferResult.OK);
        }
        return ledger;
    }

    @Test
    void theEntryBeforeATimeTakesLogarithmicallyManyReads() {
        int n = 4096;
        CountingKeyValueStore store = new CountingKeyValueStore(new InMemoryKeyValueStore());
        ManualClock clock = new ManualClock();
        Ledger ledger = withHistory(store, clock, n);
        List<AccountBalance> h = ledger.history(ALICE);
        assertThat(h).hasSize(n);
        int most = 0;
        for (int i = 0; i < n; i += 97) {
            long t = h.get(i).timestamp() + 1;
            store.reset();
            assertThat(ledger.historyBefore(ALICE, t)).contains(h.get(i));
            most = Math.max(most, store.gets());
        }
        store.reset();
        assertThat(ledger.historyBefore(ALICE, h.get(0).timestamp())).isEmpty();
        // the count, log2(4096) = 12 probes (13 at most), the entry: where a scan reads all 4,096
        assertThat(most).isLessThanOrEqualTo(1 + 13 + 1);
        assertThat(store.gets()).isLessThanOrEqualTo(1 + 13);
    }

    @Test
    void aStoreWrittenBeforeTheIndexIsReadAndThenIndexed() {
        CountingKeyValueStore store = new CountingKeyValueStore(new InMemoryKeyValueStore());
        ManualClock clock = new ManualClock();
        Ledger ledger = withHistory(store, clock, 20);
        // remove the index, as a store written by an earlier version has none
        List<Bytes> index = new ArrayList<>();
        for (String prefix : new String[] {"tl/n/", "tl/k/"}) {
            try (KeyValueIterator it = store.scan(Bytes.utf8(prefix))) {
                while (it.hasNext()) {
                    KeyValue kv = it.next();
                    index.add(kv.key());
                }
            }
        }
        assertThat(index).hasSize(1 + 20);
        index.forEach(store::delete);

        Ledger old = Ledger.openUncached(store, clock);
        List<AccountBalance> h = old.history(ALICE);
        for (AccountBalance b : h) {
            assertThat(old.historyBefore(ALICE, b.timestamp() + 1)).contains(b); // by scanning
        }
        // the next entry indexes the old ones with it
        clock.advance(Duration.ofSeconds(1));
        assertThat(old.createTransfer(Transfer.of(TransferId.of(999), BANK, ALICE, Amount.of(5), 1)))
                .isEqualTo(TransferResult.OK);
        List<AccountBalance> after = old.history(ALICE);
        assertThat(after).hasSize(21);
        int probes = 0;
        for (AccountBalance b : after) {
            store.reset();
            assertThat(old.historyBefore(ALICE, b.timestamp() + 1))
                    .isEqualTo(LedgerContract.lastBefore(after, b.timestamp() + 1));
            probes = Math.max(probes, store.gets());
        }
        assertThat(probes).isLessThanOrEqualTo(1 + 6 + 1); // indexed again: log2(21) probes
        try (KeyValueIterator it = store.scan(Bytes.utf8("tl/k/"))) {
            int k = 0;
            while (it.hasNext()) {
                it.next();
                k++;
            }
            assertThat(k).isEqualTo(21);
        }
        assertThat(ledger.history(ALICE)).isEqualTo(after);
    }
}
