package io.openledger.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.Amount;
import io.openledger.core.ManualClock;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.core.store.StoreException;
import io.openledger.core.store.WriteBatch;
import io.openledger.core.testing.ForwardingKeyValueStore;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Concurrent requests share store writes (group commit), and a failed write stores none of its group. */
class GroupCommitTest {
    /**
     * A store whose writes take 20 ms, like a slow fsync, and can be told to fail. At 2 ms the test
     * failed twice in clean-clone CI runs that shared this 2-core machine with another build (380
     * writes for 480 requests), and once in four at 5 ms beside two busy loops: the request threads
     * were not scheduled during a write, so too few requests had queued up to be grouped. A write
     * longer than a scheduler time slice leaves them time; the bound on writes is unchanged.
     */
    static final class SlowStore extends ForwardingKeyValueStore {
        final AtomicInteger writes = new AtomicInteger();
        final AtomicBoolean failNext = new AtomicBoolean();

        SlowStore() {
            super(new InMemoryKeyValueStore());
        }

        @Override
        public void write(WriteBatch batch) {
            if (failNext.getAndSet(false)) {
                throw new StoreException("disk full (simulated)");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            writes.incrementAndGet();
            super.write(batch);
        }
    }

    @Test
    void concurrentRequestsAreCommittedTogether() throws Exception {
        SlowStore store = new SlowStore();
        Ledger ledger = Ledger.open(store, new ManualClock());
        ledger.createAccount(Account.builder(AccountId.of(1)).build());
        for (int i = 2; i <= 9; i++) {
            ledger.createAccount(Account.builder(AccountId.of(i))
                    .flags(AccountFlag.DEBITS_MUST_NOT_EXCEED_CREDITS)
                    .build());
            ledger.createTransfer(Transfer.of(TransferId.of(i), AccountId.of(1), AccountId.of(i), Amount.of(1000), 1));
        }
        int before = store.writes.get();
        int threads = 8;
        int perThread = 30;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<TransferResult>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int from = 2 + t;
            int to = 2 + (t + 1) % threads;
            futures.add(pool.submit(() -> {
                List<TransferResult> rs = new ArrayList<>();
                for (int k = 0; k < perThread; k++) {
                    rs.add(ledger.createTransfer(Transfer.of(
                            TransferId.of(1000L * from + k), AccountId.of(from), AccountId.of(to), Amount.ONE, 1)));
                }
                return rs;
            }));
        }
        for (Future<List<TransferResult>> f : futures) {
            assertThat(f.get()).containsOnly(TransferResult.OK);
        }
        pool.shutdown();
        int writes = store.writes.get() - before;
        assertThat(writes)
                .as("%d requests in %d writes", threads * perThread, writes)
                .isLessThan(threads * perThread * 3 / 4);
        BigInteger held = BigInteger.ZERO;
        for (Account a : ledger.accounts()) {
            if (!a.id().equals(AccountId.of(1))) {
                held = held.add(a.netCredit());
                assertThat(a.netCredit()).isEqualTo(BigInteger.valueOf(1000));
            }
        }
        assertThat(held).isEqualTo(BigInteger.valueOf(8000));
    }

    @Test
    void aFailedWriteLeavesTheLedgerAsItWas() {
        SlowStore store = new SlowStore();
        Ledger ledger = Ledger.open(store, new ManualClock());
        ledger.createAccount(Account.builder(AccountId.of(1)).build());
        ledger.createAccount(Account.builder(AccountId.of(2)).build());
        List<Account> before = ledger.accounts();
        store.failNext.set(true);
        Transfer t = Transfer.of(TransferId.of(7), AccountId.of(1), AccountId.of(2), Amount.of(5), 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ledger.createTransfer(t))
                .isInstanceOf(StoreException.class);
        assertThat(ledger.accounts()).isEqualTo(before);
        assertThat(ledger.lookupTransfer(TransferId.of(7))).isEmpty();
        assertThat(ledger.createTransfer(t)).isEqualTo(TransferResult.OK); // the id was not burned
        assertThat(Ledger.open(store, new ManualClock()).accounts()).isEqualTo(ledger.accounts());
    }
}
