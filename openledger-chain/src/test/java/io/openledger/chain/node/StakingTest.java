package io.openledger.chain.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.ManualClock;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.crypto.PrivateKey;
import io.openledger.token.StakingParams;
import io.openledger.token.TokenParameters;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StakingTest {
    private static final long CHAIN = 31337;

    private static Amount view(L2Node node, String sig, Address who) {
        return Amount.fromBytes32(
                node.call(who, SystemAddresses.STAKING, Abi.encodeCall(sig, List.of(new AbiValue.AddressValue(who)))));
    }

    @Test
    void stakersEarnTheirShareAndWithdrawAfterTheUnbondingDelay() {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T00:00:00Z"));
        try (L2Node node = L2Node.builder().dev(true).clock(clock).build()) {
            PrivateKey dev = node.devKeys().get(0);
            PrivateKey staker = node.devKeys().get(5);
            PrivateKey user = node.devKeys().get(6);
            node.submit(Txs.call(
                    CHAIN,
                    dev,
                    0,
                    SystemAddresses.MODEL_REGISTRY,
                    Amount.ZERO,
                    Txs.registerModel("m", Hash.ZERO, List.of()),
                    300_000));
            node.submit(staking(staker, 0, Amount.tokens(100), "stake()", List.of()));
            node.seal();
            assertThat(view(node, "stakeOf(address)", staker.address())).isEqualTo(Amount.tokens(100));

            Amount fee = new TokenParameters().feeSchedule().fee(100_000, 100_000);
            node.submit(Txs.call(
                    CHAIN,
                    user,
                    0,
                    SystemAddresses.INFERENCE_SETTLEMENT,
                    fee,
                    Txs.settle(Hashing.keccak256(Bytes.utf8("q")), 1, 100_000, 100_000, List.of(), List.of()),
                    500_000));
            node.seal();
            Amount stakersPart =
                    fee.mulDiv(Amount.of(new TokenParameters().splitRatios().stakersBps()), Amount.of(10_000));
            Amount earned = view(node, "earned(address)", staker.address());
            assertThat(earned).isBetween(stakersPart.sub(Amount.of(2)), stakersPart.add(Amount.of(2)));

            Amount before = node.balance(staker.address());
            node.submit(staking(staker, 1, Amount.ZERO, "claim()", List.of()));
            node.submit(staking(
                    staker,
                    2,
                    Amount.ZERO,
                    "unbond(uint256)",
                    List.of(new AbiValue.Uint(256, Amount.tokens(40).toBigInteger()))));
            node.submit(staking(staker, 3, Amount.ZERO, "withdraw()", List.of()));
            L2Block b = node.seal();
            assertThat(b.receipts()).allMatch(io.openledger.chain.block.Receipt::success);
            Amount gas = Amount.ZERO;
            for (int i = 1; i < b.transactions().size(); i++) {
                gas = gas.add(Amount.of(b.gasUsed(i))
                                .mul(b.header().baseFeePerGas().orElseThrow().add(Txs.GWEI)))
                        .add(b.l1Fees().get(i));
            }
            // claimed the reward; the unbonded 40 OPEN are not released yet
            assertThat(node.balance(staker.address()))
                    .isEqualTo(before.add(earned).sub(gas));
            assertThat(view(node, "unbondingOf(address)", staker.address())).isEqualTo(Amount.tokens(40));

            clock.advance(StakingParams.defaults()
                    .unbondingDelay()
                    .plusSeconds(10)); // blocks ran ahead of the clock by a few seconds
            Amount mid = node.balance(staker.address());
            node.submit(staking(staker, 4, Amount.ZERO, "withdraw()", List.of()));
            L2Block w = node.seal();
            Amount gas2 = Amount.of(w.gasUsed(1))
                    .mul(w.header().baseFeePerGas().orElseThrow().add(Txs.GWEI))
                    .add(w.l1Fees().get(1));
            assertThat(node.balance(staker.address()))
                    .isEqualTo(mid.add(Amount.tokens(40)).sub(gas2));
            assertThat(view(node, "stakeOf(address)", staker.address())).isEqualTo(Amount.tokens(60));
            assertThat(node.totalBalance(w.number())).isEqualTo(node.genesisSupply());
            // the 60 still bonded are escrowed natively by the ledger account and booked in the ledger
            assertThat(node.ledgerHoldings(w.number()))
                    .isEqualTo(node.balanceAt(SystemAddresses.TOKEN_LEDGER, w.number()))
                    .isGreaterThanOrEqualTo(node.ledgerHoldings(0).add(Amount.tokens(60)));
        }
    }

    @Test
    void aFailedStakingCallLeavesTheLedgerAsItWas() {
        try (L2Node node = L2Node.builder().dev(true).build()) {
            PrivateKey staker = node.devKeys().get(5);
            node.submit(staking(staker, 0, Amount.tokens(100), "stake()", List.of()));
            L2Block b = node.seal();
            assertThat(b.receipts().get(1).success()).isTrue();
            assertThat(b.gasUsed(1)).isLessThan(200_000);
            Amount vestingEscrow = node.ledgerHoldings(0); // the genesis vesting buckets
            assertThat(node.ledgerHoldings(b.number()))
                    .isEqualTo(vestingEscrow.add(Amount.tokens(100)))
                    .isEqualTo(node.balanceAt(SystemAddresses.TOKEN_LEDGER, b.number()));
            Bytes tooMuch = Abi.encodeCall(
                    "unbond(uint256)",
                    List.of(new AbiValue.Uint(256, Amount.tokens(101).toBigInteger())));
            assertThatThrownBy(() -> node.call(staker.address(), SystemAddresses.STAKING, tooMuch))
                    .hasMessageContaining("execution reverted: Staking: ")
                    .hasMessageContaining("bonded, not");
            // a stake and an over-unbond in one transaction each: the second fails and the ledger keeps the first
            node.submit(staking(staker, 1, Amount.tokens(5), "stake()", List.of()));
            node.submit(staking(
                    staker,
                    2,
                    Amount.ZERO,
                    "unbond(uint256)",
                    List.of(new AbiValue.Uint(256, Amount.tokens(200).toBigInteger()))));
            L2Block c = node.seal();
            assertThat(c.receipts().get(1).success()).isTrue();
            assertThat(c.receipts().get(2).success()).isFalse();
            assertThat(view(node, "stakeOf(address)", staker.address())).isEqualTo(Amount.tokens(105));
            assertThat(view(node, "unbondingOf(address)", staker.address())).isEqualTo(Amount.ZERO);
            assertThat(node.ledgerHoldings(c.number())).isEqualTo(vestingEscrow.add(Amount.tokens(105)));
            assertThat(node.totalBalance(c.number())).isEqualTo(node.genesisSupply());
        }
    }

    /** A call to the staking contract with a 200k gas limit. */
    private static Bytes staking(PrivateKey from, long nonce, Amount value, String signature, List<AbiValue> args) {
        return Txs.call(CHAIN, from, nonce, SystemAddresses.STAKING, value, Abi.encodeCall(signature, args), 200_000);
    }
}
