package io.openledger.chain.internal.node;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.chain.node.SystemAddresses;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.token.Ledger;
import io.openledger.token.Staking;
import io.openledger.token.StakingParams;
import io.openledger.token.TokenException;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Staking: the token module's {@link Staking} (with {@link io.openledger.token.Votes} for voting
 * power) run unchanged over the L2 ledger ({@link L2Ledger}). Staked OPEN arrives as the call's native
 * value and is moved into the ledger escrow, credited to the staker's ledger wallet and bonded there;
 * withdrawn stake and claimed rewards leave the ledger the same way, back to native balance. Rewards
 * (the stakers' share of inference fees, paid in by {@link SettlementContract}) follow the token
 * module's reward-per-token accumulator; unbonding waits {@link StakingParams#unbondingDelay()} of
 * block time. Bonded stake counts as voting units once delegated ({@code delegate}), which is what
 * {@link GovernanceContract} counts; only Governance may {@code slash}.
 */
final class StakingContract extends SystemContract {
    private final StakingParams params;

    StakingContract(StakingParams params) {
        this.params = params;
        function("stake()", this::stake);
        function("unbond(uint256)", this::unbond);
        function("withdraw()", this::withdraw);
        function("claim()", this::claim);
        function("delegate(address)", this::delegate);
        function("slash(address,uint256,uint256)", this::slash);
        function("releaseSlashed(address,uint256)", this::releaseSlashed);
        function("slashedBalance()", view(c -> l(c).staking.slashedBalance()));
        function("unbondingOf(address)", view(c -> l(c).staking
                .unbondingOf(c.args().address(0))));
        function("stakeOf(address)", view(c -> l(c).staking.stakeOf(c.args().address(0))));
        function("totalStaked()", view(c -> l(c).staking.totalStaked()));
        function("earned(address)", view(c -> l(c).staking.earned(c.args().address(0))));
        function("getVotes(address)", view(c -> l(c).votes.getVotes(c.args().address(0))));
        function("getPastVotes(address,uint256)", view(c -> {
            AbiReader a = c.args();
            return l(c).votes.getPastVotes(a.address(0), a.uint64(1));
        }));
        function("getPastTotalSupply(uint256)", view(c -> l(c).votes
                .getPastTotalSupply(c.args().uint64(0))));
        function(
                "delegates(address)",
                c -> CallContext.word(l(c).votes.delegates(c.args().address(0)).orElse(Address.ZERO)));
        function("clock()", c -> CallContext.word(c.timestamp));
        function("CLOCK_MODE()", c -> Abi.encode(new AbiValue.Text("mode=timestamp")));
    }

    @Override
    Address address() {
        return SystemAddresses.STAKING;
    }

    @Override
    String name() {
        return "Staking";
    }

    StakingParams params() {
        return params;
    }

    private L2Ledger l(CallContext c) {
        return L2Ledger.of(c, params);
    }

    private static Function<CallContext, Bytes> view(Function<CallContext, Amount> f) {
        return c -> {
            c.requireNoValue();
            return guarded(() -> f.apply(c)).toBytes32();
        };
    }

    /** Runs token-module code, turning its refusals into reverts with the token module's message. */
    static <T> T guarded(java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (TokenException | IllegalArgumentException | IllegalStateException e) {
            throw new Revert("Staking: " + e.getMessage());
        }
    }

    /** Whether anyone has stake bonded (rewards go to dust otherwise). */
    boolean hasStakers(CallContext c) {
        // one account read, not the services' set-up: every settlement asks this
        Instant now = Instant.ofEpochSecond(c.timestamp);
        return !Staking.totalStakedIn(Ledger.openUncached(L2Ledger.store(c.state, c::gas), () -> now))
                .isZero();
    }

    /** Pays {@code amount}, held natively by the calling contract, into the reward pool for current stakers. */
    void reward(CallContext c, Amount amount) {
        L2Ledger l = l(c);
        l.depositFrom(c.self, Staking.rewardPool(), amount);
        guarded(() -> {
            l.staking.notifyReward(amount);
            return null;
        });
    }

    private Bytes stake(CallContext c) {
        if (c.value.isZero()) {
            throw new Revert("Staking: stake is zero");
        }
        L2Ledger l = l(c);
        l.depositFrom(c.self, c.sender, c.value);
        guarded(() -> {
            l.staking.stake(c.sender, c.value);
            return null;
        });
        c.emit(
                "Staked(address,uint256)",
                List.of(CallContext.topic(c.sender)),
                Abi.encode(new AbiValue.Uint(256, c.value.toBigInteger())));
        return Bytes.EMPTY;
    }

    private Bytes unbond(CallContext c) {
        c.requireNoValue();
        Amount amount = c.args().uint256(0);
        if (amount.isZero()) {
            throw new Revert("Staking: unbond amount is zero");
        }
        Instant at = guarded(() -> l(c).staking.unbond(c.sender, amount));
        long release = at.getEpochSecond();
        c.emit(
                "Unbonding(address,uint256,uint64)",
                List.of(CallContext.topic(c.sender)),
                Abi.encode(new AbiValue.Uint(256, amount.toBigInteger()), AbiValue.Uint.of(release)));
        return CallContext.word(release);
    }

    private Bytes withdraw(CallContext c) {
        c.requireNoValue();
        L2Ledger l = l(c);
        Amount due = guarded(() -> l.staking.withdraw(c.sender));
        l.withdrawTo(c.sender, c.sender, due);
        c.emit(
                "Withdrawn(address,uint256)",
                List.of(CallContext.topic(c.sender)),
                Abi.encode(new AbiValue.Uint(256, due.toBigInteger())));
        return due.toBytes32();
    }

    private Bytes claim(CallContext c) {
        c.requireNoValue();
        L2Ledger l = l(c);
        Amount owed = guarded(() -> l.staking.claim(c.sender));
        l.withdrawTo(c.sender, c.sender, owed);
        c.emit(
                "RewardClaimed(address,uint256)",
                List.of(CallContext.topic(c.sender)),
                Abi.encode(new AbiValue.Uint(256, owed.toBigInteger())));
        return owed.toBytes32();
    }

    private Bytes delegate(CallContext c) {
        c.requireNoValue();
        Address to = c.args().address(0);
        L2Ledger l = l(c);
        Address from = l.votes.delegates(c.sender).orElse(Address.ZERO);
        guarded(() -> {
            l.votes.delegate(c.sender, to);
            return null;
        });
        c.emit(
                "DelegateChanged(address,address,address)",
                List.of(CallContext.topic(c.sender), CallContext.topic(from), CallContext.topic(to)),
                Bytes.EMPTY);
        return Bytes.EMPTY;
    }

    // slashed stake out of the slash destination, paid natively, by a Governance proposal only
    private Bytes releaseSlashed(CallContext c) {
        AbiReader a = governanceCall(c, "release slashed stake");
        Address to = a.address(0);
        Amount amount = a.uint256(1);
        if (to.equals(Address.ZERO)) {
            throw new Revert("Staking: release to the zero address");
        }
        l(c).releaseSlashed(to, amount);
        c.emit(
                "SlashedReleased(address,uint256)",
                List.of(CallContext.topic(to)),
                Abi.encode(new AbiValue.Uint(256, amount.toBigInteger())));
        return Bytes.EMPTY;
    }

    // the arguments of a call without value that only Governance (a passed proposal) may make
    private static AbiReader governanceCall(CallContext c, String what) {
        c.requireNoValue();
        if (!c.sender.equals(SystemAddresses.GOVERNANCE)) {
            throw new Revert("Staking: only Governance may " + what);
        }
        return c.args();
    }

    private Bytes slash(CallContext c) {
        AbiReader a = governanceCall(c, "slash");
        Address staker = a.address(0);
        long num = a.uint64(1);
        long den = a.uint64(2);
        if (num < 0 || den < 0) {
            throw new Revert("Staking: slash fraction above 2^63-1");
        }
        Amount total = guarded(() -> l(c).staking.slash(staker, num, den));
        c.emit(
                "Slashed(address,uint256)",
                List.of(CallContext.topic(staker)),
                Abi.encode(new AbiValue.Uint(256, total.toBigInteger())));
        return total.toBytes32();
    }
}
