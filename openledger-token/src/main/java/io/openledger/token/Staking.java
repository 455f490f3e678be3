package io.openledger.token;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Clock;
import io.openledger.token.internal.Accounts;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Staking of OPEN with unbonding, slashing and rewards, kept entirely in the {@link Ledger}: every
 * operation is one linked chain of transfers, so it is atomic, durable, survives restarts (a new
 * {@code Staking} on the same ledger sees the same state) and runs unchanged on any Ledger
 * implementation.
 *
 * <p>The money: a staker's bonded stake is in its stake wallet, each unbonding entry in its own
 * non-negative account, undistributed rewards in the reward pool wallet, slashed stake in {@link
 * StakingParams#slashDestination()}. So staking can never create or destroy tokens.
 *
 * <p>The books, on ledger {@link #BOOKS_LEDGER} (units, not money): total bonded stake, the
 * reward-per-token accumulator, each staker's accumulator snapshot and accrued rewards, the number
 * of unbonding entries and each entry's release time. Rewards follow Synthetix StakingRewards: a
 * reward raises {@code rewardPerToken} by {@code reward × 10^36 / totalStaked} (floor; Synthetix uses
 * 10^18, too coarse for base-unit stakes), and a staker has earned {@code stake × (rewardPerToken −
 * paid) / 10^36} (floor) since its last update. Flooring leaves dust in the pool, so the pool always
 * covers what is owed.
 *
 * <p>Thread-safe: operations are serialised on this object ({@link InferenceSettlement} adds its
 * reward to the same chain as the fee under the same lock).
 */
public final class Staking {
    /** The ledger of staking's bookkeeping units. */
    public static final int BOOKS_LEDGER = 3;

    private static final int CODE_BOOK = 10;
    private static final int CODE_UNBONDING = 11;

    /** Fixed-point scale of reward per token: 10^36, so that even one base unit over 10^27 staked registers. */
    private static final BigInteger SCALE = BigInteger.TEN.pow(36);

    private static final AccountId BOOK_SOURCE = AccountId.derive("open/staking/book-source");
    private static final AccountId TOTAL_STAKED = AccountId.derive("open/staking/total-staked");
    private static final AccountId REWARD_PER_TOKEN = AccountId.derive("open/staking/reward-per-token");

    private final OpenToken token;
    private final Ledger ledger;
    private final Clock clock;
    private final StakingParams params;
    private final @Nullable Votes votes;

    private final TransferIds ids;

    /**
     * Staking on {@code token}, taking the ids of its legs from the token's {@link
     * OpenToken#transferIds()}; creates its book accounts if missing.
     *
     * @param votes if not null, bonded stake counts as voting units there, moved in the same chains
     */
    public Staking(OpenToken token, Clock clock, StakingParams params, @Nullable Votes votes) {
        this(token, clock, params, votes, token.transferIds());
    }

    /**
     * Staking on {@code token}, taking the ids of its legs from {@code ids}; creates its book
     * accounts if missing.
     *
     * @param votes if not null, bonded stake counts as voting units there, moved in the same chains
     */
    public Staking(OpenToken token, Clock clock, StakingParams params, @Nullable Votes votes, TransferIds ids) {
        this.ids = ids;
        this.token = token;
        this.ledger = token.ledger();
        this.clock = clock;
        this.params = params;
        this.votes = votes;
        token.ensureWallet(rewardPool());
        token.ensureWallet(params.slashDestination());
        Accounts.ensure(
                ledger,
                List.of(
                        Account.builder(BOOK_SOURCE)
                                .ledger(BOOKS_LEDGER)
                                .code(CODE_BOOK)
                                .build(),
                        book(TOTAL_STAKED),
                        book(REWARD_PER_TOKEN)));
    }

    private static Account book(AccountId id) {
        return Accounts.nonNegative(id, BOOKS_LEDGER, CODE_BOOK);
    }

    /** The wallet that collects stakers' rewards until they claim them. */
    public static Address rewardPool() {
        return OpenToken.systemAddress("staking/reward-pool");
    }

    /** The wallet holding {@code staker}'s bonded stake. */
    public static Address stakeWallet(Address staker) {
        return OpenToken.systemAddress("staking/stake/" + staker.toHex());
    }

    private static AccountId paidOf(Address s) {
        return AccountId.derive("open/staking/paid", s.bytes());
    }

    private static AccountId owedOf(Address s) {
        return AccountId.derive("open/staking/owed", s.bytes());
    }

    private static AccountId countOf(Address s) {
        return AccountId.derive("open/staking/unbonding-count", s.bytes());
    }

    /** The account holding unbonding entry {@code k} of {@code staker}. */
    public static AccountId unbondingEntry(Address staker, long k) {
        return AccountId.derive("open/staking/unbonding", staker.bytes(), Bytes.utf8(Long.toString(k)));
    }

    private static AccountId releaseOf(Address s, long k) {
        return AccountId.derive("open/staking/release", s.bytes(), Bytes.utf8(Long.toString(k)));
    }

    /** The parameters. */
    public StakingParams params() {
        return params;
    }

    private Amount bal(AccountId id) {
        return ledger.lookupAccount(id)
                .map(a -> Amount.of(a.netCredit().max(BigInteger.ZERO)))
                .orElse(Amount.ZERO);
    }

    /** Bonded stake of {@code staker}. */
    public synchronized Amount stakeOf(Address staker) {
        return bal(OpenToken.walletOf(stakeWallet(staker)));
    }

    /** All bonded stake. */
    public synchronized Amount totalStaked() {
        return bal(TOTAL_STAKED);
    }

    /**
     * All bonded stake recorded in {@code ledger}, read without building a {@code Staking} (which
     * creates its accounts): zero if staking never ran there. For hot read paths such as deciding
     * whether an inference fee has stakers to reward.
     */
    public static Amount totalStakedIn(Ledger ledger) {
        return ledger.lookupAccount(TOTAL_STAKED)
                .map(a -> Amount.of(a.netCredit().max(BigInteger.ZERO)))
                .orElse(Amount.ZERO);
    }

    private long entries(Address staker) {
        return bal(countOf(staker)).longValueExact();
    }

    /** Stake of {@code staker} that is unbonding (matured or not). */
    public synchronized Amount unbondingOf(Address staker) {
        Amount sum = Amount.ZERO;
        for (long k = 0, n = entries(staker); k < n; k++) {
            sum = sum.add(bal(unbondingEntry(staker, k)));
        }
        return sum;
    }

    /** Rewards {@code staker} can claim now. */
    public synchronized Amount earned(Address staker) {
        return bal(owedOf(staker)).add(pending(staker));
    }

    private Amount pending(Address s) {
        BigInteger delta =
                bal(REWARD_PER_TOKEN).toBigInteger().subtract(bal(paidOf(s)).toBigInteger());
        return Amount.of(stakeOf(s).toBigInteger().multiply(delta).divide(SCALE));
    }

    private void ensureStaker(Address s) {
        token.ensureWallet(s);
        token.ensureWallet(stakeWallet(s));
        Accounts.ensure(ledger, List.of(book(paidOf(s)), book(owedOf(s)), book(countOf(s))));
    }

    private Transfer move(AccountId from, AccountId to, Amount amount, int ledgerNo) {
        return Transfer.builder(ids.next())
                .debit(from)
                .credit(to)
                .amount(amount)
                .ledger(ledgerNo)
                .code(OpenToken.CODE_TRANSFER)
                .build();
    }

    private void book(List<Transfer> legs, AccountId from, AccountId to, Amount amount) {
        if (!amount.isZero()) {
            legs.add(move(from, to, amount, BOOKS_LEDGER));
        }
    }

    private void money(List<Transfer> legs, AccountId from, AccountId to, Amount amount) {
        if (!amount.isZero()) {
            legs.add(move(from, to, amount, OpenToken.LEDGER));
        }
    }

    /** Legs that bring {@code s}'s accrued rewards up to date (before its stake changes). */
    private void updateReward(List<Transfer> legs, Address s) {
        Amount rpt = bal(REWARD_PER_TOKEN);
        Amount paid = bal(paidOf(s));
        book(legs, BOOK_SOURCE, owedOf(s), pending(s));
        book(legs, BOOK_SOURCE, paidOf(s), rpt.sub(paid));
    }

    private void commit(List<Transfer> legs, String what) {
        if (legs.isEmpty()) {
            return;
        }
        List<TransferResult> rs = ledger.createTransfers(Accounts.chain(legs));
        TransferResult f = Accounts.firstFailure(rs);
        if (!f.isSuccess()) {
            throw new TokenException(
                    f == TransferResult.EXCEEDS_CREDITS || f == TransferResult.DEBIT_ACCOUNT_NOT_FOUND
                            ? TokenException.Reason.INSUFFICIENT_BALANCE
                            : TokenException.Reason.REJECTED,
                    what + " refused by the ledger: " + f);
        }
    }

    /** Commits {@code legs} and, if votes are kept, the matching vote-unit moves in the same chain. */
    private void commitWithVotes(
            List<Transfer> legs, @Nullable Address from, @Nullable Address to, Amount units, String what) {
        if (votes == null) {
            commit(legs, what);
            return;
        }
        synchronized (votes) {
            legs.addAll(votes.transferUnitsLegs(from, to, units));
            commit(legs, what);
        }
    }

    /**
     * Bonds {@code amount} of {@code staker}'s tokens.
     *
     * @throws TokenException if the wallet holds less, or the amount is zero
     */
    public synchronized void stake(Address staker, Amount amount) {
        positive(amount);
        ensureStaker(staker);
        List<Transfer> legs = new ArrayList<>();
        updateReward(legs, staker);
        money(legs, OpenToken.walletOf(staker), OpenToken.walletOf(stakeWallet(staker)), amount);
        book(legs, BOOK_SOURCE, TOTAL_STAKED, amount);
        commitWithVotes(legs, null, staker, amount, "stake of " + amount + " by " + staker);
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
        ensureStaker(staker);
        if (stakeOf(staker).lessThan(amount)) {
            throw new TokenException(
                    TokenException.Reason.INSUFFICIENT_BALANCE,
                    staker + " has " + stakeOf(staker) + " bonded, not " + amount);
        }
        long k = entries(staker);
        AccountId entry = unbondingEntry(staker, k);
        Accounts.ensure(
                ledger,
                List.of(Accounts.nonNegative(entry, OpenToken.LEDGER, CODE_UNBONDING), book(releaseOf(staker, k))));
        Instant at = clock.now().plus(params.unbondingDelay());
        List<Transfer> legs = new ArrayList<>();
        updateReward(legs, staker);
        money(legs, OpenToken.walletOf(stakeWallet(staker)), entry, amount);
        book(legs, TOTAL_STAKED, BOOK_SOURCE, amount);
        book(legs, BOOK_SOURCE, countOf(staker), Amount.ONE);
        book(legs, BOOK_SOURCE, releaseOf(staker, k), Amount.of(Math.max(1, at.getEpochSecond())));
        commitWithVotes(legs, staker, null, amount, "unbond of " + amount + " by " + staker);
        return at;
    }

    /**
     * Withdraws every unbonding entry of {@code staker} whose delay has passed, in one chain.
     *
     * @return the amount returned to the wallet (zero if none matured)
     */
    public synchronized Amount withdraw(Address staker) {
        long now = clock.now().getEpochSecond();
        List<Transfer> legs = new ArrayList<>();
        Amount due = Amount.ZERO;
        for (long k = 0, n = entries(staker); k < n; k++) {
            Amount b = bal(unbondingEntry(staker, k));
            if (!b.isZero() && bal(releaseOf(staker, k)).longValueExact() <= now) {
                money(legs, unbondingEntry(staker, k), OpenToken.walletOf(staker), b);
                due = due.add(b);
            }
        }
        commit(legs, "withdrawal by " + staker);
        return due;
    }

    /**
     * Slashes {@code numerator/denominator} of {@code staker}'s bonded stake and of each unbonding
     * entry (each rounded down) into the slash destination, in one all-or-nothing chain.
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
        AccountId sink = token.ensureWallet(params.slashDestination());
        Amount fromStake = stakeOf(staker).mulDiv(num, den);
        List<Transfer> legs = new ArrayList<>();
        Amount total = fromStake;
        if (!fromStake.isZero()) {
            updateReward(legs, staker);
            money(legs, OpenToken.walletOf(stakeWallet(staker)), sink, fromStake);
            book(legs, TOTAL_STAKED, BOOK_SOURCE, fromStake);
        }
        for (long k = 0, n = entries(staker); k < n; k++) {
            Amount cut = bal(unbondingEntry(staker, k)).mulDiv(num, den);
            money(legs, unbondingEntry(staker, k), sink, cut);
            total = total.add(cut);
        }
        commitWithVotes(legs, staker, null, fromStake, "slash of " + staker);
        return total;
    }

    /** Slashed stake held in the slash destination, not yet released. */
    public synchronized Amount slashedBalance() {
        return token.balanceOf(params.slashDestination());
    }

    /**
     * Moves {@code amount} of slashed stake from the slash destination to {@code to}'s wallet, as
     * governance decides (a treasury, or a refund after an appeal). Without this, slashed tokens
     * would stay in a wallet no one holds the key to. Authorisation is the caller's: on the L2 only
     * Governance may call it.
     *
     * @throws TokenException if {@code to} is the zero address or the slash destination holds less
     *     than {@code amount} (nothing moves)
     */
    public synchronized TransferId releaseSlashed(Address to, Amount amount) {
        return token.transfer(params.slashDestination(), to, amount);
    }

    /** The legs that credit {@code amount} of rewards (already in, or paid into the pool in the same chain). */
    synchronized List<Transfer> rewardLegs(Amount amount) {
        List<Transfer> legs = new ArrayList<>();
        Amount total = totalStaked();
        if (!amount.isZero() && !total.isZero()) {
            book(
                    legs,
                    BOOK_SOURCE,
                    REWARD_PER_TOKEN,
                    Amount.of(amount.toBigInteger().multiply(SCALE).divide(total.toBigInteger())));
        }
        return legs;
    }

    /**
     * Records that {@code amount} was paid into the reward pool for current stakers.
     *
     * @throws TokenException if nobody stakes (such rewards belong in dust)
     */
    public synchronized void notifyReward(Amount amount) {
        if (amount.isZero()) {
            return;
        }
        if (totalStaked().isZero()) {
            throw new TokenException(TokenException.Reason.INVALID_ARGUMENT, "no stake to reward");
        }
        commit(rewardLegs(amount), "reward of " + amount);
    }

    /**
     * Pays {@code staker}'s earned rewards from the pool to their wallet.
     *
     * @return the amount paid
     */
    public synchronized Amount claim(Address staker) {
        ensureStaker(staker);
        Amount owed = earned(staker);
        List<Transfer> legs = new ArrayList<>();
        updateReward(legs, staker);
        money(legs, OpenToken.walletOf(rewardPool()), OpenToken.walletOf(staker), owed);
        book(legs, owedOf(staker), BOOK_SOURCE, owed);
        commit(legs, "reward claim by " + staker);
        return owed;
    }

    private static void positive(Amount amount) {
        if (amount.isZero()) {
            throw new TokenException(TokenException.Reason.INVALID_ARGUMENT, "amount must be > 0");
        }
    }
}
