package io.openledger.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.ManualClock;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.core.store.KeyValue;
import io.openledger.core.store.KeyValueIterator;
import io.openledger.core.store.KeyValueStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * With a deterministic {@link TransferIds} source the token services write the same ledger on every
 * replay (what an L2's state root needs), the uncached ledger writes exactly what the cached one does,
 * and governor proposals kept in a store outlive the governor object.
 */
class DeterministicIdsTest {
    private static final Address ALICE = OpenToken.systemAddress("alice");
    private static final Address BOB = OpenToken.systemAddress("bob");
    private static final Address CAROL = OpenToken.systemAddress("carol");

    /** Genesis, transfers, allowances, staking with votes, rewards, unbonding, claims; returns the store's content. */
    private static List<KeyValue> run(BiFunction<KeyValueStore, ManualClock, Ledger> open, TransferIds ids) {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryKeyValueStore store = new InMemoryKeyValueStore();
        Ledger ledger = open.apply(store, clock);
        OpenToken token = new OpenToken(ledger, ids);
        token.mintGenesis(Genesis.openDefaults(clock.now()).withBeneficiary("liquidity", ALICE));
        Votes votes = new Votes(ledger, clock, ids);
        Staking staking = new Staking(token, clock, StakingParams.defaults(), votes, ids);
        token.transfer(ALICE, BOB, Amount.tokens(1000));
        token.approve(BOB, CAROL, Amount.tokens(50));
        token.transferFrom(CAROL, BOB, CAROL, Amount.tokens(20));
        clock.advance(Duration.ofSeconds(3));
        staking.stake(BOB, Amount.tokens(300));
        votes.delegate(BOB, BOB);
        token.transfer(ALICE, Staking.rewardPool(), Amount.tokens(9));
        staking.notifyReward(Amount.tokens(9));
        clock.advance(Duration.ofSeconds(3));
        staking.unbond(BOB, Amount.tokens(100));
        staking.claim(BOB);
        List<KeyValue> out = new ArrayList<>();
        try (KeyValueIterator it = store.scan(Bytes.EMPTY)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private static TransferIds seeded() {
        return TransferIds.sequence("test/replay", Bytes.utf8("seed"));
    }

    @Test
    void replaysWithADeterministicSourceWriteIdenticalLedgers() {
        List<KeyValue> first = run(Ledger::open, seeded());
        List<KeyValue> second = run(Ledger::open, seeded());
        assertThat(first).isNotEmpty().isEqualTo(second);
        // the default random source does not: its transfer ids differ between runs
        assertThat(run(Ledger::open, TransferIds.random())).isNotEqualTo(run(Ledger::open, TransferIds.random()));
    }

    @Test
    void theUncachedLedgerWritesWhatTheCachedOneWrites() {
        assertThat(run(Ledger::openUncached, seeded())).isEqualTo(run(Ledger::open, seeded()));
    }

    @Test
    void sequenceIdsAreStableAndDistinct() {
        TransferIds a = TransferIds.sequence("d", Bytes.utf8("s"));
        TransferIds b = TransferIds.sequence("d", Bytes.utf8("s"));
        TransferId a0 = a.next();
        assertThat(a0).isEqualTo(b.next());
        assertThat(a.next()).isNotEqualTo(a0).isEqualTo(b.next());
        assertThat(TransferIds.sequence("d", Bytes.utf8("t")).next()).isNotEqualTo(a0);
        assertThatThrownBy(() -> TransferIds.sequence("", Bytes.EMPTY)).hasMessageContaining("domain");
    }

    @Test
    void proposalsKeptInAStoreOutliveTheGovernorAndRunTheirActionData() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryKeyValueStore store = new InMemoryKeyValueStore();
        Ledger ledger = Ledger.openUncached(store, clock);
        TransferIds ids = seeded(); // one source for all services: two sources with one seed would collide
        OpenToken token = new OpenToken(ledger, ids);
        token.mintGenesis(Genesis.openDefaults(clock.now()).withBeneficiary("liquidity", ALICE));
        Votes votes = new Votes(ledger, clock, ids);
        new Staking(token, clock, StakingParams.defaults(), votes).stake(ALICE, Amount.tokens(100));
        votes.delegate(ALICE, ALICE);
        clock.advance(Duration.ofSeconds(1));
        List<Bytes> ran = new ArrayList<>();
        BiFunction<Votes, ManualClock, Governor> fresh =
                (v, c) -> new Governor(v, c, GovernorParams.defaults(), Governor.ProposalStore.over(store), ran::add);
        Bytes action = Bytes.fromHex("0xc0ffee");
        Hash id = fresh.apply(votes, clock).propose(ALICE, "data action", action);
        assertThatThrownBy(() -> fresh.apply(votes, clock).propose(ALICE, "data action", action))
                .hasMessageContaining("exists");
        clock.advance(Duration.ofDays(1).plusSeconds(1));
        assertThat(fresh.apply(votes, clock).castVote(id, ALICE, Governor.Support.FOR))
                .isEqualTo(Amount.tokens(100));
        assertThat(fresh.apply(votes, clock).hasVoted(id, ALICE)).isTrue();
        assertThatThrownBy(() -> fresh.apply(votes, clock).castVote(id, ALICE, Governor.Support.AGAINST))
                .hasMessageContaining("already voted");
        clock.advance(Duration.ofDays(7));
        fresh.apply(votes, clock).queue(id);
        assertThatThrownBy(() -> fresh.apply(votes, clock).execute(id)).hasMessageContaining("timelocked");
        clock.advance(Duration.ofDays(2));
        fresh.apply(votes, clock).execute(id);
        assertThat(ran).containsExactly(action);
        Governor later = fresh.apply(votes, clock);
        assertThat(later.state(id)).isEqualTo(Governor.State.EXECUTED);
        assertThat(later.proposal(id).forVotes()).isEqualTo(Amount.tokens(100));
        assertThat(later.proposalVotes(id)[0]).isEqualTo(Amount.ZERO);
    }
}
