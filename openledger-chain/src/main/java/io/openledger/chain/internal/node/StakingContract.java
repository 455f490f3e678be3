package io.openledger.chain.internal.node;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.chain.node.SystemAddresses;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.token.StakingParams;
import java.util.List;

/**
 * Staking: OPEN staked as native value; rewards (the stakers' share of inference fees) are spread
 * over the stake present when they arrive with the reward-per-token accumulator (Synthetix
 * StakingRewards): {@code earned = stake × (acc − paid[staker]) / 1e18 + owed[staker]}. Unbonded
 * stake stops earning at once and can be withdrawn after the token module's {@link
 * StakingParams#unbondingDelay()} (block time), as the token module's {@code Staking} does.
 */
final class StakingContract extends SystemContract {
    private static final Amount SCALE = Amount.ONE_TOKEN;
    private static final Hash TOTAL = CallContext.slot("staking/total");
    private static final Hash ACC = CallContext.slot("staking/acc");
    private static final Hash UNDISTRIBUTED = CallContext.slot("staking/undistributed");

    private final long unbondingSeconds;

    StakingContract(StakingParams params) {
        this.unbondingSeconds = params.unbondingDelay().toSeconds();
        function("stake()", this::stake);
        function("unbond(uint256)", this::unbond);
        function("withdraw()", this::withdraw);
        function(
                "unbondingOf(address)", c -> unbondingOf(c, c.args().address(0)).toBytes32());
        function("claim()", this::claim);
        function(
                "stakeOf(address)",
                c -> amountOf(c, CallContext.slot("stake", c.args().address(0).bytes())));
        function("totalStaked()", c -> amountOf(c, TOTAL));
        function("earned(address)", c -> earned(c, c.args().address(0)).toBytes32());
    }

    @Override
    Address address() {
        return SystemAddresses.STAKING;
    }

    @Override
    String name() {
        return "Staking";
    }

    private static Bytes amountOf(CallContext c, Hash slot) {
        return CallContext.asAmount(c.storage(slot)).toBytes32();
    }

    static Amount totalStaked(WorldState s) {
        return CallContext.asAmount(s.storage(SystemAddresses.STAKING, TOTAL));
    }

    /** Credits {@code amount} (already paid to this contract) to the stakers. */
    static void notifyReward(CallContext c, Amount amount) {
        Amount total = CallContext.asAmount(c.state.storage(SystemAddresses.STAKING, TOTAL));
        if (total.isZero()) {
            Amount u = CallContext.asAmount(c.state.storage(SystemAddresses.STAKING, UNDISTRIBUTED));
            c.state.setStorage(
                    SystemAddresses.STAKING, UNDISTRIBUTED, u.add(amount).toMinimalBytes());
            return;
        }
        Amount acc = CallContext.asAmount(c.state.storage(SystemAddresses.STAKING, ACC));
        c.state.setStorage(
                SystemAddresses.STAKING,
                ACC,
                acc.add(amount.mulDiv(SCALE, total)).toMinimalBytes());
    }

    private static Amount earned(CallContext c, Address who) {
        Amount stake = CallContext.asAmount(c.storage(CallContext.slot("stake", who.bytes())));
        Amount acc = CallContext.asAmount(c.storage(ACC));
        Amount paid = CallContext.asAmount(c.storage(CallContext.slot("paid", who.bytes())));
        Amount owed = CallContext.asAmount(c.storage(CallContext.slot("owed", who.bytes())));
        return stake.mulDiv(acc.sub(paid), SCALE).add(owed);
    }

    private static void checkpoint(CallContext c, Address who) {
        Amount e = earned(c, who);
        c.store(CallContext.slot("owed", who.bytes()), e.toMinimalBytes());
        c.store(CallContext.slot("paid", who.bytes()), c.storage(ACC));
    }

