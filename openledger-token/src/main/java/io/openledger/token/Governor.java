package io.openledger.token;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Clock;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Token-weighted proposals over {@link Votes}, with states computed as OpenZeppelin's Governor with
 * GovernorCountingSimple, GovernorVotesQuorumFraction and a timelock with a grace period
 * (GovernorTimelockCompound's Expired). A proposal carries an action (for example a change of
 * {@link TokenParameters}) run once, on execution. Proposals are kept in memory by this object.
 * Thread-safe.
 */
public final class Governor {
    /** A proposal's state. */
    public enum State {
        /** Created; voting has not started. */
        PENDING,
        /** Voting is open. */
        ACTIVE,
        /** Canceled by its proposer before voting. */
        CANCELED,
        /** Quorum missed, or not more for than against. */
        DEFEATED,
        /** Passed; not queued yet. */
        SUCCEEDED,
        /** Queued in the timelock. */
        QUEUED,
        /** Queued but not executed within the grace period. */
        EXPIRED,
        /** Executed. */
        EXECUTED
    }

    /** How a vote counts. */
    public enum Support {
        /** Against. */
        AGAINST,
        /** For. */
        FOR,
        /** Abstain (counts for quorum only). */
        ABSTAIN
    }

    /** A refused governance operation, naming the proposal and the rule. */
    public static final class GovernorException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** An exception with a message. */
        public GovernorException(String message) {
            super(message);
        }
    }

    private static final class Proposal {
        final Address proposer;
        final Runnable action;
        final long voteStart;
        final long voteEnd;
        final Set<Address> voted = new HashSet<>();
        Amount against = Amount.ZERO;
        Amount forVotes = Amount.ZERO;
        Amount abstain = Amount.ZERO;
        long eta;
        boolean executed;
        boolean canceled;

        Proposal(Address proposer, Runnable action, long voteStart, long voteEnd) {
            this.proposer = proposer;
            this.action = action;
            this.voteStart = voteStart;
            this.voteEnd = voteEnd;
        }
    }

    private final Votes votes;
    private final Clock clock;
    private final GovernorParams params;
    private final Map<Hash, Proposal> proposals = new HashMap<>();

    /** A governor counting {@code votes}. */
    public Governor(Votes votes, Clock clock, GovernorParams params) {
        this.votes = votes;
        this.clock = clock;
        this.params = params;
    }

    private long now() {
        return clock.now().getEpochSecond();
    }

    /** The proposal id of {@code description} by {@code proposer}: keccak256 of both. */
    public static Hash proposalId(Address proposer, String description) {
        return Hashing.keccak256(proposer.bytes(), Bytes.utf8(description));
    }

    /**
     * Proposes {@code action}. The snapshot is {@code now + votingDelay}; voting ends {@code
     * votingPeriod} later.
     *
     * @throws GovernorException if the proposer's votes at the previous second are below the
     *     threshold, or the proposal exists
     */
    public synchronized Hash propose(Address proposer, String description, Runnable action) {
        long now = now();
        Amount v = votes.getPastVotes(proposer, now - 1);
        if (v.lessThan(params.proposalThreshold())) {
            throw new GovernorException(
                    "proposer " + proposer + " has " + v + " votes, threshold " + params.proposalThreshold());
        }
        Hash id = proposalId(proposer, description);
        if (proposals.containsKey(id)) {
            throw new GovernorException("proposal " + id + " exists");
        }
        long start = now + params.votingDelay().toSeconds();
        proposals.put(
                id,
                new Proposal(
                        proposer, action, start, start + params.votingPeriod().toSeconds()));
        return id;
    }

    private Proposal get(Hash id) {
        Proposal p = proposals.get(id);
        if (p == null) {
            throw new GovernorException("no proposal " + id);
        }
        return p;
    }

    /** The snapshot timepoint of proposal {@code id}. */
    public synchronized long proposalSnapshot(Hash id) {
        return get(id).voteStart;
    }

    /** The last timepoint of voting on proposal {@code id}. */
    public synchronized long proposalDeadline(Hash id) {
        return get(id).voteEnd;
    }

    /** The quorum at a past {@code timepoint}: floor(past total supply × quorumPercent / 100). */
    public Amount quorum(long timepoint) {
        return votes.getPastTotalSupply(timepoint).mulDiv(Amount.of(params.quorumPercent()), Amount.of(100));
    }

    /** The state of proposal {@code id} now. */
    public synchronized State state(Hash id) {
        Proposal p = get(id);
        if (p.executed) {
            return State.EXECUTED;
        }
        if (p.canceled) {
            return State.CANCELED;
        }
        long now = now();
        if (p.voteStart >= now) {
            return State.PENDING;
        }
        if (p.voteEnd >= now) {
            return State.ACTIVE;
        }
        boolean quorumReached = !quorum(p.voteStart).greaterThan(p.forVotes.add(p.abstain));
        boolean succeeded = p.forVotes.greaterThan(p.against);
        if (!quorumReached || !succeeded) {
            return State.DEFEATED;
        }
        if (p.eta == 0) {
            return State.SUCCEEDED;
        }
        return now >= p.eta + params.gracePeriod().toSeconds() ? State.EXPIRED : State.QUEUED;
    }

    /**
     * Casts {@code voter}'s vote with its weight at the snapshot.
     *
     * @return the weight counted
     * @throws GovernorException unless the proposal is active and the voter has not voted
     */
    public synchronized Amount castVote(Hash id, Address voter, Support support) {
        if (state(id) != State.ACTIVE) {
            throw new GovernorException("proposal " + id + " is " + state(id) + ", not ACTIVE");
        }
        Proposal p = get(id);
        if (!p.voted.add(voter)) {
            throw new GovernorException(voter + " already voted on " + id);
        }
        Amount w = votes.getPastVotes(voter, p.voteStart);
        switch (support) {
            case AGAINST -> p.against = p.against.add(w);
            case FOR -> p.forVotes = p.forVotes.add(w);
            case ABSTAIN -> p.abstain = p.abstain.add(w);
        }
        return w;
    }

    /**
     * Queues a succeeded proposal: it becomes executable after the timelock delay.
     *
     * @return the earliest execution time (seconds)
     */
    public synchronized long queue(Hash id) {
        if (state(id) != State.SUCCEEDED) {
            throw new GovernorException("proposal " + id + " is " + state(id) + ", not SUCCEEDED");
        }
        Proposal p = get(id);
        p.eta = now() + params.timelockDelay().toSeconds();
        return p.eta;
    }

    /**
     * Runs a queued proposal's action once its timelock has passed.
     *
     * @throws GovernorException unless it is queued and its eta has come
     */
    public synchronized void execute(Hash id) {
        if (state(id) != State.QUEUED) {
            throw new GovernorException("proposal " + id + " is " + state(id) + ", not QUEUED");
        }
        Proposal p = get(id);
        if (now() < p.eta) {
            throw new GovernorException("proposal " + id + " is timelocked until " + p.eta);
        }
        p.executed = true; // before the action, as OpenZeppelin does against reentrancy
        p.action.run();
    }

    /**
     * Cancels a proposal; only its proposer, only while pending.
     *
     * @throws GovernorException otherwise
     */
    public synchronized void cancel(Hash id, Address proposer) {
        Proposal p = get(id);
        if (!p.proposer.equals(proposer)) {
            throw new GovernorException(proposer + " is not the proposer of " + id);
        }
        if (state(id) != State.PENDING) {
            throw new GovernorException("proposal " + id + " is " + state(id) + ", not PENDING");
        }
        p.canceled = true;
    }

    /** Votes counted so far: [against, for, abstain]. */
    public synchronized Amount[] proposalVotes(Hash id) {
        Proposal p = get(id);
        return new Amount[] {p.against, p.forVotes, p.abstain};
    }
}
