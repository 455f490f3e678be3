package io.openledger.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.ManualClock;
import io.openledger.core.store.InMemoryKeyValueStore;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ERC-20 semantics, the genesis allocation and vesting. */
class OpenTokenTest {
    static final Instant TGE = Instant.parse("2026-01-01T00:00:00Z");
    final Address alice = OpenToken.systemAddress("alice");
    final Address bob = OpenToken.systemAddress("bob");
    final Address carol = OpenToken.systemAddress("carol");

    ManualClock clock;
    Ledger ledger;
    OpenToken token;
    Genesis genesis;
    final List<TokenEvent> events = new ArrayList<>();

    @BeforeEach
    void setUp() {
        clock = new ManualClock(TGE);
        ledger = Ledger.open(new InMemoryKeyValueStore(), clock);
        token = new OpenToken(ledger);
        token.addListener(events::add);
        genesis = Genesis.openDefaults(TGE).withBeneficiary("liquidity", alice);
        token.mintGenesis(genesis);
    }

    @Test
    void genesisMintsExactlyTheSupplyOnce() {
        assertThat(OpenToken.TOTAL_SUPPLY.toBigInteger()).isEqualTo(BigInteger.TEN.pow(27));
        assertThat(token.totalSupply()).isEqualTo(OpenToken.TOTAL_SUPPLY);
        assertThat(token.balanceOf(alice)).isEqualTo(Amount.tokens(50_000_000));
        assertThat(token.balanceOf(Vesting.escrowAddress("community"))).isEqualTo(Amount.tokens(517_100_000));
        assertThat(token.balanceOf(Vesting.escrowAddress("investors"))).isEqualTo(Amount.tokens(182_900_000));
        assertThat(token.balanceOf(Vesting.escrowAddress("team"))).isEqualTo(Amount.tokens(150_000_000));
        assertThat(token.balanceOf(Vesting.escrowAddress("ecosystem"))).isEqualTo(Amount.tokens(100_000_000));
        assertThat(events)
                .hasSize(5)
                .allMatch(e -> ((TokenEvent.TransferEvent) e).from().equals(Address.ZERO));
        token.mintGenesis(genesis); // again: nothing more
        assertThat(token.totalSupply()).isEqualTo(OpenToken.TOTAL_SUPPLY);
        assertThat(events).hasSize(5);
        Genesis other = new Genesis(List.of(new Allocation("all", OpenToken.TOTAL_SUPPLY, bob, null)));
        assertThatThrownBy(() -> token.mintGenesis(other)).isInstanceOf(TokenException.class);
        assertThat(token.totalSupply()).isEqualTo(OpenToken.TOTAL_SUPPLY);
        assertThatThrownBy(() -> new Genesis(List.of(new Allocation("x", Amount.ONE, bob, null))))
                .hasMessageContaining("must sum to exactly 1000000000000000000000000000");
    }

    @Test
    void transferMovesAndRefusesOverdrafts() {
        token.transfer(alice, bob, Amount.tokens(10));
        assertThat(token.balanceOf(bob)).isEqualTo(Amount.tokens(10));
        assertThat(events.getLast()).isInstanceOf(TokenEvent.TransferEvent.class);
        assertThatThrownBy(() -> token.transfer(bob, carol, Amount.tokens(11)))
                .isInstanceOf(TokenException.class)
                .extracting(e -> ((TokenException) e).reason())
                .isEqualTo(TokenException.Reason.INSUFFICIENT_BALANCE);
        assertThatThrownBy(() -> token.transfer(bob, Address.ZERO, Amount.ONE))
                .extracting(e -> ((TokenException) e).reason())
                .isEqualTo(TokenException.Reason.INVALID_RECEIVER);
        TransferId id = TransferId.of(42);
        token.transfer(id, bob, carol, Amount.tokens(1));
        token.transfer(id, bob, carol, Amount.tokens(1)); // retried: once
        assertThat(token.balanceOf(carol)).isEqualTo(Amount.tokens(1));
    }

