package io.openledger.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.ContributorId;
import io.openledger.core.ManualClock;
import io.openledger.core.contract.AttributionWeights;
import io.openledger.core.contract.Settlement;
import io.openledger.core.store.InMemoryKeyValueStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The core Settlement contract implemented on the ledger. */
class InferenceSettlementTest {
    final Address caller = OpenToken.systemAddress("caller");
    final Address dev = OpenToken.systemAddress("developer");
    final Address staker = OpenToken.systemAddress("staker");
    final ContributorId c1 = ContributorId.of(OpenToken.systemAddress("c1"));
    final ContributorId c2 = ContributorId.of(OpenToken.systemAddress("c2"));

    ManualClock clock;
    Ledger ledger;
    OpenToken token;
    Staking staking;
    TokenParameters params;
    InferenceSettlement settlement;

    @BeforeEach
    void setUp() {
        clock = new ManualClock();
        ledger = Ledger.open(new InMemoryKeyValueStore(), clock);
        token = new OpenToken(ledger);
        token.mintGenesis(Genesis.openDefaults(clock.now()).withBeneficiary("liquidity", staker));
        token.transfer(staker, caller, Amount.tokens(1));
        staking = new Staking(token, clock, StakingParams.defaults(), null);
        staking.stake(staker, Amount.tokens(100));
        params = new TokenParameters().feeSchedule(new FeeSchedule(Amount.of(1000), Amount.of(3000), Amount.of(7)));
        settlement = new InferenceSettlement(token, params, staking);
    }

    AttributionWeights weights() {
        return AttributionWeights.ofShares(Map.of(c1, 700_000_000_000_000_000L, c2, 300_000_000_000_000_000L));
    }

    @Test
    void settlesExactlyOnceAndPaysEveryPart() {
        // 3 prompt and 5 output tokens: ceil((3*1000 + 5*3000)/1000) + 7 = 18 + 7 = 25 base units
        var req = new Settlement.SettlementRequest(MoneyInvariantProperties.record(caller, 1, 5, 2), dev, weights());
        Settlement.SettlementResult r = settlement.settle(req);
        assertThat(r.fee()).isEqualTo(Amount.of(25));
        // 25 by 30/15/45/10 %: 7.5, 3.75, 11.25, 2.5 → floors 7,3,11,2 (=23), +1 to 3.75 and +1 to 7.5 (tie 0.5 vs 0.5:
        // lower index)
        assertThat(r.payouts())
                .containsEntry(dev, Amount.of(8))
                .containsEntry(Staking.rewardPool(), Amount.of(4))
                .containsEntry(InferenceSettlement.defaultTreasury(), Amount.of(2));
        // 11 by 70/30: 7.7 and 3.3 → 8 and 3
        assertThat(r.payouts()).containsEntry(c1.address(), Amount.of(8)).containsEntry(c2.address(), Amount.of(3));
        assertThat(r.payouts().values().stream().reduce(Amount.ZERO, Amount::add))
                .isEqualTo(r.fee());
        assertThat(token.balanceOf(caller)).isEqualTo(Amount.tokens(1).sub(Amount.of(25)));
        assertThat(staking.earned(staker)).isEqualTo(Amount.of(4));
        // governance changes the split; the retry still returns the first result and moves nothing
        params.splitRatios(new SplitRatios(10_000, 0, 0, 0));
        assertThat(settlement.settle(req)).isEqualTo(r);
        assertThat(token.balanceOf(caller)).isEqualTo(Amount.tokens(1).sub(Amount.of(25)));
        // a fresh instance (as after a restart) finds the recorded legs too
        assertThat(new InferenceSettlement(token, params, staking).settle(req)).isEqualTo(r);
    }

    @Test
    void aCallerWhoCannotPayMovesNothing() {
        Address poor = OpenToken.systemAddress("poor");
        token.ensureWallet(poor);
        List<Account> before = ledger.accounts();
        var req = new Settlement.SettlementRequest(MoneyInvariantProperties.record(poor, 2, 5, 2), dev, weights());
        assertThatThrownBy(() -> settlement.settle(req))
                .isInstanceOf(Settlement.SettlementException.class)
                .hasMessageContaining("EXCEEDS_CREDITS")
                .hasMessageContaining("nothing moved");
        assertThat(ledger.accounts().stream()
                        .filter(a -> !a.netCredit().equals(java.math.BigInteger.ZERO))
                        .toList())
                .isEqualTo(before.stream()
                        .filter(a -> !a.netCredit().equals(java.math.BigInteger.ZERO))
                        .toList());
        var stranger = new Settlement.SettlementRequest(
                MoneyInvariantProperties.record(OpenToken.systemAddress("nobody"), 3, 5, 2), dev, weights());
        assertThatThrownBy(() -> settlement.settle(stranger)).hasMessageContaining("has no OPEN wallet");
    }

    @Test
    void withoutStakersOrAttributionTheSharesGoToDust() {
        InferenceSettlement noStaking = new InferenceSettlement(token, params, null);
        var req = new Settlement.SettlementRequest(
                MoneyInvariantProperties.record(caller, 4, 5, 2), dev, AttributionWeights.empty());
        Settlement.SettlementResult r = noStaking.settle(req);
        assertThat(r.payouts()).containsEntry(InferenceSettlement.defaultDust(), Amount.of(4 + 11));
        assertThat(token.totalSupply()).isEqualTo(OpenToken.TOTAL_SUPPLY);
    }

    @Test
    void theCallerMayAlsoBeAContributor() {
        AttributionWeights self = AttributionWeights.ofShares(
                Map.of(ContributorId.of(caller), 500_000_000_000_000_000L, c2, 500_000_000_000_000_000L));
        var req = new Settlement.SettlementRequest(MoneyInvariantProperties.record(caller, 5, 5, 2), dev, self);
        Amount before = token.balanceOf(caller);
        Settlement.SettlementResult r = settlement.settle(req);
        Amount own = r.payouts().get(caller);
        assertThat(own).isNotNull();
        assertThat(token.balanceOf(caller)).isEqualTo(before.sub(r.fee()).add(own));
        assertThat(token.balanceOf(InferenceSettlement.escrowAddress())).isEqualTo(Amount.ZERO);
        assertThat(settlement.settle(req)).isEqualTo(r);
    }
}
