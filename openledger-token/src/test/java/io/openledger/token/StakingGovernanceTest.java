package io.openledger.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.ManualClock;
import io.openledger.core.store.InMemoryKeyValueStore;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Staking, unbonding, slashing, rewards, vote checkpoints and proposal states. */
class StakingGovernanceTest {
    final Address alice = OpenToken.systemAddress("alice");
    final Address bob = OpenToken.systemAddress("bob");

    ManualClock clock;
    OpenToken token;
    Votes votes;
    Staking staking;

    @BeforeEach
    void setUp() {
        clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        token = new OpenToken(Ledger.open(new InMemoryKeyValueStore(), clock));
        token.mintGenesis(Genesis.openDefaults(clock.now()).withBeneficiary("liquidity", alice));
        token.transfer(alice, bob, Amount.tokens(1000));
        votes = new Votes(token.ledger(), clock);
        staking = new Staking(token, clock, StakingParams.defaults(), votes);
    }

    @Test
    void unbondingWaitsTheDelayAndStaysSlashable() {
        staking.stake(bob, Amount.tokens(100));
        assertThat(token.balanceOf(bob)).isEqualTo(Amount.tokens(900));
        Instant at = staking.unbond(bob, Amount.tokens(40));
        assertThat(at).isEqualTo(clock.now().plus(Duration.ofDays(21)));
        clock.advance(Duration.ofDays(20));
        assertThat(staking.withdraw(bob)).isEqualTo(Amount.ZERO);
        // 10% slash hits bonded 60 and unbonding 40 alike
        assertThat(staking.slash(bob, 1, 10)).isEqualTo(Amount.tokens(10));
        assertThat(staking.stakeOf(bob)).isEqualTo(Amount.tokens(54));
        assertThat(staking.unbondingOf(bob)).isEqualTo(Amount.tokens(36));
        assertThat(token.balanceOf(StakingParams.defaults().slashDestination())).isEqualTo(Amount.tokens(10));
        clock.advance(Duration.ofDays(1));
        assertThat(staking.withdraw(bob)).isEqualTo(Amount.tokens(36));
        assertThat(token.balanceOf(bob)).isEqualTo(Amount.tokens(936));
        assertThatThrownBy(() -> staking.unbond(bob, Amount.tokens(55)))
                .extracting(e -> ((TokenException) e).reason())
                .isEqualTo(TokenException.Reason.INSUFFICIENT_BALANCE);
        assertThatThrownBy(() -> staking.slash(bob, 2, 1)).hasMessageContaining("slash fraction must be in [0, 1]");
        assertThat(token.totalSupply()).isEqualTo(OpenToken.TOTAL_SUPPLY);
    }

    @Test
    void slashedStakeIsReleasedOnlyUpToWhatWasSlashed() {
        staking.stake(bob, Amount.tokens(100));
        assertThat(staking.slash(bob, 1, 4)).isEqualTo(Amount.tokens(25));
        assertThat(staking.slashedBalance()).isEqualTo(Amount.tokens(25));
        Address treasury = OpenToken.systemAddress("treasury");
        assertThatThrownBy(() -> staking.releaseSlashed(treasury, Amount.tokens(26)))
                .extracting(e -> ((TokenException) e).reason())
                .isEqualTo(TokenException.Reason.INSUFFICIENT_BALANCE);
        assertThat(token.balanceOf(treasury)).isEqualTo(Amount.ZERO);
        staking.releaseSlashed(treasury, Amount.tokens(20));
        assertThat(token.balanceOf(treasury)).isEqualTo(Amount.tokens(20));
        assertThat(staking.slashedBalance()).isEqualTo(Amount.tokens(5));
        assertThatThrownBy(() -> staking.releaseSlashed(Address.ZERO, Amount.tokens(1)))
                .isInstanceOf(TokenException.class);
        assertThat(staking.slashedBalance()).isEqualTo(Amount.tokens(5));
        assertThat(token.totalSupply()).isEqualTo(OpenToken.TOTAL_SUPPLY);
    }

    @Test
    void stakingStateLivesInTheLedgerAndSurvivesARestart() {
        staking.stake(bob, Amount.tokens(100));
        staking.unbond(bob, Amount.tokens(30));
        token.transfer(alice, Staking.rewardPool(), Amount.tokens(7));
        staking.notifyReward(Amount.tokens(7));
        votes.delegate(bob, alice);
        Votes votesAgain = new Votes(token.ledger(), clock);
        assertThat(votesAgain.delegates(bob)).contains(alice);
        assertThat(votesAgain.getVotes(alice)).isEqualTo(Amount.tokens(70));
        assertThat(votesAgain.unitsOf(bob)).isEqualTo(Amount.tokens(70));
        Staking again = new Staking(token, clock, StakingParams.defaults(), votesAgain);
        assertThat(again.stakeOf(bob)).isEqualTo(Amount.tokens(70));
        assertThat(again.unbondingOf(bob)).isEqualTo(Amount.tokens(30));
        assertThat(again.totalStaked()).isEqualTo(Amount.tokens(70));
        assertThat(Staking.totalStakedIn(token.ledger())).isEqualTo(Amount.tokens(70));
        assertThat(again.earned(bob)).isEqualTo(Amount.tokens(7));
        clock.advance(Duration.ofDays(21));
        assertThat(again.withdraw(bob)).isEqualTo(Amount.tokens(30));
        assertThat(again.claim(bob)).isEqualTo(Amount.tokens(7));
        assertThat(staking.earned(bob)).isEqualTo(Amount.ZERO);
    }

