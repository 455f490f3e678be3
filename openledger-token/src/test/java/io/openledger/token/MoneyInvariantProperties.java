package io.openledger.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.Hash;
import io.openledger.core.ManualClock;
import io.openledger.core.ModelId;
import io.openledger.core.contract.AttributionWeights;
import io.openledger.core.contract.InferenceRecord;
import io.openledger.core.contract.Settlement;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.store.InMemoryKeyValueStore;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Stateful properties over long random sequences of every money operation of the module: ERC-20
 * transfers (fresh and retried ids), approve/transferFrom, two-phase wallet transfers with post,
 * partial post, void and timeout, linked chains, stake, unbond, withdraw, slash, reward claims,
 * vesting releases and fee settlements (fresh and retried). After every step: the wallets hold
 * exactly the total supply, no wallet is negative, the double-entry sums close, staking's books
 * match the ledger, releases never pass what vested; and a retried or rejected operation changes no
 * balance.
 */
class MoneyInvariantProperties {
    static final int USERS = 4;
    static final Amount TOKEN = Amount.ONE_TOKEN;

    /** One operation, with small integers that the runner maps onto the current state. */
    record Op(int kind, int a, int b, int c, long amount, int extra) {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Arbitraries.integers().between(0, 17).flatMap(kind -> net.jqwik.api.Combinators.combine(
                        Arbitraries.integers().between(0, USERS - 1),
                        Arbitraries.integers().between(0, USERS - 1),
                        Arbitraries.integers().between(0, 1000),
                        Arbitraries.frequencyOf(
                                Tuple.of(5, Arbitraries.longs().between(1, 2_000_000)),
                                Tuple.of(1, Arbitraries.longs().between(1, 2_000_000_000L))),
                        Arbitraries.integers().between(0, 10))
                .as((a, b, c, amount, extra) -> new Op(kind, a, b, c, amount, extra)));
        return op.list().ofMinSize(50).ofMaxSize(200);
    }

    static final class World {
        final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        final Ledger ledger = Ledger.open(new InMemoryKeyValueStore(), clock);
        final OpenToken token = new OpenToken(ledger);
        final Address[] users = new Address[USERS];
        final Genesis genesis;
        final Vesting vesting;
        final Votes votes = new Votes(ledger, clock);
        final Staking staking;
        final TokenParameters params = new TokenParameters();
        final InferenceSettlement settlement;
        final List<TransferId> pendings = new ArrayList<>();
        final List<Transfer> sent = new ArrayList<>();
        final List<Settlement.SettlementRequest> settled = new ArrayList<>();
        final Map<Hash, Settlement.SettlementResult> results = new HashMap<>();

        World() {
            for (int i = 0; i < USERS; i++) {
                users[i] = OpenToken.systemAddress("test-user-" + i);
            }
            genesis = Genesis.openDefaults(clock.now()).withBeneficiary("liquidity", users[0]);
            token.mintGenesis(genesis);
            token.mintGenesis(genesis); // idempotent
            for (int i = 1; i < USERS; i++) {
                token.transfer(users[0], users[i], TOKEN.mul(1_000_000));
            }
            vesting = new Vesting(token, genesis, clock);
            staking = new Staking(token, clock, StakingParams.defaults(), votes);
            settlement = new InferenceSettlement(token, params, staking);
            for (Address u : users) {
                votes.delegate(u, u);
            }
        }
    }

    @Property(tries = 100)
    void everyOperationConservesMoney(@ForAll("ops") List<Op> ops) {
        World w = new World();
        check(w);
        int n = 0;
        for (Op op : ops) {
            Map<AccountId, Account> before = balances(w);
            boolean mustNotChange = run(w, op, n++);
            check(w);
            if (mustNotChange) {
                Map<AccountId, Account> after = balances(w);
                for (var e : before.entrySet()) {
                    assertThat(after.get(e.getKey()))
                            .as("op %s changed nothing", op)
                            .isEqualTo(e.getValue());
                }
                for (var e : after.entrySet()) {
                    if (!before.containsKey(e.getKey())) {
                        assertThat(e.getValue().netCredit()).isZero();
                    }
                }
            }
        }
    }

