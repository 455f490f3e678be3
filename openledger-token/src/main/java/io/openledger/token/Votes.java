package io.openledger.token;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Clock;
import io.openledger.token.internal.Accounts;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Voting units with delegation and checkpoints, after OpenZeppelin's Votes/ERC20Votes, kept in the
 * {@link Ledger} on ledger {@link #VOTES_LEDGER} (units, not money): each holder's units, each
 * delegate's votes and the total are accounts, and a delegate's checkpoints are its account's
 * {@linkplain AccountFlag#HISTORY history}. Units count only once delegated (to oneself or
 * another); {@link #getPastVotes} returns the votes at the end of a <em>past</em> second. The clock
 * is in seconds (ERC-6372 "timestamp" mode) and must be the ledger's clock. Who delegates to whom is
 * kept as a register: the balance of an account holding the delegate's address plus one.
 *
 * <p>{@link Staking} adds its vote moves to the chains that move the stake, so votes and stake move
 * together. Thread-safe: operations are serialised on this object.
 */
public final class Votes {
    /** The ledger of voting units. */
    public static final int VOTES_LEDGER = 4;

    private static final int CODE = 20;
    private static final AccountId SOURCE = AccountId.derive("open/votes/source");
    private static final AccountId TOTAL = AccountId.derive("open/votes/total");
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Ledger ledger;
    private final Clock clock;
    private final TransferIds ids;

    /** Votes kept in {@code ledger}, timed by {@code clock} (the ledger's clock), with random transfer ids. */
    public Votes(Ledger ledger, Clock clock) {
        this(ledger, clock, TransferIds.random());
    }

    /**
     * Votes kept in {@code ledger}, timed by {@code clock} (the ledger's clock), taking the ids of
     * its unit and vote moves from {@code ids}.
     */
    public Votes(Ledger ledger, Clock clock, TransferIds ids) {
        this.ledger = ledger;
        this.clock = clock;
        this.ids = ids;
        Accounts.ensure(
                ledger,
                List.of(
                        Account.builder(SOURCE).ledger(VOTES_LEDGER).code(CODE).build(),
                        Account.builder(TOTAL)
                                .ledger(VOTES_LEDGER)
                                .code(CODE)
                                .flags(AccountFlag.DEBITS_MUST_NOT_EXCEED_CREDITS, AccountFlag.HISTORY)
                                .build()));
    }

    private static AccountId unitsAccount(Address a) {
        return AccountId.derive("open/votes/units", a.bytes());
    }

    private static AccountId votesOf(Address a) {
        return AccountId.derive("open/votes/votes", a.bytes());
    }

    private static AccountId delegateOf(Address a) {
        return AccountId.derive("open/votes/delegate", a.bytes());
    }

    /** Creates {@code a}'s accounts if missing. */
    void ensure(Address a) {
        Accounts.ensure(
                ledger,
                List.of(
                        Accounts.nonNegative(unitsAccount(a), VOTES_LEDGER, CODE),
                        Accounts.nonNegative(delegateOf(a), VOTES_LEDGER, CODE),
                        Account.builder(votesOf(a))
                                .ledger(VOTES_LEDGER)
                                .code(CODE)
                                .flags(AccountFlag.DEBITS_MUST_NOT_EXCEED_CREDITS, AccountFlag.HISTORY)
                                .build()));
    }

    private Amount bal(AccountId id) {
        return ledger.lookupAccount(id)
                .map(x -> Amount.of(x.netCredit().max(BigInteger.ZERO)))
                .orElse(Amount.ZERO);
    }

    /** The current timepoint: seconds since the epoch. */
    public long clock() {
        return clock.now().getEpochSecond();
    }

    /** Who {@code account} delegates to, if anyone. */
    public synchronized Optional<Address> delegates(Address account) {
        Amount reg = bal(delegateOf(account));
        if (reg.isZero()) {
            return Optional.empty();
        }
        return Optional.of(Address.of(reg.sub(Amount.ONE).toBytes32().slice(12)));
    }

    /** Units held by {@code account} (delegated or not). */
    public synchronized Amount unitsOf(Address account) {
        return bal(unitsAccount(account));
    }

    private static Amount register(Address a) {
        return Amount.fromUnsignedBytes(a.bytes()).add(Amount.ONE);
    }

    /**
     * Moves all of {@code delegator}'s units to {@code delegatee}'s votes, in one chain.
     *
     * @throws TokenException if the ledger refuses
     */
    public synchronized void delegate(Address delegator, Address delegatee) {
        ensure(delegator);
        ensure(delegatee);
        Optional<Address> old = delegates(delegator);
        List<Transfer> legs = new ArrayList<>();
        Amount cur = bal(delegateOf(delegator));
        Amount next = register(delegatee);
        if (next.greaterThan(cur)) {
            legs.add(leg(SOURCE, delegateOf(delegator), next.sub(cur)));
        } else if (cur.greaterThan(next)) {
            legs.add(leg(delegateOf(delegator), SOURCE, cur.sub(next)));
        }
        moveVotes(legs, old.orElse(null), delegatee, unitsOf(delegator));
        commit(legs);
    }

    /**
     * The legs that move {@code amount} units from {@code from} to {@code to} (null {@code from}
     * mints, null {@code to} burns) and the holders' delegates' votes with them; the caller commits
     * them in its own chain.
     */
    synchronized List<Transfer> transferUnitsLegs(@Nullable Address from, @Nullable Address to, Amount amount) {
        List<Transfer> legs = new ArrayList<>();
        if (amount.isZero()) {
            return legs;
        }
        if (from != null) {
            ensure(from);
        }
        if (to != null) {
            ensure(to);
        }
        legs.add(from == null ? leg(SOURCE, TOTAL, amount) : leg(unitsAccount(from), SOURCE, amount));
        legs.add(to == null ? leg(TOTAL, SOURCE, amount) : leg(SOURCE, unitsAccount(to), amount));
        moveVotes(
                legs,
                from == null ? null : delegates(from).orElse(null),
                to == null ? null : delegates(to).orElse(null),
                amount);
        return legs;
    }

    /**
     * Moves {@code amount} units from {@code from} to {@code to} (null mints or burns), in one chain.
     *
     * @throws TokenException if {@code from} holds fewer units
     */
    public synchronized void transferUnits(@Nullable Address from, @Nullable Address to, Amount amount) {
        commit(transferUnitsLegs(from, to, amount));
    }

    private void moveVotes(List<Transfer> legs, @Nullable Address from, @Nullable Address to, Amount amount) {
        if (amount.isZero() || (from != null && from.equals(to))) {
            return;
        }
        if (from != null) {
            legs.add(leg(votesOf(from), SOURCE, amount));
        }
        if (to != null) {
            ensure(to);
            legs.add(leg(SOURCE, votesOf(to), amount));
        }
    }

    private Transfer leg(AccountId from, AccountId to, Amount amount) {
        return Transfer.builder(ids.next())
                .debit(from)
                .credit(to)
                .amount(amount)
                .ledger(VOTES_LEDGER)
                .code(CODE)
                .build();
    }

    private void commit(List<Transfer> legs) {
        if (legs.isEmpty()) {
            return;
        }
        TransferResult f = Accounts.firstFailure(ledger.createTransfers(Accounts.chain(legs)));
        if (!f.isSuccess()) {
            throw new TokenException(TokenException.Reason.REJECTED, "vote units refused by the ledger: " + f);
        }
    }

    /** Current votes of {@code account}. */
    public synchronized Amount getVotes(Address account) {
        return bal(votesOf(account));
    }

    /**
     * Votes of {@code account} at the end of second {@code timepoint}.
     *
     * @throws IllegalArgumentException if {@code timepoint} is not in the past (ERC5805FutureLookup)
     */
    public synchronized Amount getPastVotes(Address account, long timepoint) {
        return lookup(votesOf(account), past(timepoint));
    }

    /**
     * All units (delegated or not) at the end of second {@code timepoint}.
     *
     * @throws IllegalArgumentException if {@code timepoint} is not in the past
     */
    public synchronized Amount getPastTotalSupply(long timepoint) {
        return lookup(TOTAL, past(timepoint));
    }

    private long past(long timepoint) {
        long now = clock();
        if (timepoint >= now) {
            throw new IllegalArgumentException("timepoint " + timepoint + " is not in the past (now " + now + ")");
        }
        return timepoint;
    }

    /**
     * The balance after the last change before the end of second {@code t}, zero if none: one
     * binary search over the account's indexed history, so its cost grows with the log of the
     * number of changes (OpenZeppelin's checkpoints), not with the number.
     */
    private Amount lookup(AccountId id, long t) {
        long end;
        try {
            end = Math.multiplyExact(Math.addExact(t, 1), NANOS_PER_SECOND);
        } catch (ArithmeticException e) {
            end = Long.MAX_VALUE; // beyond every ledger timestamp
        }
        return ledger.historyBefore(id, end)
                .map(b -> Amount.of(b.creditsPosted()
                        .toBigInteger()
                        .subtract(b.debitsPosted().toBigInteger())))
                .orElse(Amount.ZERO);
    }
}
