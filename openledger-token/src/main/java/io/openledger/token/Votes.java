package io.openledger.token;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Voting units with delegation and checkpoints, after OpenZeppelin's Votes/ERC20Votes: units count
 * only once delegated (to oneself or another); each delegate keeps a history of (timepoint, votes)
 * checkpoints, at most one per timepoint; {@link #getPastVotes} returns the value of the last
 * checkpoint at or before a <em>past</em> timepoint. The clock is in seconds (ERC-6372 "timestamp"
 * mode). State is kept in memory by this object (not in the ledger). Thread-safe.
 */
public final class Votes {
    private record Checkpoint(long key, Amount value) {}

    private final Clock clock;
    private final Map<Address, Amount> units = new HashMap<>();
    private final Map<Address, Address> delegates = new HashMap<>();
    private final Map<Address, List<Checkpoint>> checkpoints = new HashMap<>();
    private final List<Checkpoint> totalCheckpoints = new ArrayList<>();

    /** Votes timed by {@code clock}. */
    public Votes(Clock clock) {
        this.clock = clock;
    }

    /** The current timepoint: seconds since the epoch. */
    public long clock() {
        return clock.now().getEpochSecond();
    }

    /** Who {@code account} delegates to, if anyone. */
    public synchronized Optional<Address> delegates(Address account) {
        return Optional.ofNullable(delegates.get(account));
    }

    /** Units held by {@code account} (delegated or not). */
    public synchronized Amount unitsOf(Address account) {
        return units.getOrDefault(account, Amount.ZERO);
    }

    /** Moves all of {@code delegator}'s units to {@code delegatee}'s votes. */
    public synchronized void delegate(Address delegator, Address delegatee) {
        Address old = delegates.put(delegator, delegatee);
        moveVotes(old, delegatee, unitsOf(delegator));
    }

    /**
     * Moves {@code amount} units from {@code from} to {@code to}; null {@code from} mints, null {@code
     * to} burns. The holders' delegates' votes and the total follow.
     *
     * @throws io.openledger.core.AmountOverflowException if {@code from} holds fewer units
     */
    public synchronized void transferUnits(@Nullable Address from, @Nullable Address to, Amount amount) {
        if (from == null) {
            push(totalCheckpoints, latest(totalCheckpoints).add(amount));
        } else {
            units.put(from, unitsOf(from).sub(amount));
        }
        if (to == null) {
            push(totalCheckpoints, latest(totalCheckpoints).sub(amount));
        } else {
            units.put(to, unitsOf(to).add(amount));
        }
        moveVotes(from == null ? null : delegates.get(from), to == null ? null : delegates.get(to), amount);
    }

    private void moveVotes(@Nullable Address from, @Nullable Address to, Amount amount) {
        if (amount.isZero() || (from != null && from.equals(to))) {
            return;
        }
        if (from != null) {
            List<Checkpoint> l = checkpoints.computeIfAbsent(from, k -> new ArrayList<>());
            push(l, latest(l).sub(amount));
        }
        if (to != null) {
            List<Checkpoint> l = checkpoints.computeIfAbsent(to, k -> new ArrayList<>());
            push(l, latest(l).add(amount));
        }
    }

    private void push(List<Checkpoint> l, Amount value) {
        long key = clock();
        if (!l.isEmpty() && l.getLast().key() == key) {
            l.set(l.size() - 1, new Checkpoint(key, value));
        } else {
            l.add(new Checkpoint(key, value));
        }
    }

    private static Amount latest(List<Checkpoint> l) {
        return l.isEmpty() ? Amount.ZERO : l.getLast().value();
    }

    /** Current votes of {@code account}. */
    public synchronized Amount getVotes(Address account) {
        return latest(checkpoints.getOrDefault(account, List.of()));
    }

    /**
     * Votes of {@code account} at the end of {@code timepoint}.
     *
     * @throws IllegalArgumentException if {@code timepoint} is not in the past (ERC5805FutureLookup)
     */
    public synchronized Amount getPastVotes(Address account, long timepoint) {
        return lookup(checkpoints.getOrDefault(account, List.of()), past(timepoint));
    }

    /**
     * All units (delegated or not) at the end of {@code timepoint}.
     *
     * @throws IllegalArgumentException if {@code timepoint} is not in the past
     */
    public synchronized Amount getPastTotalSupply(long timepoint) {
        return lookup(totalCheckpoints, past(timepoint));
    }

    private long past(long timepoint) {
        long now = clock();
        if (timepoint >= now) {
            throw new IllegalArgumentException("timepoint " + timepoint + " is not in the past (now " + now + ")");
        }
        return timepoint;
    }

    /** Value of the last checkpoint with key <= t (binary search), zero if none. */
    private static Amount lookup(List<Checkpoint> l, long t) {
        int lo = 0;
        int hi = l.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (l.get(mid).key() > t) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo == 0 ? Amount.ZERO : l.get(lo - 1).value();
    }
}
