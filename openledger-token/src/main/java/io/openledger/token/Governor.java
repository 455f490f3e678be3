package io.openledger.token;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Clock;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.store.KeyValueStore;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Token-weighted proposals over {@link Votes}, with states computed as OpenZeppelin's Governor with
 * GovernorCountingSimple, GovernorVotesQuorumFraction and a timelock with a grace period
 * (GovernorTimelockCompound's Expired). A proposal carries an action run once, on execution: either a
 * {@link Runnable} (for example a change of {@link TokenParameters}), held by this object only, or
 * opaque action data that the governor hands to its action runner (an L2 chain decodes it into calls).
 * Proposals and who voted are kept in a {@link ProposalStore}: in memory by default, or in a {@link
 * KeyValueStore} ({@link ProposalStore#over}) so that a governor built again on the same store (after a
 * restart, or per L2 transaction) continues where the last one stopped. Thread-safe.
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

    /**
     * What the governor keeps about one proposal. Immutable.
     *
     * @param proposer who proposed it
     * @param voteStart the snapshot timepoint (seconds); voting is open after it
     * @param voteEnd the last second of voting
     * @param against votes against so far
     * @param forVotes votes for so far
     * @param abstain abstentions so far
     * @param eta earliest execution (seconds) once queued, zero before
     * @param executed whether it was executed
     * @param canceled whether it was canceled
     * @param action the action data handed to the action runner on execution (empty for none or a
     *     {@link Runnable} action)
     */
    public record Proposal(
            Address proposer,
            long voteStart,
            long voteEnd,
            Amount against,
            Amount forVotes,
            Amount abstain,
            long eta,
            boolean executed,
            boolean canceled,
            Bytes action) {
        Proposal withVotes(Amount a, Amount f, Amount ab) {
            return new Proposal(proposer, voteStart, voteEnd, a, f, ab, eta, executed, canceled, action);
        }

        Proposal withEta(long e) {
            return new Proposal(
                    proposer, voteStart, voteEnd, against, forVotes, abstain, e, executed, canceled, action);
        }

        Proposal asExecuted() {
            return new Proposal(proposer, voteStart, voteEnd, against, forVotes, abstain, eta, true, canceled, action);
        }

        Proposal asCanceled() {
            return new Proposal(proposer, voteStart, voteEnd, against, forVotes, abstain, eta, executed, true, action);
        }
    }

    /**
     * Where a governor keeps proposals and who voted on them. Implementations need not be
     * thread-safe: the governor calls them under its lock.
     */
    public interface ProposalStore {
        /** The proposal {@code id}, if stored. */
        Optional<Proposal> get(Hash id);

        /** Stores (replaces) proposal {@code id}. */
        void put(Hash id, Proposal proposal);

        /** Whether {@code voter} voted on {@code id}. */
        boolean hasVoted(Hash id, Address voter);

        /** Records that {@code voter} voted on {@code id}. */
        void markVoted(Hash id, Address voter);

        /** A store in memory (what {@link Governor#Governor(Votes, Clock, GovernorParams)} uses). */
        static ProposalStore inMemory() {
            Map<Hash, Proposal> proposals = new HashMap<>();
            Set<Map.Entry<Hash, Address>> voted = new HashSet<>();
            return new ProposalStore() {
                @Override
                public Optional<Proposal> get(Hash id) {
                    return Optional.ofNullable(proposals.get(id));
                }

                @Override
                public void put(Hash id, Proposal proposal) {
                    proposals.put(id, proposal);
                }

                @Override
                public boolean hasVoted(Hash id, Address voter) {
                    return voted.contains(Map.entry(id, voter));
                }

                @Override
                public void markVoted(Hash id, Address voter) {
                    voted.add(Map.entry(id, voter));
                }
            };
        }

        /**
         * A store in {@code store} under keys {@code gov/p/{id32}} (the proposal) and {@code
         * gov/v/{id32}{voter20}} (a vote mark); it uses only {@code get} and {@code put}. A damaged
         * record reads as {@link LedgerCorruptionException}.
         */
        static ProposalStore over(KeyValueStore store) {
            return new io.openledger.token.internal.KvProposalStore(store);
        }
    }

    private final Votes votes;
    private final Clock clock;
    private final GovernorParams params;
    private final ProposalStore proposals;
    private final Consumer<Bytes> actionRunner;
    private final Map<Hash, Runnable> runnables = new HashMap<>();

    /** A governor counting {@code votes}, keeping proposals in memory. */
    public Governor(Votes votes, Clock clock, GovernorParams params) {
        this(votes, clock, params, ProposalStore.inMemory(), action -> {
            throw new GovernorException("this governor has no runner for action data");
        });
    }

    /**
     * A governor counting {@code votes}, keeping proposals in {@code proposals}, and handing the
     * action data of a proposal made with {@link #propose(Address, String, Bytes)} to {@code
     * actionRunner} on execution (an exception from the runner propagates after the proposal was
     * marked executed in the store, so a caller that must be all-or-nothing rolls the store back).
     */
    public Governor(
            Votes votes, Clock clock, GovernorParams params, ProposalStore proposals, Consumer<Bytes> actionRunner) {
        this.votes = votes;
        this.clock = clock;
        this.params = params;
        this.proposals = proposals;
        this.actionRunner = actionRunner;
    }

    /** The parameters. */
    public GovernorParams params() {
        return params;
    }

    private long now() {
        return clock.now().getEpochSecond();
    }

    /**
     * The proposal id this governor gives {@code description} by {@code proposer} when no id is
     * supplied: keccak256 of both. (An L2 chain supplies OpenZeppelin's {@code hashProposal} instead,
     * through {@link #propose(Hash, Address, Bytes)}.)
     */
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
        Hash id = propose(proposer, description, Bytes.EMPTY);
        runnables.put(id, action);
        return id;
    }

    /**
     * Proposes {@code action} data, handed to the action runner on execution. The snapshot is {@code
     * now + votingDelay}; voting ends {@code votingPeriod} later.
     *
     * @throws GovernorException if the proposer's votes at the previous second are below the
     *     threshold, or the proposal exists
     */
    public synchronized Hash propose(Address proposer, String description, Bytes action) {
        return propose(proposalId(proposer, description), proposer, action);
    }

    /**
     * Proposes {@code action} data under an id the caller computed (for example OpenZeppelin's {@code
     * hashProposal} of the calls and the description's hash), handed to the action runner on execution.
     * The snapshot is {@code now + votingDelay}; voting ends {@code votingPeriod} later.
     *
     * @return {@code id}
     * @throws GovernorException if the proposer's votes at the previous second are below the
     *     threshold, or a proposal with this id exists
     */
    public synchronized Hash propose(Hash id, Address proposer, Bytes action) {
        long now = now();
        Amount v = votes.getPastVotes(proposer, now - 1);
        if (v.lessThan(params.proposalThreshold())) {
            throw new GovernorException(
                    "proposer " + proposer + " has " + v + " votes, threshold " + params.proposalThreshold());
        }
        if (proposals.get(id).isPresent()) {
            throw new GovernorException("proposal " + id + " exists");
        }
        long start = now + params.votingDelay().toSeconds();
        proposals.put(
                id,
                new Proposal(
                        proposer,
                        start,
                        start + params.votingPeriod().toSeconds(),
                        Amount.ZERO,
                        Amount.ZERO,
                        Amount.ZERO,
                        0,
                        false,
                        false,
                        action));
        return id;
    }

    private Proposal get(Hash id) {
        return proposals.get(id).orElseThrow(() -> new GovernorException("no proposal " + id));
    }

    /**
     * The stored proposal {@code id}.
     *
     * @throws GovernorException if there is none
     */
    public synchronized Proposal proposal(Hash id) {
        return get(id);
    }

    /** Whether {@code voter} has voted on proposal {@code id}. */
    public synchronized boolean hasVoted(Hash id, Address voter) {
        return proposals.hasVoted(id, voter);
    }

    /** The snapshot timepoint of proposal {@code id}. */
    public synchronized long proposalSnapshot(Hash id) {
        return get(id).voteStart();
    }

    /** The last timepoint of voting on proposal {@code id}. */
    public synchronized long proposalDeadline(Hash id) {
        return get(id).voteEnd();
    }

    /** The quorum at a past {@code timepoint}: floor(past total supply × quorumPercent / 100). */
    public Amount quorum(long timepoint) {
        return votes.getPastTotalSupply(timepoint).mulDiv(Amount.of(params.quorumPercent()), Amount.of(100));
    }

    /** The state of proposal {@code id} now. */
    public synchronized State state(Hash id) {
        Proposal p = get(id);
        if (p.executed()) {
            return State.EXECUTED;
        }
        if (p.canceled()) {
            return State.CANCELED;
        }
        long now = now();
        if (p.voteStart() >= now) {
            return State.PENDING;
        }
        if (p.voteEnd() >= now) {
            return State.ACTIVE;
        }
        boolean quorumReached = !quorum(p.voteStart()).greaterThan(p.forVotes().add(p.abstain()));
        boolean succeeded = p.forVotes().greaterThan(p.against());
        if (!quorumReached || !succeeded) {
            return State.DEFEATED;
        }
        if (p.eta() == 0) {
            return State.SUCCEEDED;
        }
        return now >= p.eta() + params.gracePeriod().toSeconds() ? State.EXPIRED : State.QUEUED;
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
        if (proposals.hasVoted(id, voter)) {
            throw new GovernorException(voter + " already voted on " + id);
        }
        Amount w = votes.getPastVotes(voter, p.voteStart());
        proposals.markVoted(id, voter);
        proposals.put(
                id,
                switch (support) {
                    case AGAINST -> p.withVotes(p.against().add(w), p.forVotes(), p.abstain());
                    case FOR -> p.withVotes(p.against(), p.forVotes().add(w), p.abstain());
                    case ABSTAIN ->
                        p.withVotes(p.against(), p.forVotes(), p.abstain().add(w));
                });
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
        long eta = now() + params.timelockDelay().toSeconds();
        proposals.put(id, get(id).withEta(eta));
        return eta;
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
        if (now() < p.eta()) {
            throw new GovernorException("proposal " + id + " is timelocked until " + p.eta());
        }
        proposals.put(id, p.asExecuted()); // before the action, as OpenZeppelin does against reentrancy
        Runnable r = runnables.remove(id);
        if (r != null) {
            r.run();
        } else if (!p.action().isEmpty()) {
            actionRunner.accept(p.action());
        }
    }

    /**
     * Cancels a proposal; only its proposer, only while pending.
     *
     * @throws GovernorException otherwise
     */
    public synchronized void cancel(Hash id, Address proposer) {
        Proposal p = get(id);
        if (!p.proposer().equals(proposer)) {
            throw new GovernorException(proposer + " is not the proposer of " + id);
        }
        if (state(id) != State.PENDING) {
            throw new GovernorException("proposal " + id + " is " + state(id) + ", not PENDING");
        }
        proposals.put(id, p.asCanceled());
        runnables.remove(id);
    }

    /** Votes counted so far: [against, for, abstain]. */
    public synchronized Amount[] proposalVotes(Hash id) {
        Proposal p = get(id);
        return new Amount[] {p.against(), p.forVotes(), p.abstain()};
    }
}