    @Test
    void allowancesFollowErc20IncludingUnlimited() {
        token.approve(alice, bob, Amount.tokens(5));
        assertThat(token.allowance(alice, bob)).isEqualTo(Amount.tokens(5));
        assertThat(events.getLast()).isEqualTo(new TokenEvent.ApprovalEvent(alice, bob, Amount.tokens(5)));
        token.transferFrom(bob, alice, carol, Amount.tokens(2));
        assertThat(token.allowance(alice, bob)).isEqualTo(Amount.tokens(3));
        assertThat(token.balanceOf(carol)).isEqualTo(Amount.tokens(2));
        assertThatThrownBy(() -> token.transferFrom(bob, alice, carol, Amount.tokens(4)))
                .extracting(e -> ((TokenException) e).reason())
                .isEqualTo(TokenException.Reason.INSUFFICIENT_ALLOWANCE);
        token.approve(alice, bob, Amount.ONE); // overwrite, not add
        assertThat(token.allowance(alice, bob)).isEqualTo(Amount.ONE);
        token.approve(alice, bob, Amount.MAX);
        assertThat(token.allowance(alice, bob)).isEqualTo(Amount.MAX);
        token.transferFrom(bob, alice, carol, Amount.tokens(1000));
        assertThat(token.allowance(alice, bob)).isEqualTo(Amount.MAX); // never decremented
        token.approve(alice, bob, Amount.ZERO);
        assertThat(token.allowance(alice, bob)).isEqualTo(Amount.ZERO);
        // allowance without balance: insufficient balance, and the allowance is not spent
        token.approve(carol, bob, Amount.tokens(1_000_000));
        assertThatThrownBy(() -> token.transferFrom(bob, carol, alice, Amount.tokens(999_999)))
                .extracting(e -> ((TokenException) e).reason())
                .isEqualTo(TokenException.Reason.INSUFFICIENT_BALANCE);
        assertThat(token.allowance(carol, bob)).isEqualTo(Amount.tokens(1_000_000));
        assertThatThrownBy(() -> token.approve(alice, Address.ZERO, Amount.ONE))
                .extracting(e -> ((TokenException) e).reason())
                .isEqualTo(TokenException.Reason.INVALID_SPENDER);
    }

    @Test
    void vestingHasACliffThenLinearReleaseAndNeverOverReleases() {
        Vesting v = new Vesting(token, genesis, clock);
        VestingSchedule team = genesis.allocation("team").vesting();
        assertThat(team.cliff()).isEqualTo(Duration.ofSeconds(2_629_800L * 12));
        assertThat(v.release("team")).isEqualTo(Amount.ZERO);
        clock.set(TGE.plus(team.cliff()).minusSeconds(1));
        assertThat(v.vested("team")).isEqualTo(Amount.ZERO);
        clock.set(TGE.plus(team.cliff()).plus(team.linear().dividedBy(2)));
        assertThat(v.vested("team")).isEqualTo(Amount.tokens(75_000_000));
        Amount first = v.release("team");
        assertThat(first).isEqualTo(Amount.tokens(75_000_000));
        assertThat(v.release("team")).isEqualTo(Amount.ZERO); // nothing more vested at this instant
        Address teamWallet = genesis.allocation("team").beneficiary();
        assertThat(token.balanceOf(teamWallet)).isEqualTo(first);
        clock.set(team.end().plusSeconds(1));
        assertThat(v.release("team")).isEqualTo(Amount.tokens(75_000_000));
        assertThat(token.balanceOf(Vesting.escrowAddress("team"))).isEqualTo(Amount.ZERO);
        assertThat(v.released("team")).isEqualTo(genesis.allocation("team").amount());
        // a 48-month linear bucket: a third at 16 months, floor per second
        Allocation community = genesis.allocation("community");
        assertThat(community.vesting().vested(community.amount(), TGE.plus(Duration.ofSeconds(2_629_800L * 16))))
                .isEqualTo(Amount.of(BigInteger.valueOf(517_100_000L)
                        .multiply(BigInteger.TEN.pow(18))
                        .divide(BigInteger.valueOf(3))));
        assertThat(token.totalSupply()).isEqualTo(OpenToken.TOTAL_SUPPLY);
    }
}
