package io.openledger.chain.internal.node;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.chain.node.SystemAddresses;
import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.rlp.RlpItem;
import io.openledger.chain.rlp.RlpList;
import io.openledger.chain.rlp.RlpString;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.token.Governor;
import io.openledger.token.GovernorParams;
import io.openledger.token.StakingParams;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Governance: the token module's {@link Governor} run over L2 state, with the OpenZeppelin Governor
 * interface (GovernorStorage's {@code queue(uint256)}/{@code execute(uint256)}, GovernorCountingSimple
 * support values 0 against, 1 for, 2 abstain) and its events. Voting power is the {@link
 * io.openledger.token.Votes} of delegated stake kept by {@link StakingContract}; time is the block
 * timestamp (ERC-6372 timestamp mode). Proposals and vote marks live in the TOKEN_LEDGER account's
 * storage ({@link Governor.ProposalStore#over}), so they are chain state. A proposal's action is a
 * list of calls to system contracts (no value), stored as {@code rlp([[target, calldata], …])} and
 * made with Governance as the sender when the proposal is executed; if one reverts, the whole
 * execution reverts. Unlike OpenZeppelin's {@code hashProposal}, a proposal id is the token module's
 * {@link Governor#proposalId}: keccak256(proposer ‖ description), so a proposer cannot reuse a
 * description. Voting power is read with {@code getPastVotes}, a binary search over the delegate's
 * indexed vote history in the ledger (OpenZeppelin's checkpoints): its gas grows with the log of the
 * number of vote changes of that delegate (and the quorum's with the log of all stake changes).
 */
final class GovernanceContract extends SystemContract {
    static final int MAX_ACTIONS = 16;

    private final GovernorParams params;
    private final StakingParams stakingParams;

    GovernanceContract(GovernorParams params, StakingParams stakingParams) {
        this.params = params;
        this.stakingParams = stakingParams;
        function("propose(address[],uint256[],bytes[],string)", this::propose);
        function("castVote(uint256,uint8)", c -> castVote(c, ""));
        function(
                "castVoteWithReason(uint256,uint8,string)",
                c -> castVote(c, c.args().string(2)));
        function("queue(uint256)", this::queue);
        function("execute(uint256)", this::execute);
        function("cancel(uint256)", this::cancel);
        function(
                "state(uint256)",
                view(c -> CallContext.word(governor(c).state(id(c)).ordinal())));
        function(
                "proposalSnapshot(uint256)",
                view(c -> CallContext.word(governor(c).proposalSnapshot(id(c)))));
        function(
                "proposalDeadline(uint256)",
                view(c -> CallContext.word(governor(c).proposalDeadline(id(c)))));
        function(
                "proposalEta(uint256)",
                view(c -> CallContext.word(governor(c).proposal(id(c)).eta())));
        function(
                "proposalProposer(uint256)",
                view(c -> CallContext.word(governor(c).proposal(id(c)).proposer())));
        function("proposalVotes(uint256)", view(c -> {
            Amount[] v = governor(c).proposalVotes(id(c));
            return Abi.encode(uint(v[0]), uint(v[1]), uint(v[2]));
        }));
        function(
                "hasVoted(uint256,address)",
                view(c -> CallContext.word(governor(c).hasVoted(id(c), c.args().address(1)) ? 1 : 0)));
        function(
                "quorum(uint256)",
                view(c -> governor(c).quorum(c.args().uint64(0)).toBytes32()));
        function("votingDelay()", c -> CallContext.word(params.votingDelay().toSeconds()));
        function("votingPeriod()", c -> CallContext.word(params.votingPeriod().toSeconds()));
        function("proposalThreshold()", c -> params.proposalThreshold().toBytes32());
        function("name()", c -> Abi.encode(new AbiValue.Text("OpenLedger Governor")));
        function("COUNTING_MODE()", c -> Abi.encode(new AbiValue.Text("support=bravo&quorum=for,abstain")));
        function("clock()", c -> CallContext.word(c.timestamp));
        function("CLOCK_MODE()", c -> Abi.encode(new AbiValue.Text("mode=timestamp")));
    }

    @Override
    Address address() {
        return SystemAddresses.GOVERNANCE;
    }

    @Override
    String name() {
        return "Governance";
    }

    private Governor governor(CallContext c) {
        L2Ledger l = L2Ledger.of(c, stakingParams);
        return new Governor(
                l.votes,
                l.clock,
                params,
                Governor.ProposalStore.over(L2Ledger.store(c.state, c::gas)),
                action -> runActions(c, action));
    }

    private static Hash id(CallContext c) {
        return c.args().bytes32(0);
    }

    private static AbiValue uint(Amount a) {
        return new AbiValue.Uint(256, a.toBigInteger());
    }

    private static AbiValue uint(Hash h) {
        return new AbiValue.Uint(256, new BigInteger(1, h.bytes().unsafeArray()));
    }

    private static Function<CallContext, Bytes> view(Function<CallContext, Bytes> f) {
        return c -> {
            c.requireNoValue();
            return guarded(() -> f.apply(c));
        };
    }

    /** Runs token-module code, turning its refusals into reverts with the token module's message. */
    private static <T> T guarded(java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (Governor.GovernorException | IllegalArgumentException | IllegalStateException e) {
            throw new Revert("Governance: " + e.getMessage());
        }
    }

    private Bytes propose(CallContext c) {
        c.requireNoValue();
        AbiReader a = c.args();
        List<Address> targets = a.addressArray(0, MAX_ACTIONS);
        List<Amount> values = a.uint256Array(1, MAX_ACTIONS);
        List<Bytes> calldatas = a.bytesArray(2, MAX_ACTIONS);
        String description = a.string(3);
        if (targets.isEmpty() || targets.size() != values.size() || targets.size() != calldatas.size()) {
            throw new Revert("Governance: invalid proposal length: " + targets.size() + " targets, " + values.size()
                    + " values, " + calldatas.size() + " calldatas");
        }
        List<RlpItem> calls = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            if (!values.get(i).isZero()) {
                throw new Revert("Governance: proposal calls cannot carry value");
            }
            checkTarget(targets.get(i));
            calls.add(RlpList.of(RlpString.of(targets.get(i).bytes()), RlpString.of(calldatas.get(i))));
        }
        Governor g = governor(c);
        Hash id = guarded(() -> g.propose(c.sender, description, Rlp.encode(RlpList.of(calls))));
        List<AbiValue> signatures = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            signatures.add(new AbiValue.Text(""));
        }
        c.emit(
                "ProposalCreated(uint256,address,address[],uint256[],string[],bytes[],uint256,uint256,string)",
                List.of(),
                Abi.encode(
                        uint(id),
                        new AbiValue.AddressValue(c.sender),
                        new AbiValue.DynamicArray(targets.stream()
                                .<AbiValue>map(AbiValue.AddressValue::new)
                                .toList()),
                        new AbiValue.DynamicArray(
                                values.stream().map(GovernanceContract::uint).toList()),
                        new AbiValue.DynamicArray(signatures),
                        new AbiValue.DynamicArray(calldatas.stream()
                                .<AbiValue>map(AbiValue.DynamicBytes::new)
                                .toList()),
                        AbiValue.Uint.of(g.proposalSnapshot(id)),
                        AbiValue.Uint.of(g.proposalDeadline(id)),
                        new AbiValue.Text(description)));
        return id.bytes();
    }

    private void checkTarget(Address target) {
        if (target.equals(SystemAddresses.GOVERNANCE)) {
            throw new Revert("Governance: a proposal cannot call Governance itself");
        }
        Bytes b = target.bytes();
        boolean system =
                b.slice(0, 18).equals(SystemAddresses.GOVERNANCE.bytes().slice(0, 18)) && b.get(18) == 1;
        if (!system) {
            throw new Revert("Governance: target " + target.toChecksumHex()
                    + " is not an OpenLedger system contract (0x4200…01xx)");
        }
    }

    private static void runActions(CallContext c, Bytes action) {
        RlpList calls = (RlpList) Rlp.decode(action);
        for (int i = 0; i < calls.size(); i++) {
            RlpList call = ((RlpList) calls.get(i)).requireSize("proposal call", 2);
            Address target = ((RlpString) call.get(0)).asAddress("target");
            c.nested.call(c, SystemAddresses.GOVERNANCE, target, ((RlpString) call.get(1)).bytes());
        }
    }

    private Bytes castVote(CallContext c, String reason) {
        c.requireNoValue();
        AbiReader a = c.args();
        Hash id = a.bytes32(0);
        long support = a.uint64(1);
        if (support < 0 || support > 2) {
            throw new Revert("Governance: invalid vote type " + support + " (0 against, 1 for, 2 abstain)");
        }
        Amount weight = guarded(() -> governor(c).castVote(id, c.sender, Governor.Support.values()[(int) support]));
        c.emit(
                "VoteCast(address,uint256,uint8,uint256,string)",
                List.of(CallContext.topic(c.sender)),
                Abi.encode(uint(id), AbiValue.Uint.of(support), uint(weight), new AbiValue.Text(reason)));
        return weight.toBytes32();
    }

    private Bytes queue(CallContext c) {
        c.requireNoValue();
        Hash id = id(c);
        long eta = guarded(() -> governor(c).queue(id));
        c.emit("ProposalQueued(uint256,uint256)", List.of(), Abi.encode(uint(id), AbiValue.Uint.of(eta)));
        return id.bytes();
    }

    private Bytes execute(CallContext c) {
        c.requireNoValue();
        Hash id = id(c);
        guarded(() -> {
            governor(c).execute(id);
            return null;
        });
        c.emit("ProposalExecuted(uint256)", List.of(), Abi.encode(uint(id)));
        return id.bytes();
    }

    private Bytes cancel(CallContext c) {
        c.requireNoValue();
        Hash id = id(c);
        guarded(() -> {
            governor(c).cancel(id, c.sender);
            return null;
        });
        c.emit("ProposalCanceled(uint256)", List.of(), Abi.encode(uint(id)));
        return id.bytes();
    }
}