    private Bytes stake(CallContext c) {
        if (c.value.isZero()) {
            throw new Revert("Staking: stake is zero");
        }
        checkpoint(c, c.sender);
        Hash s = CallContext.slot("stake", c.sender.bytes());
        c.store(s, CallContext.asAmount(c.storage(s)).add(c.value).toMinimalBytes());
        c.store(TOTAL, CallContext.asAmount(c.storage(TOTAL)).add(c.value).toMinimalBytes());
        c.emit(
                "Staked(address,uint256)",
                List.of(CallContext.topic(c.sender)),
                Abi.encode(new AbiValue.Uint(256, c.value.toBigInteger())));
        return Bytes.EMPTY;
    }

    private static Hash entries(Address who) {
        return CallContext.slot("unbonding/count", who.bytes());
    }

    private static Hash entryAmount(Address who, long k) {
        return CallContext.slot("unbonding/amount", who.bytes(), CallContext.word(k));
    }

    private static Hash entryRelease(Address who, long k) {
        return CallContext.slot("unbonding/release", who.bytes(), CallContext.word(k));
    }

    private static Amount unbondingOf(CallContext c, Address who) {
        Amount sum = Amount.ZERO;
        for (long k = 0, n = CallContext.asLong(c.storage(entries(who))); k < n; k++) {
            sum = sum.add(CallContext.asAmount(c.storage(entryAmount(who, k))));
        }
        return sum;
    }

    private Bytes unbond(CallContext c) {
        c.requireNoValue();
        Amount amount = c.args().uint256(0);
        Hash s = CallContext.slot("stake", c.sender.bytes());
        Amount stake = CallContext.asAmount(c.storage(s));
        if (amount.isZero() || stake.lessThan(amount)) {
            throw new Revert("Staking: unbond amount is zero or above the stake");
        }
        checkpoint(c, c.sender);
        c.store(s, stake.sub(amount).toMinimalBytes());
        c.store(TOTAL, CallContext.asAmount(c.storage(TOTAL)).sub(amount).toMinimalBytes());
        long k = CallContext.asLong(c.storage(entries(c.sender)));
        long release = c.timestamp + unbondingSeconds;
        c.store(entries(c.sender), Rlpish.minimal(k + 1));
        c.store(entryAmount(c.sender, k), amount.toMinimalBytes());
        c.store(entryRelease(c.sender, k), Rlpish.minimal(release));
        c.emit(
                "Unbonding(address,uint256,uint64)",
                List.of(CallContext.topic(c.sender)),
                Abi.encode(new AbiValue.Uint(256, amount.toBigInteger()), AbiValue.Uint.of(release)));
        return CallContext.word(release);
    }

    private Bytes withdraw(CallContext c) {
        c.requireNoValue();
        Amount due = Amount.ZERO;
        for (long k = 0, n = CallContext.asLong(c.storage(entries(c.sender))); k < n; k++) {
            Amount a = CallContext.asAmount(c.storage(entryAmount(c.sender, k)));
            if (!a.isZero() && CallContext.asLong(c.storage(entryRelease(c.sender, k))) <= c.timestamp) {
                c.store(entryAmount(c.sender, k), Bytes.EMPTY);
                due = due.add(a);
            }
        }
        c.pay(c.sender, due);
        c.emit(
                "Withdrawn(address,uint256)",
                List.of(CallContext.topic(c.sender)),
                Abi.encode(new AbiValue.Uint(256, due.toBigInteger())));
        return due.toBytes32();
    }

    private Bytes claim(CallContext c) {
        c.requireNoValue();
        checkpoint(c, c.sender);
        Hash o = CallContext.slot("owed", c.sender.bytes());
        Amount owed = CallContext.asAmount(c.storage(o));
        c.store(o, Bytes.EMPTY);
        c.pay(c.sender, owed);
        c.emit(
                "RewardClaimed(address,uint256)",
                List.of(CallContext.topic(c.sender)),
                Abi.encode(new AbiValue.Uint(256, owed.toBigInteger())));
        return owed.toBytes32();
    }
}