    /** Runs one op; returns true if it must have changed no balance (a retry or a rejection). */
    private static boolean run(World w, Op op, int step) {
        Address a = w.users[op.a()];
        Address b = w.users[op.b()];
        Amount amt = TOKEN.mul(op.amount()).div(Amount.of(op.extra() + 1));
        try {
            switch (op.kind()) {
                case 0, 1 -> {
                    if (a.equals(b)) {
                        return false;
                    }
                    TransferId id = TransferId.random();
                    w.token.transfer(id, a, b, amt);
                    w.sent.add(Transfer.builder(id)
                            .debit(OpenToken.walletOf(a))
                            .credit(OpenToken.walletOf(b))
                            .amount(amt)
                            .ledger(OpenToken.LEDGER)
                            .build());
                }
                case 2 -> { // idempotent retry of an earlier ERC-20 transfer
                    if (w.sent.isEmpty()) {
                        return false;
                    }
                    Transfer t = w.sent.get(op.c() % w.sent.size());
                    assertThat(w.ledger.createTransfer(t))
                            .isIn(TransferResult.EXISTS, TransferResult.ID_ALREADY_FAILED);
                    return true;
                }
                case 3 -> w.token.approve(a, b, op.extra() == 0 ? Amount.MAX : amt);
                case 4 -> {
                    Address to = w.users[(op.b() + 1) % USERS];
                    Amount allowed = w.token.allowance(a, b);
                    w.token.transferFrom(b, a, to, amt);
                    if (!allowed.equals(Amount.MAX)) {
                        assertThat(w.token.allowance(a, b)).isEqualTo(allowed.sub(amt));
                    }
                }
                case 5 -> { // two-phase between wallets
                    if (a.equals(b)) {
                        return false;
                    }
                    TransferId id = TransferId.random();
                    TransferResult r = w.ledger.createTransfer(Transfer.builder(id)
                            .debit(OpenToken.walletOf(a))
                            .credit(OpenToken.walletOf(b))
                            .amount(amt)
                            .ledger(OpenToken.LEDGER)
                            .pending()
                            .timeoutSeconds(op.extra() < 5 ? 0 : 3600L * op.extra())
                            .build());
                    if (r == TransferResult.OK) {
                        w.pendings.add(id);
                    } else {
                        return true;
                    }
                }
                case 6 -> { // post (full or partial) or void
                    if (w.pendings.isEmpty()) {
                        return false;
                    }
                    TransferId p = w.pendings.get(op.c() % w.pendings.size());
                    Transfer pending = w.ledger.lookupTransfer(p).orElseThrow();
                    Transfer res = op.extra() < 4
                            ? Transfer.voidPending(TransferId.random(), p)
                            : Transfer.post(
                                    TransferId.random(),
                                    p,
                                    op.extra() < 7
                                            ? Amount.MAX
                                            : pending.amount().div(Amount.of(op.extra())));
                    TransferResult r = w.ledger.createTransfer(res);
                    return r != TransferResult.OK;
                }
                case 7 -> { // linked chain a->b, b->c', the second may fail: all or nothing
                    Address c = w.users[op.c() % USERS];
                    if (a.equals(b) || b.equals(c)) {
                        return false;
                    }
                    List<TransferResult> rs = w.ledger.createTransfers(List.of(
                            Transfer.of(
                                            TransferId.random(),
                                            OpenToken.walletOf(a),
                                            OpenToken.walletOf(b),
                                            amt,
                                            OpenToken.LEDGER)
                                    .linked(true),
                            Transfer.of(
                                    TransferId.random(),
                                    OpenToken.walletOf(b),
                                    OpenToken.walletOf(c),
                                    amt.mul(3),
                                    OpenToken.LEDGER)));
                    assertThat(rs.get(0) == TransferResult.OK).isEqualTo(rs.get(1) == TransferResult.OK);
                    return rs.get(0) != TransferResult.OK;
                }
                case 8, 9 -> w.staking.stake(a, amt);
                case 10 -> w.staking.unbond(a, amt);
                case 11 -> w.staking.withdraw(a);
                case 12 -> w.staking.slash(a, op.extra(), 10);
                case 13 -> w.staking.claim(a);
                case 14 -> { // time passes: months for vesting, days for unbonding, hours for timeouts
                    w.clock.advance(Duration.ofHours(1L + op.c() * 12L));
                    w.ledger.expirePendingTransfers();
                    String bucket = w.genesis.allocations().get(op.extra() % 5).name();
                    w.vesting.release(bucket);
                }
                case 15, 16 -> { // a fee settlement, fresh
                    Map<ContributorId, BigDecimal> scores = new HashMap<>();
                    for (int i = 0; i < USERS; i++) {
                        if (((op.c() >> i) & 1) == 1) { // the caller may be a contributor too
                            scores.put(ContributorId.of(w.users[i]), BigDecimal.valueOf((op.c() % 7) + i));
                        }
                    }
                    Settlement.SettlementRequest req = new Settlement.SettlementRequest(
                            record(w.users[op.a()], step, (int) (op.amount() % 5000), op.c()),
                            w.users[(op.a() + 1) % USERS],
                            AttributionWeights.fromScores(scores));
                    Settlement.SettlementResult r = w.settlement.settle(req);
                    assertThat(r.payouts().values().stream().reduce(Amount.ZERO, Amount::add))
                            .isEqualTo(r.fee());
                    w.settled.add(req);
                    w.results.put(req.record().requestId(), r);
                }
                case 17 -> { // a settlement retried: same result, nothing moves
                    if (w.settled.isEmpty()) {
                        return false;
                    }
                    Settlement.SettlementRequest req = w.settled.get(op.c() % w.settled.size());
                    assertThat(w.settlement.settle(req))
                            .isEqualTo(w.results.get(req.record().requestId()));
                    return true;
                }
                default -> throw new IllegalStateException();
            }
        } catch (TokenException | Settlement.SettlementException e) {
            return true; // refused: nothing may have moved
        }
        return false;
    }