    @Test
    void rewardsArePaidPerStakedUnit() {
        staking.stake(alice, Amount.tokens(300));
        staking.stake(bob, Amount.tokens(100));
        token.transfer(alice, Staking.rewardPool(), Amount.tokens(40));
        staking.notifyReward(Amount.tokens(40));
        assertThat(staking.earned(alice)).isEqualTo(Amount.tokens(30));
        assertThat(staking.earned(bob)).isEqualTo(Amount.tokens(10));
        staking.unbond(alice, Amount.tokens(300)); // stops earning
        token.transfer(alice, Staking.rewardPool(), Amount.tokens(5));
        staking.notifyReward(Amount.tokens(5));
        assertThat(staking.claim(alice)).isEqualTo(Amount.tokens(30));
        assertThat(staking.claim(bob)).isEqualTo(Amount.tokens(15));
        assertThat(token.balanceOf(Staking.rewardPool())).isEqualTo(Amount.ZERO);
        // uneven: 1 unit over 3 stakers' units leaves dust in the pool, never overpays
        staking.stake(alice, Amount.of(2));
        token.transfer(alice, Staking.rewardPool(), Amount.of(1));
        staking.notifyReward(Amount.of(1));
        assertThat(staking.earned(bob).add(staking.earned(alice)))
                .isLessThanOrEqualTo(token.balanceOf(Staking.rewardPool()));
    }

    @Test
    void pastVotesFollowCheckpointsAndDelegation() {
        long t0 = votes.clock();
        staking.stake(alice, Amount.tokens(10)); // units but not delegated: no votes yet
        assertThat(votes.getVotes(alice)).isEqualTo(Amount.ZERO);
        votes.delegate(alice, bob);
        assertThat(votes.getVotes(bob)).isEqualTo(Amount.tokens(10));
        clock.advance(Duration.ofSeconds(10));
        staking.stake(alice, Amount.tokens(5));
        clock.advance(Duration.ofSeconds(10));
        assertThat(votes.getPastVotes(bob, t0)).isEqualTo(Amount.tokens(10));
        assertThat(votes.getPastVotes(bob, t0 + 9)).isEqualTo(Amount.tokens(10));
        assertThat(votes.getPastVotes(bob, t0 + 10)).isEqualTo(Amount.tokens(15));
        assertThat(votes.getPastVotes(bob, t0 - 1)).isEqualTo(Amount.ZERO);
        assertThat(votes.getPastTotalSupply(t0 + 10)).isEqualTo(Amount.tokens(15));
        assertThatThrownBy(() -> votes.getPastVotes(bob, votes.clock())).hasMessageContaining("not in the past");
        votes.delegate(alice, alice);
        assertThat(votes.getVotes(bob)).isEqualTo(Amount.ZERO);
        assertThat(votes.getVotes(alice)).isEqualTo(Amount.tokens(15));
    }

    @Test
    void proposalGoesThroughTheGovernorStates() {
        staking.stake(alice, Amount.tokens(100));
        staking.stake(bob, Amount.tokens(30));
        votes.delegate(alice, alice);
        votes.delegate(bob, bob);
        clock.advance(Duration.ofSeconds(1));
        TokenParameters params = new TokenParameters();
        Governor gov = new Governor(votes, clock, GovernorParams.defaults());
        SplitRatios next = new SplitRatios(2500, 2500, 4000, 1000);
        var id = gov.propose(alice, "raise stakers to 25%", () -> params.splitRatios(next));
        assertThat(gov.state(id)).isEqualTo(Governor.State.PENDING);
        assertThatThrownBy(() -> gov.castVote(id, bob, Governor.Support.FOR)).hasMessageContaining("PENDING");
        clock.advance(Duration.ofDays(1).plusSeconds(1));
        assertThat(gov.state(id)).isEqualTo(Governor.State.ACTIVE);
        assertThat(gov.castVote(id, alice, Governor.Support.FOR)).isEqualTo(Amount.tokens(100));
        assertThat(gov.castVote(id, bob, Governor.Support.AGAINST)).isEqualTo(Amount.tokens(30));
        assertThatThrownBy(() -> gov.castVote(id, bob, Governor.Support.FOR)).hasMessageContaining("already voted");
        clock.advance(Duration.ofDays(7));
        assertThat(gov.state(id)).isEqualTo(Governor.State.SUCCEEDED);
        gov.queue(id);
        assertThat(gov.state(id)).isEqualTo(Governor.State.QUEUED);
        assertThatThrownBy(() -> gov.execute(id)).hasMessageContaining("timelocked");
        clock.advance(Duration.ofDays(2));
        gov.execute(id);
        assertThat(gov.state(id)).isEqualTo(Governor.State.EXECUTED);
        assertThat(params.splitRatios()).isEqualTo(next);

        // abstain counts for quorum but not for success; a queued proposal expires after the grace period
        var abstained = gov.propose(bob, "abstain only", () -> {});
        var passed = gov.propose(bob, "passes, then left to expire", () -> {});
        var canceled = gov.propose(bob, "withdrawn", () -> {});
        gov.cancel(canceled, bob);
        assertThat(gov.state(canceled)).isEqualTo(Governor.State.CANCELED);
        clock.advance(Duration.ofDays(1).plusSeconds(1));
        gov.castVote(abstained, bob, Governor.Support.ABSTAIN);
        gov.castVote(passed, bob, Governor.Support.FOR);
        clock.advance(Duration.ofDays(7));
        assertThat(gov.state(abstained)).isEqualTo(Governor.State.DEFEATED);
        gov.queue(passed);
        clock.advance(Duration.ofDays(16));
        assertThat(gov.state(passed)).isEqualTo(Governor.State.EXPIRED);
        assertThatThrownBy(() -> gov.execute(passed)).hasMessageContaining("EXPIRED");
        // quorum: 4% of the 130 tokens of past supply
        assertThat(gov.quorum(gov.proposalSnapshot(passed))).isEqualTo(Amount.parseDecimal("5.2"));
    }
}
