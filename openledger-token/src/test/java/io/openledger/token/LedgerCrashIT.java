package io.openledger.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.Amount;
import io.openledger.core.Clock;
import io.openledger.core.ManualClock;
import io.openledger.core.store.RocksDbKeyValueStore;
import io.openledger.core.testing.KilledChildren;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash recovery under {@code kill -9}: a child JVM applies a stream of transfer requests (plain,
 * linked chains, pending with timeouts, posts and voids, overdrafts that fail) to a ledger on
 * RocksDB with synced writes, announcing each request before it submits it and acknowledging it
 * with its results after. The parent kills it at a random point, many times over the same database,
 * and after each kill reopens the ledger and checks that: it opens (checksums and double-entry sums
 * hold); every acknowledged transfer is present exactly as sent (and every acknowledged failure
 * absent); the balances are exactly the fold of the transfers present (so nothing is half-applied,
 * including the request in flight at the kill); the supply is intact; and replaying every
 * acknowledged successful request returns EXISTS and moves nothing.
 */
class LedgerCrashIT {
    static final int ACCOUNTS = 8;
    static final Amount FUNDING = Amount.of(1_000_000);

    static AccountId acct(int i) {
        return AccountId.of(i + 1);
    }

    /** The child: applies random requests until killed. args: db directory, round, seed. */
    public static final class Child {
        public static void main(String[] args) {
            int round = Integer.parseInt(args[1]);
            Random rnd = new Random(Long.parseLong(args[2]));
            try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(Path.of(args[0]))) {
                Ledger ledger = Ledger.open(store, Clock.system());
                setup(ledger);
                List<TransferId> pendings = new ArrayList<>();
                for (int seq = 0; ; seq++) {
                    List<Transfer> req = new ArrayList<>();
                    int n = 1 + rnd.nextInt(12);
                    for (int i = 0; i < n; i++) {
                        TransferId id = new TransferId(1 + round, ((long) seq << 8) | i); // never the funding ids
                        int kind = rnd.nextInt(10);
                        int d = 1 + rnd.nextInt(ACCOUNTS - 1);
                        int c = 1 + (d + rnd.nextInt(ACCOUNTS - 2)) % (ACCOUNTS - 1);
                        Amount amt = Amount.of(1 + rnd.nextInt(kind == 9 ? 5_000_000 : 50_000));
                        Transfer.Builder b = Transfer.builder(id)
                                .debit(acct(d))
                                .credit(acct(c))
                                .amount(amt)
                                .ledger(1);
                        Transfer t;
                        if (kind == 6) {
                            t = b.pending().timeoutSeconds(rnd.nextInt(3)).build();
                        } else if (kind == 7 && !pendings.isEmpty()) {
                            TransferId p = pendings.remove(rnd.nextInt(pendings.size()));
                            t = rnd.nextBoolean()
                                    ? Transfer.voidPending(id, p)
                                    : Transfer.post(
                                            id, p, rnd.nextBoolean() ? Amount.MAX : Amount.of(rnd.nextInt(100)));
                        } else {
                            t = b.build();
                        }
                        if (kind == 8 && i < n - 1) {
                            t = t.linked(true);
                        }
                        req.add(t);
                    }
                    StringBuilder sb = new StringBuilder("req ").append(seq).append('\n');
                    for (Transfer t : req) {
                        sb.append("t ").append(encode(t)).append('\n');
                    }
                    System.out.print(sb);
                    System.out.flush();
                    List<TransferResult> rs = ledger.createTransfers(req);
                    StringBuilder ack = new StringBuilder("ack ").append(seq);
                    for (int i = 0; i < rs.size(); i++) {
                        ack.append(' ').append(rs.get(i).name());
                        if (rs.get(i) == TransferResult.OK && req.get(i).has(TransferFlag.PENDING)) {
                            pendings.add(req.get(i).id());
                        }
                    }
                    System.out.println(ack);
                    System.out.flush();
                }
            }
        }
    }

    /** Creates the accounts and funds the limited ones from account 0; idempotent on restart. */
    static void setup(Ledger ledger) {
        List<Account> accounts = new ArrayList<>();
        accounts.add(Account.builder(acct(0)).ledger(1).build());
        for (int i = 1; i < ACCOUNTS; i++) {
            accounts.add(Account.builder(acct(i))
                    .ledger(1)
                    .flags(AccountFlag.DEBITS_MUST_NOT_EXCEED_CREDITS)
                    .build());
        }
        ledger.createAccounts(accounts);
        List<Transfer> funding = new ArrayList<>();
        for (int i = 1; i < ACCOUNTS; i++) {
            funding.add(Transfer.of(TransferId.of(i), acct(0), acct(i), FUNDING, 1));
        }
        List<TransferResult> rs = ledger.createTransfers(funding);
        if (!rs.stream().allMatch(TransferResult::isSuccess)) {
            throw new IllegalStateException("funding failed: " + rs);
        }
    }

    static String encode(Transfer t) {
        return String.join(
                " ",
                Long.toString(t.id().hi()),
                Long.toString(t.id().lo()),
                Long.toString(t.debitAccountId().lo()),
                Long.toString(t.creditAccountId().lo()),
                t.amount().toString(),
                Long.toString(t.pendingId().hi()),
                Long.toString(t.pendingId().lo()),
                Long.toString(t.timeoutSeconds()),
                Integer.toString(t.ledger()),
                Integer.toString(t.code()),
                Integer.toString(t.flags()));
    }

    static Transfer decode(String s) {
        String[] f = s.split(" ");
        return new Transfer(
                new TransferId(Long.parseLong(f[0]), Long.parseLong(f[1])),
                new AccountId(0, Long.parseLong(f[2])),
                new AccountId(0, Long.parseLong(f[3])),
                Amount.of(new BigInteger(f[4])),
                new TransferId(Long.parseLong(f[5]), Long.parseLong(f[6])),
                Long.parseLong(f[7]),
                Integer.parseInt(f[8]),
                Integer.parseInt(f[9]),
                Integer.parseInt(f[10]),
                0,
                0);
    }

    record Request(List<Transfer> transfers, List<TransferResult> results) {}

    @Test
    void everyAcknowledgedTransferSurvivesKillMinus9ExactlyOnce(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("ledger");
        Random rnd = new Random(20261121L);
        List<Transfer> everSubmitted = new ArrayList<>();
        List<Request> acked = new ArrayList<>();
        int rounds = 15;
        for (int round = 0; round < rounds; round++) {
            int killAfter = 5 + rnd.nextInt(120);
            Map<Integer, Request> got = runAndKill(db, round, rnd.nextLong(), killAfter, everSubmitted);
            assertThat(got.size()).as("round %d acknowledged requests", round).isGreaterThanOrEqualTo(killAfter);
            acked.addAll(got.values());
            verify(db, everSubmitted, acked);
        }
    }

    private static Map<Integer, Request> runAndKill(
            Path db, int round, long seed, int killAfter, List<Transfer> everSubmitted) throws Exception {
        String cp = System.getProperty("java.class.path");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = KilledChildren.sharingRocksDbLibrary(new ProcessBuilder(
                                java,
                                "--enable-native-access=ALL-UNNAMED",
                                "-Xshare:off",
                                "-cp",
                                cp + File.pathSeparator + System.getProperty("jdk.module.path", ""),
                                Child.class.getName(),
                                db.toString(),
                                Integer.toString(round),
                                Long.toString(seed))
                        .redirectError(ProcessBuilder.Redirect.INHERIT))
                .start();
        Map<Integer, List<Transfer>> announced = new HashMap<>();
        Map<Integer, Request> acked = new LinkedHashMap<>();
        int current = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("req ")) {
                    current = Integer.parseInt(line.substring(4));
                    announced.put(current, new ArrayList<>());
                } else if (line.startsWith("t ")) {
                    Transfer t = decode(line.substring(2));
                    announced.get(current).add(t);
                    everSubmitted.add(t);
                } else if (line.startsWith("ack ")) {
                    String[] f = line.split(" ");
                    int seq = Integer.parseInt(f[1]);
                    List<TransferResult> rs = new ArrayList<>();
                    for (int i = 2; i < f.length; i++) {
                        rs.add(TransferResult.valueOf(f[i]));
                    }
                    acked.put(seq, new Request(announced.get(seq), rs));
                    if (acked.size() == killAfter) {
                        // SIGKILL: no shutdown hooks, no close. Keep reading to the end of the pipe:
                        // requests the child announced before it died may have been committed.
                        // (Process.destroyForcibly would close our end of the pipe, so send the signal.)
                        new ProcessBuilder("kill", "-9", Long.toString(p.pid()))
                                .inheritIO()
                                .start()
                                .waitFor();
                    }
                }
            }
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("killed by signal 9").isEqualTo(137);
        return acked;
    }

    private static void verify(Path db, List<Transfer> everSubmitted, List<Request> acked) {
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(db)) {
            ManualClock clock = new ManualClock(Instant.now());
            Ledger ledger = Ledger.open(store, clock); // checks CRCs and that the double-entry sums close
            // (c) acknowledged transfers present exactly as sent; acknowledged failures absent
            for (Request req : acked) {
                for (int i = 0; i < req.transfers().size(); i++) {
                    Transfer sent = req.transfers().get(i);
                    var stored = ledger.lookupTransfer(sent.id());
                    if (req.results().get(i) == TransferResult.OK) {
                        assertThat(stored).as("acknowledged %s", sent.id()).isPresent();
                        Transfer s = stored.get();
                        assertThat(s.flags()).isEqualTo(sent.flags());
                        if (!sent.has(TransferFlag.POST_PENDING) && !sent.has(TransferFlag.VOID_PENDING)) {
                            assertThat(s.withTimestamp(0)).isEqualTo(sent);
                        } else {
                            assertThat(s.pendingId()).isEqualTo(sent.pendingId());
                        }
                    } else if (req.results().get(i) != TransferResult.EXISTS) {
                        assertThat(stored).as("failed %s absent", sent.id()).isEmpty();
                    }
                }
            }
            // (d) balances are exactly the fold of every transfer present: nothing half-applied
            Map<AccountId, BigInteger[]> fold = new HashMap<>();
            for (int i = 0; i < ACCOUNTS; i++) {
                fold.put(
                        acct(i), new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO});
            }
            List<Transfer> present = new ArrayList<>();
            for (int i = 1; i < ACCOUNTS; i++) {
                present.add(ledger.lookupTransfer(TransferId.of(i)).orElseThrow());
            }
            for (Transfer t : everSubmitted) {
                ledger.lookupTransfer(t.id()).ifPresent(present::add);
            }
            for (Transfer t : present) {
                BigInteger a = t.amount().toBigInteger();
                BigInteger[] d = fold.get(t.debitAccountId());
                BigInteger[] c = fold.get(t.creditAccountId());
                if (t.has(TransferFlag.PENDING)) {
                    if (ledger.pendingStatus(t.id()).orElseThrow() == PendingStatus.PENDING) {
                        d[0] = d[0].add(a);
                        c[2] = c[2].add(a);
                    }
                } else if (!t.has(TransferFlag.VOID_PENDING)) {
                    d[1] = d[1].add(a);
                    c[3] = c[3].add(a);
                }
            }
            BigInteger held = BigInteger.ZERO;
            for (Account a : ledger.accounts()) {
                BigInteger[] f = fold.get(a.id());
                assertThat(new BigInteger[] {
                            a.debitsPending().toBigInteger(),
                            a.debitsPosted().toBigInteger(),
                            a.creditsPending().toBigInteger(),
                            a.creditsPosted().toBigInteger()
                        })
                        .as("account %s equals the fold of its transfers", a.id())
                        .isEqualTo(f);
                if (!a.id().equals(acct(0))) {
                    held = held.add(a.netCredit());
                    assertThat(a.netCredit().subtract(a.debitsPending().toBigInteger()))
                            .isNotNegative();
                }
            }
            // supply: what the limited accounts hold is exactly what account 0 issued
            assertThat(held)
                    .isEqualTo(ledger.lookupAccount(acct(0))
                            .orElseThrow()
                            .netCredit()
                            .negate());
            assertThat(held).isEqualTo(FUNDING.toBigInteger().multiply(BigInteger.valueOf(ACCOUNTS - 1)));
            // (f) replaying acknowledged successful requests finds every transfer and moves nothing
            ledger.expirePendingTransfers();
            List<Account> before = ledger.accounts();
            for (Request req : acked) {
                if (req.results().stream().allMatch(r -> r == TransferResult.OK)) {
                    assertThat(ledger.createTransfers(req.transfers())).allMatch(r -> r == TransferResult.EXISTS);
                }
                for (int i = 0; i < req.transfers().size(); i++) {
                    if (req.results().get(i).isTransient() && req.transfers().size() == 1) {
                        assertThat(ledger.createTransfer(req.transfers().get(i)))
                                .isEqualTo(TransferResult.ID_ALREADY_FAILED);
                    }
                }
            }
            assertThat(ledger.accounts()).isEqualTo(before);
        }
    }
}
