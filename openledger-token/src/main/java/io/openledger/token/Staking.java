package io.openledger.token;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Clock;
import io.openledger.token.internal.Accounts;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Staking of OPEN with unbonding, slashing and rewards. The money always sits in ledger wallets: a
 * staker's bonded stake in its stake wallet, unbonding stake in its unbonding wallet, undistributed
 * rewards in the reward pool wallet, slashed stake in {@link StakingParams#slashDestination()}. So
 * staking can never create or destroy tokens, and a wallet can never go negative.
 *
 * <p>Rewards use the reward-per-token accumulator (Synthetix StakingRewards): each reward raises
 * {@code rewardPerToken} by {@code reward × 10^36 / totalStaked} (floor; Synthetix uses 10^18, too coarse for
 * base-unit stakes); a staker has earned {@code stake × (rewardPerToken − paid) / 10^36} (floor) since their last update. Flooring leaves dust in
 * the pool, so the pool always covers what is owed.
 *
 * <p>The accumulator and the unbonding queue are kept in memory by this object (the tokens they
 * describe are in the ledger). Thread-safe.
 */
public final class Staking {
    /** Fixed-point scale of reward per token: 10^36, so that even one base unit over 10^27 staked registers. */
    private static final BigInteger SCALE = BigInteger.TEN.pow(36);

    private record Unbonding(Amount amount, Instant releaseAt) {}

    private final OpenToken token;
    private final Clock clock;
    private final StakingParams params;
    private final @Nullable Votes votes;
    private final Map<Address, Amount> stakes = new HashMap<>();
    private final Map<Address, List<Unbonding>> unbonding = new HashMap<>();
    private final Map<Address, BigInteger> paid = new HashMap<>();
    private final Map<Address, Amount> rewards = new HashMap<>();
    private Amount totalStaked = Amount.ZERO;
    private BigInteger rewardPerToken = BigInteger.ZERO;

    /**
     * Staking on {@code token}.
     *
     * @param votes if not null, bonded stake counts as voting units there
     */
    public Staking(OpenToken token, Clock clock, StakingParams params, @Nullable Votes votes) {
        this.token = token;
        this.clock = clock;
        this.params = params;
        this.votes = votes;
        token.ensureWallet(rewardPool());
        token.ensureWallet(params.slashDestination());
    }

    /** The wallet that collects stakers' rewards until they claim them. */
    public static Address rewardPool() {
        return OpenToken.systemAddress("staking/reward-pool");
    }

    /** The wallet holding {@code staker}'s bonded stake. */
    public static Address stakeWallet(Address staker) {
        return OpenToken.systemAddress("staking/stake/" + staker.toHex());
    }

    /** The wallet holding {@code staker}'s unbonding stake. */
    public static Address unbondingWallet(Address staker) {
        return OpenToken.systemAddress("staking/unbonding/" + staker.toHex());
    }

    /** The parameters. */
    public StakingParams params() {
        return params;
    }

    /** Bonded stake of {@code staker}. */
    public synchronized Amount stakeOf(Address staker) {
        return stakes.getOrDefault(staker, Amount.ZERO);
    }

    /** Stake of {@code staker} that is unbonding (matured or not). */
    public synchronized Amount unbondingOf(Address staker) {
        return unbonding.getOrDefault(staker, List.of()).stream()
                .map(Unbonding::amount)
                .reduce(Amount.ZERO, Amount::add);
    }

    /** All bonded stake. */
    public synchronized Amount totalStaked() {
        return totalStaked;
    }

    private void updateReward(Address a) {
        BigInteger delta = rewardPerToken.subtract(paid.getOrDefault(a, BigInteger.ZERO));
        Amount owed = Amount.of(stakeOf(a).toBigInteger().multiply(delta).divide(SCALE));
        rewards.merge(a, owed, Amount::add);
        paid.put(a, rewardPerToken);
    }

    /** Rewards {@code staker} can claim now. */
    public synchronized Amount earned(Address staker) {
        BigInteger delta = rewardPerToken.subtract(paid.getOrDefault(staker, BigInteger.ZERO));
        return Amount.of(stakeOf(staker).toBigInteger().multiply(delta).divide(SCALE))
                .add(rewards.getOrDefault(staker, Amount.ZERO));
    }

    private void move(Address from, Address to, Amount amount, String what) {
        if (amount.isZero()) {
            return;
        }
        AccountId dst = token.ensureWallet(to);
        TransferResult r = token.ledger()
                .createTransfer(Transfer.builder(TransferId.random())
                        .debit(OpenToken.walletOf(from))
                        .credit(dst)
                        .amount(amount)
                        .ledger(OpenToken.LEDGER)
                        .code(OpenToken.CODE_TRANSFER)
                        .build());
        if (r != TransferResult.OK) {
            throw new TokenException(
                    r == TransferResult.EXCEEDS_CREDITS || r == TransferResult.DEBIT_ACCOUNT_NOT_FOUND
                            ? TokenException.Reason.INSUFFICIENT_BALANCE
                            : TokenException.Reason.REJECTED,
                    what + " of " + amount + " from " + from + ": " + r);
        }
    }

    /**
     * Bonds {@code amount} of {@code staker}'s tokens.
     *
     * @throws TokenException if the wallet holds less, or the amount is zero
     */
    public synchronized void stake(Address staker, Amount amount) {
        positive(amount);
        move(staker, stakeWallet(staker), amount, "stake");
        updateReward(staker);
        stakes.merge(staker, amount, Amount::add);
        totalStaked = totalStaked.add(amount);
        if (votes != null) {
            votes.transferUnits(null, staker, amount);
        }
    }

    /**
     * Starts unbonding {@code amount}: it stops earning and voting at once, stays slashable, and can
     * be withdrawn after the unbonding delay.
     *
     * @return when it can be withdrawn
     * @throws TokenException if the bonded stake is smaller
     */
    public synchronized Instant unbond(Address staker, Amount amount) {
        positive(amount);
        if (stakeOf(staker).lessThan(amount)) {
            throw new TokenException(
                    TokenException.Reason.INSUFFICIENT_BALANCE,
                    staker + " has " + stakeOf(staker) + " bonded, not " + amount);
        }
        move(stakeWallet(staker), unbondingWallet(staker), amount, "unbond");
        updateReward(staker);
        stakes.put(staker, stakeOf(staker).sub(amount));
        totalStaked = totalStaked.sub(amount);
        Instant at = clock.now().plus(params.unbondingDelay());
        unbonding.computeIfAbsent(staker, k -> new ArrayList<>()).add(new Unbonding(amount, at));
        if (votes != null) {
            votes.transferUnits(staker, null, amount);
        }
        return at;
    }

    /**
     * Withdraws every unbonding entry of {@code staker} whose delay has passed.
     *
     * @return the amount returned to the wallet (zero if none matured)
     */
    public synchronized Amount withdraw(Address staker) {
        Instant now = clock.now();
        List<Unbonding> list = unbonding.getOrDefault(staker, new ArrayList<>());
        Amount due = Amount.ZERO;
        List<Unbonding> rest = new ArrayList<>();
        for (Unbonding u : list) {
            if (!u.releaseAt().isAfter(now)) {
                due = due.add(u.amount());
            } else {
                rest.add(u);
            }
        }
        move(unbondingWallet(staker), staker, due, "withdraw");
        unbonding.put(staker, rest);
        return due;
    }

    /**
     * Slashes {@code numerator/denominator} of {@code staker}'s bonded and unbonding stake (each part
     * rounded down) into the slash destination, in one all-or-nothing chain.
     *
     * @return the total slashed
     * @throws TokenException unless {@code 0 <= numerator <= denominator} and {@code denominator > 0}
     */
    public synchronized Amount slash(Address staker, long numerator, long denominator) {
        if (denominator <= 0 || numerator < 0 || numerator > denominator) {
            throw new TokenException(
                    TokenException.Reason.INVALID_ARGUMENT,
                    "slash fraction must be in [0, 1] with a positive denominator, got " + numerator + "/"
                            + denominator);
        }
        Amount num = Amount.of(numerator);
        Amount den = Amount.of(denominator);
        Amount fromStake = stakeOf(staker).mulDiv(num, den);
        List<Unbonding> list = unbonding.getOrDefault(staker, List.of());
        List<Unbonding> after = new ArrayList<>();
        Amount fromUnbonding = Amount.ZERO;
        for (Unbonding u : list) {
            Amount cut = u.amount().mulDiv(num, den);
            fromUnbonding = fromUnbonding.add(cut);
            after.add(new Unbonding(u.amount().sub(cut), u.releaseAt()));
        }
        AccountId sink = token.ensureWallet(params.slashDestination());
        List<Transfer> legs = new ArrayList<>();
        if (!fromStake.isZero()) {
            legs.add(slashLeg(stakeWallet(staker), sink, fromStake));
        }
        if (!fromUnbonding.isZero()) {
            legs.add(slashLeg(unbondingWallet(staker), sink, fromUnbonding));
        }
        if (!legs.isEmpty()) {
            TransferResult f = Accounts.firstFailure(token.ledger().createTransfers(Accounts.chain(legs)));
            if (!f.isSuccess()) {
                throw new TokenException(TokenException.Reason.REJECTED, "slash of " + staker + ": " + f);
            }
        }
        updateReward(staker);
        stakes.put(staker, stakeOf(staker).sub(fromStake));
        totalStaked = totalStaked.sub(fromStake);
        unbonding.put(staker, after);
        if (votes != null && !fromStake.isZero()) {
            votes.transferUnits(staker, null, fromStake);
        }
        return fromStake.add(fromUnbonding);
    }

    private static Transfer slashLeg(Address from, AccountId sink, Amount amount) {
        return Transfer.builder(TransferId.random())
                .debit(OpenToken.walletOf(from))
                .credit(sink)
                .amount(amount)
                .ledger(OpenToken.LEDGER)
                .code(OpenToken.CODE_TRANSFER)
                .build();
    }

    /**
     * Records that {@code amount} was paid into the reward pool for current stakers.
     *
     * @throws TokenException if nobody stakes (the caller should send such rewards to dust)
     */
    public synchronized void notifyReward(Amount amount) {
        if (amount.isZero()) {
            return;
        }
        if (totalStaked.isZero()) {
            throw new TokenException(TokenException.Reason.INVALID_ARGUMENT, "no stake to reward");
        }
        rewardPerToken =
                rewardPerToken.add(amount.toBigInteger().multiply(SCALE).divide(totalStaked.toBigInteger()));
    }

    /**
     * Pays {@code staker}'s earned rewards from the pool to their wallet.
     *
     * @return the amount paid
     */
    public synchronized Amount claim(Address staker) {
        updateReward(staker);
        Amount owed = rewards.getOrDefault(staker, Amount.ZERO);
        move(rewardPool(), staker, owed, "reward claim");
        rewards.put(staker, Amount.ZERO);
        return owed;
    }

    private static void positive(Amount amount) {
        if (amount.isZero()) {
            throw new TokenException(TokenException.Reason.INVALID_ARGUMENT, "amount must be > 0");
        }
    }
}