    static InferenceRecord record(Address caller, int step, int outTokens, int salt) {
        Hash id = Hashing.keccak256(Bytes.utf8("req-" + step + "-" + salt + "-" + caller));
        return new InferenceRecord(
                id,
                ModelId.of("demo-model"),
                null,
                caller,
                Collections.nCopies(1 + salt, 1),
                Collections.nCopies(outTokens, 2),
                List.of(),
                new InferenceRecord.Timings(Duration.ZERO, Duration.ZERO, Duration.ZERO),
                Instant.EPOCH);
    }

    static Map<AccountId, Account> balances(World w) {
        Map<AccountId, Account> m = new HashMap<>();
        for (Account a : w.ledger.accounts()) {
            m.put(a.id(), a);
        }
        return m;
    }

    static void check(World w) {
        BigInteger wallets = BigInteger.ZERO;
        BigInteger dp = BigInteger.ZERO;
        BigInteger dpo = BigInteger.ZERO;
        BigInteger cp = BigInteger.ZERO;
        BigInteger cpo = BigInteger.ZERO;
        for (Account a : w.ledger.accounts()) {
            dp = dp.add(a.debitsPending().toBigInteger());
            dpo = dpo.add(a.debitsPosted().toBigInteger());
            cp = cp.add(a.creditsPending().toBigInteger());
            cpo = cpo.add(a.creditsPosted().toBigInteger());
            if (a.ledger() == OpenToken.LEDGER && !a.id().equals(OpenToken.ISSUANCE)) {
                wallets = wallets.add(a.netCredit());
                assertThat(a.netCredit().subtract(a.debitsPending().toBigInteger()))
                        .as("wallet %s is never negative", a.id())
                        .isNotNegative();
            }
        }
        assertThat(dp).isEqualTo(cp);
        assertThat(dpo).isEqualTo(cpo);
        assertThat(wallets).as("the wallets hold exactly the supply").isEqualTo(OpenToken.TOTAL_SUPPLY.toBigInteger());
        assertThat(w.token.totalSupply()).isEqualTo(OpenToken.TOTAL_SUPPLY);
        Amount owed = Amount.ZERO;
        for (Address u : w.users) {
            assertThat(w.token.balanceOf(Staking.stakeWallet(u))).isEqualTo(w.staking.stakeOf(u));
            Amount unbonding = Amount.ZERO;
            for (long k = 0; ; k++) {
                var entry = w.ledger.lookupAccount(Staking.unbondingEntry(u, k));
                if (entry.isEmpty()) {
                    break;
                }
                unbonding = unbonding.add(Amount.of(entry.get().netCredit()));
            }
            assertThat(unbonding).isEqualTo(w.staking.unbondingOf(u));
            owed = owed.add(w.staking.earned(u));
            assertThat(w.votes.getVotes(u))
                    .as("self-delegated votes follow bonded stake")
                    .isEqualTo(w.staking.stakeOf(u));
        }
        assertThat(owed)
                .as("the reward pool covers what is owed")
                .isLessThanOrEqualTo(w.token.balanceOf(Staking.rewardPool()));
        for (Allocation al : w.genesis.allocations()) {
            assertThat(w.vesting.released(al.name())).isLessThanOrEqualTo(w.vesting.vested(al.name()));
        }
    }
}
