package io.openledger.token.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.Amount;
import io.openledger.core.ManualClock;
import io.openledger.token.Account;
import io.openledger.token.AccountBalance;
import io.openledger.token.AccountFlag;
import io.openledger.token.AccountId;
import io.openledger.token.AccountResult;
import io.openledger.token.Ledger;
import io.openledger.token.Transfer;
import io.openledger.token.TransferFlag;
import io.openledger.token.TransferId;
import io.openledger.token.TransferResult;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The contract every {@link Ledger} implementation must keep (a test kit, as core's
 * KeyValueStoreContract): stateful model-based properties: long random sequences of requests (plain, pending, post, partial
 * post, void, timeouts, linked and open chains, retries with the same and with different fields,
 * overflows, balance-limit violations) run against the real ledger and the naive {@link
 * ModelLedger}; after every request the results and every balance must agree, the double-entry sums
 * must close, no limited account may break its limit, and a reopened ledger must see the same state.
 * Extend it with a factory for your implementation (an L2 chain's state, for example).
 */
public abstract class LedgerContract {
    /** A fresh, empty ledger timed by {@code clock}. */
    protected abstract Ledger newLedger(ManualClock clock);

    /** The same ledger opened again from its storage, if the implementation persists; empty otherwise. */
    protected Optional<Ledger> reopen(Ledger ledger, ManualClock clock) {
        return Optional.empty();
    }

    /** One transfer of a request, described by small integers mapped onto the state at run time. */
    sealed interface Spec {}

    record Plain(int debit, int credit, long amount, boolean pending, int timeout, boolean linked, boolean huge)
            implements Spec {}

    record Post(int pendingIndex, long amount, boolean full, boolean linked) implements Spec {}

    record Void(int pendingIndex, boolean linked) implements Spec {}

    record Retry(int previous, boolean mutate) implements Spec {}

    sealed interface Step {}

    record Request(List<Spec> specs) implements Step {}

    record Advance(int seconds) implements Step {}

    static final int ACCOUNTS = 7;

    static AccountId acct(int i) {
        return AccountId.of(i + 1);
    }

    /** Random request sequences. */
    @Provide
    public Arbitrary<List<Step>> steps() {
        Arbitrary<Spec> plain = Combinators.combine(
                        Arbitraries.integers().between(0, ACCOUNTS - 1),
                        Arbitraries.integers().between(0, ACCOUNTS - 1),
                        Arbitraries.longs().between(0, 3000),
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(0, 3).map(x -> x == 0),
                        Arbitraries.integers().between(0, 30).map(x -> x == 0))
                .as((d, c, a, p, t, l, h) -> (Spec) new Plain(d, c, a, p, p ? t : 0, l, h));
        Arbitrary<Spec> post = Combinators.combine(
                        Arbitraries.integers().between(0, 50),
                        Arbitraries.longs().between(0, 3000),
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 3).map(x -> x == 0))
                .as((i, a, f, l) -> (Spec) new Post(i, a, f, l));
        Arbitrary<Spec> voiding = Combinators.combine(
                        Arbitraries.integers().between(0, 50),
                        Arbitraries.integers().between(0, 3).map(x -> x == 0))
                .as((i, l) -> (Spec) new Void(i, l));
        Arbitrary<Spec> retry = Combinators.combine(Arbitraries.integers().between(0, 200), Arbitraries.of(true, false))
                .as((i, m) -> (Spec) new Retry(i, m));
        Arbitrary<Spec> spec = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, plain),
                net.jqwik.api.Tuple.of(2, post),
                net.jqwik.api.Tuple.of(1, voiding),
                net.jqwik.api.Tuple.of(2, retry));
        Arbitrary<Step> request = spec.list().ofMinSize(1).ofMaxSize(6).map(l -> (Step) new Request(l));
        Arbitrary<Step> advance = Arbitraries.integers().between(0, 3).map(s -> (Step) new Advance(s));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, request), net.jqwik.api.Tuple.of(1, advance))
                .list()
                .ofMinSize(30)
                .ofMaxSize(150);
    }

    /** The ledger agrees with the model after every request and keeps every invariant. */
    @Property(tries = 200)
    public void ledgerAgreesWithTheModelAndKeepsTheInvariants(@ForAll("steps") List<Step> steps) {
        ManualClock clock = new ManualClock();
        Ledger ledger = newLedger(clock);
        ModelLedger model = new ModelLedger();
        int[] flags = {
            0,
            AccountFlag.mask(AccountFlag.DEBITS_MUST_NOT_EXCEED_CREDITS),
            AccountFlag.mask(AccountFlag.DEBITS_MUST_NOT_EXCEED_CREDITS),
            AccountFlag.mask(AccountFlag.DEBITS_MUST_NOT_EXCEED_CREDITS),
            AccountFlag.mask(AccountFlag.CREDITS_MUST_NOT_EXCEED_DEBITS),
            AccountFlag.mask(AccountFlag.DEBITS_MUST_NOT_EXCEED_CREDITS, AccountFlag.HISTORY),
            0
        };
        List<Account> accounts = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            int ledgerNo = i == ACCOUNTS - 1 ? 2 : 1;
            Account.Builder b = Account.builder(acct(i)).ledger(ledgerNo);
            for (AccountFlag f : AccountFlag.values()) {
                if ((flags[i] & f.bit()) != 0) {
                    b.flags(f);
                }
            }
            accounts.add(b.build());
            model.createAccount(acct(i), ledgerNo, flags[i]);
        }
        assertThat(ledger.createAccounts(accounts)).allMatch(r -> r == AccountResult.OK);
        assertThat(ledger.createAccounts(accounts)).allMatch(r -> r == AccountResult.EXISTS);

        long[] nextId = {1};
        List<Transfer> submitted = new ArrayList<>();
        List<TransferId> pendings = new ArrayList<>();
        // fund the limited accounts
        List<Transfer> funding = new ArrayList<>();
        for (int i = 1; i < ACCOUNTS - 1; i++) {
            if (i != 4) {
                funding.add(Transfer.of(TransferId.of(nextId[0]++), acct(0), acct(i), Amount.of(10_000), 1));
            }
        }
        apply(ledger, model, clock, funding);
        submitted.addAll(funding);

        for (Step step : steps) {
            if (step instanceof Advance(int s)) {
                clock.advance(Duration.ofSeconds(s));
                continue;
            }
            List<Transfer> req = new ArrayList<>();
            for (Spec spec : ((Request) step).specs()) {
                Transfer t = build(spec, nextId, submitted, pendings);
                if (t != null) {
                    req.add(t);
                }
            }
            if (req.isEmpty()) {
                continue;
            }
            List<TransferResult> rs = apply(ledger, model, clock, req);
            for (int i = 0; i < req.size(); i++) {
                submitted.add(req.get(i));
                if (rs.get(i) == TransferResult.OK && req.get(i).has(TransferFlag.PENDING)) {
                    pendings.add(req.get(i).id());
                }
            }
        }
        // the balances before any time: the last history entry below it, as a scan of history finds
        List<AccountBalance> hist = ledger.history(acct(5));
        List<Long> times = new ArrayList<>(List.of(Long.MIN_VALUE, 0L, Long.MAX_VALUE));
        for (AccountBalance h : hist) {
            times.addAll(List.of(h.timestamp() - 1, h.timestamp(), h.timestamp() + 1));
        }
        for (long t : times) {
            assertThat(ledger.historyBefore(acct(5), t)).as("before %d", t).isEqualTo(lastBefore(hist, t));
        }
        // Recovery: a ledger reopened on the same store sees exactly the same accounts.
        Optional<Ledger> again = reopen(ledger, clock);
        if (again.isPresent()) {
            Ledger reopened = again.get();
            assertThat(reopened.accounts()).isEqualTo(ledger.accounts());
            assertThat(reopened.history(acct(5))).isEqualTo(ledger.history(acct(5)));
            for (Transfer t : submitted) {
                assertThat(reopened.lookupTransfer(t.id())).isEqualTo(ledger.lookupTransfer(t.id()));
            }
        }
    }

    /** The reference for {@link Ledger#historyBefore}: the last entry of a history below {@code t}. */
    public static Optional<AccountBalance> lastBefore(List<AccountBalance> history, long t) {
        AccountBalance last = null;
        for (AccountBalance h : history) {
            if (h.timestamp() < t) {
                last = h;
            }
        }
        return Optional.ofNullable(last);
    }

    private static Transfer build(Spec spec, long[] nextId, List<Transfer> submitted, List<TransferId> pendings) {
        return switch (spec) {
            case Plain p -> {
                Transfer.Builder b = Transfer.builder(TransferId.of(nextId[0]++))
                        .debit(acct(p.debit()))
                        .credit(acct(p.credit()))
                        .amount(p.huge() ? Amount.MAX.sub(Amount.of(p.amount())) : Amount.of(p.amount()))
                        .ledger(1)
                        .timeoutSeconds(p.timeout());
                if (p.pending()) {
                    b.pending();
                }
                if (p.linked()) {
                    b.linked();
                }
                yield b.build();
            }
            case Post p -> {
                TransferId pid = pendings.isEmpty()
                        ? TransferId.of(999_999_999L)
                        : pendings.get(p.pendingIndex() % pendings.size());
                Transfer t =
                        Transfer.post(TransferId.of(nextId[0]++), pid, p.full() ? Amount.MAX : Amount.of(p.amount()));
                yield t.linked(p.linked());
            }
            case Void v -> {
                TransferId pid = pendings.isEmpty()
                        ? TransferId.of(999_999_999L)
                        : pendings.get(v.pendingIndex() % pendings.size());
                yield Transfer.voidPending(TransferId.of(nextId[0]++), pid).linked(v.linked());
            }
            case Retry r -> {
                if (submitted.isEmpty()) {
                    yield null;
                }
                Transfer old = submitted.get(r.previous() % submitted.size());
                if (!r.mutate()) {
                    yield old;
                }
                yield new Transfer(
                        old.id(),
                        old.debitAccountId(),
                        old.creditAccountId(),
                        old.amount().equals(Amount.MAX)
                                ? Amount.ONE
                                : old.amount().add(Amount.ONE),
                        old.pendingId(),
                        old.timeoutSeconds(),
                        old.ledger(),
                        old.code(),
                        old.flags(),
                        old.userData(),
                        0);
            }
        };
    }

    private static List<TransferResult> apply(Ledger ledger, ModelLedger model, ManualClock clock, List<Transfer> req) {
        List<Account> before = ledger.accounts();
        List<TransferResult> rs = ledger.createTransfers(req);
        List<TransferResult> expected = model.createTransfers(req, clock.nanoTime());
        assertThat(rs).as("results of %s", req).isEqualTo(expected);
        List<Account> after = ledger.accounts();
        for (Account a : after) {
            assertThat(model.matches(a)).as("account %s matches the model", a).isTrue();
            if (a.has(AccountFlag.DEBITS_MUST_NOT_EXCEED_CREDITS)) {
                assertThat(a.debitsPending().add(a.debitsPosted())).isLessThanOrEqualTo(a.creditsPosted());
            }
            if (a.has(AccountFlag.CREDITS_MUST_NOT_EXCEED_DEBITS)) {
                assertThat(a.creditsPending().add(a.creditsPosted())).isLessThanOrEqualTo(a.debitsPosted());
            }
        }
        BigInteger dp = BigInteger.ZERO;
        BigInteger dpo = BigInteger.ZERO;
        BigInteger cp = BigInteger.ZERO;
        BigInteger cpo = BigInteger.ZERO;
        for (Account a : after) {
            dp = dp.add(a.debitsPending().toBigInteger());
            dpo = dpo.add(a.debitsPosted().toBigInteger());
            cp = cp.add(a.creditsPending().toBigInteger());
            cpo = cpo.add(a.creditsPosted().toBigInteger());
        }
        assertThat(dp).isEqualTo(cp);
        assertThat(dpo).isEqualTo(cpo);
        if (rs.stream().noneMatch(r -> r == TransferResult.OK) && !anyExpiry(before, after)) {
            assertThat(after)
                    .as("a request that applied nothing changes nothing")
                    .isEqualTo(before);
        }
        return rs;
    }

    private static boolean anyExpiry(List<Account> before, List<Account> after) {
        for (int i = 0; i < before.size(); i++) {
            if (!before.get(i).debitsPending().equals(after.get(i).debitsPending())) {
                return true;
            }
        }
        return false;
    }
}
