package io.openledger.token;

import io.openledger.core.Amount;
import io.openledger.core.Clock;
import io.openledger.core.store.KeyValueStore;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Measures how many transfers per second a {@link Ledger} on a given store applies, one transfer per
 * request and in batches (one request, so one atomic write and one sync, per batch), and checks at
 * the end that the double-entry sums close and that no money appeared or vanished. For sizing
 * hardware and for the {@code openledger token bench} command. Not thread-safe.
 */
public final class LedgerThroughput {
    /**
     * One measurement.
     *
     * @param transfers transfers applied (all must succeed)
     * @param batchSize transfers per request
     * @param seconds wall time of the timed part
     * @param cpuSeconds CPU time the measuring thread spent in it (robust on a shared machine)
     * @param conserved whether the sums closed and the funded total was unchanged afterwards
     */
    public record Result(int transfers, int batchSize, double seconds, double cpuSeconds, boolean conserved) {
        /** Transfers per wall-clock second. */
        public double perSecond() {
            return transfers / seconds;
        }

        /** Transfers per CPU second of the applying thread. */
        public double perCpuSecond() {
            return transfers / cpuSeconds;
        }
    }

    private static final int ACCOUNTS = 1000;
    private static final Amount FUNDING = Amount.tokens(1_000_000);

    private final Ledger ledger;
    private final SplittableRandom random = new SplittableRandom(42);
    private long nextId = 1L << 40;

    /** A benchmark on a fresh ledger in {@code store} with {@code ACCOUNTS} funded accounts. */
    public LedgerThroughput(KeyValueStore store, Clock clock) {
        this.ledger = Ledger.open(store, clock);
        List<Account> accounts = new ArrayList<>();
        accounts.add(Account.builder(AccountId.of(1)).build());
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts.add(Account.builder(AccountId.of(i + 2))
                    .flags(AccountFlag.DEBITS_MUST_NOT_EXCEED_CREDITS)
                    .build());
        }
        ledger.createAccounts(accounts);
        List<Transfer> funding = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            funding.add(Transfer.of(TransferId.of(i + 1), AccountId.of(1), AccountId.of(i + 2), FUNDING, 1));
        }
        ledger.createTransfers(funding);
    }

    /**
     * Applies {@code transfers} random transfers between the funded accounts in requests of {@code
     * batchSize}, timing them.
     *
     * @throws IllegalArgumentException unless both counts are positive
     * @throws IllegalStateException if a transfer does not succeed
     */
    public Result run(int transfers, int batchSize) {
        if (transfers <= 0 || batchSize <= 0) {
            throw new IllegalArgumentException(
                    "transfers and batchSize must be > 0, got " + transfers + ", " + batchSize);
        }
        List<List<Transfer>> requests = new ArrayList<>();
        for (int done = 0; done < transfers; ) {
            int n = Math.min(batchSize, transfers - done);
            List<Transfer> req = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int d = 2 + random.nextInt(ACCOUNTS);
                int c = 2 + (d - 2 + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                req.add(Transfer.of(
                        TransferId.of(nextId++),
                        AccountId.of(d),
                        AccountId.of(c),
                        Amount.of(1 + random.nextInt(1000)),
                        1));
            }
            requests.add(req);
            done += n;
        }
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (List<Transfer> req : requests) {
            List<TransferResult> rs = ledger.createTransfers(req);
            for (TransferResult r : rs) {
                if (r != TransferResult.OK) {
                    throw new IllegalStateException("benchmark transfer refused: " + r);
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
        return new Result(transfers, batchSize, seconds, cpu, conserved());
    }

    private boolean conserved() {
        BigInteger debits = BigInteger.ZERO;
        BigInteger credits = BigInteger.ZERO;
        BigInteger held = BigInteger.ZERO;
        for (Account a : ledger.accounts()) {
            debits = debits.add(a.debitsPosted().toBigInteger());
            credits = credits.add(a.creditsPosted().toBigInteger());
            if (!a.id().equals(AccountId.of(1))) {
                held = held.add(a.netCredit());
            }
        }
        return debits.equals(credits) && held.equals(FUNDING.toBigInteger().multiply(BigInteger.valueOf(ACCOUNTS)));
    }
}
