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
import io.openledger.core.crypto.Hashing;
import io.openledger.token.Governor;
import io.openledger.token.GovernorParams;
import io.openledger.token.StakingParams;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * execution reverts. A proposal id is OpenZeppelin's {@code hashProposal}: keccak256(abi.encode(targets,
 * values, calldatas, keccak256(description))), so wallets and governance front ends compute it
 * themselves, and the same calls with the same description cannot be proposed twice. As in OpenZeppelin
 * 5, a description ending in {@code #proposer=0x…} (an address) may be proposed only by that address,
 * which stops another account from front-running a proposal; {@code queue}, {@code execute} and {@code
 * cancel} take either the id (GovernorStorage) or the proposal's calls and description hash (Governor).
 * Voting power is read with {@code getPastVotes}, a binary search over the delegate's
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
        function("queue(uint256)", c -> queue(c, id(c)));
        function("execute(uint256)", c -> execute(c, id(c)));
        function("cancel(uint256)", c -> cancel(c, id(c)));
        function("hashProposal(address[],uint256[],bytes[],bytes32)", view(c -> callsId(c)
                .bytes()));
        function("queue(address[],uint256[],bytes[],bytes32)", c -> queue(c, callsId(c)));
        function("execute(address[],uint256[],bytes[],bytes32)", c -> execute(c, callsId(c)));
        function("cancel(address[],uint256[],bytes[],bytes32)", c -> cancel(c, callsId(c)));
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

    /** A proposal's calls as OpenZeppelin's Governor takes them: three arrays of one length. */
    private record Calls(List<Address> targets, List<Amount> values, List<Bytes> calldatas) {
        static Calls read(AbiReader a) {
            Calls calls = new Calls(
                    a.addressArray(0, MAX_ACTIONS), a.uint256Array(1, MAX_ACTIONS), a.bytesArray(2, MAX_ACTIONS));
            int n = calls.targets.size();
            if (n == 0 || n != calls.values.size() || n != calls.calldatas.size()) {
                throw new Revert("Governance: invalid proposal length: " + n + " targets, " + calls.values.size()
                        + " values, " + calls.calldatas.size() + " calldatas");
            }
            return calls;
        }

        /** OpenZeppelin's {@code hashProposal}: keccak256(abi.encode(targets, values, calldatas, descriptionHash)). */
        Hash id(Hash descriptionHash) {
            return Hashing.keccak256(Abi.encode(
                    new AbiValue.DynamicArray(targets.stream()
                            .<AbiValue>map(AbiValue.AddressValue::new)
                            .toList()),
                    new AbiValue.DynamicArray(
                            values.stream().map(GovernanceContract::uint).toList()),
                    new AbiValue.DynamicArray(calldatas.stream()
                            .<AbiValue>map(AbiValue.DynamicBytes::new)
                            .toList()),
                    new AbiValue.FixedBytes(descriptionHash.bytes())));
        }
    }

    /** The id of the proposal whose calls and description hash are the call's four arguments. */
    private static Hash callsId(CallContext c) {
        return Calls.read(c.args()).id(c.args().bytes32(3));
    }

    private Bytes propose(CallContext c) {
        c.requireNoValue();
        Calls calls = Calls.read(c.args());
        String description = c.args().string(3);
        requireProposerMayUse(c.sender, description);
        List<RlpItem> actions = new ArrayList<>();
        for (int i = 0; i < calls.targets().size(); i++) {
            if (!calls.values().get(i).isZero()) {
                throw new Revert("Governance: proposal calls cannot carry value");
            }
            checkTarget(calls.targets().get(i));
            actions.add(RlpList.of(
                    RlpString.of(calls.targets().get(i).bytes()),
                    RlpString.of(calls.calldatas().get(i))));
        }
        Governor g = governor(c);
        Hash id = calls.id(Hashing.keccak256(Bytes.utf8(description)));
        guarded(() -> g.propose(id, c.sender, Rlp.encode(RlpList.of(actions))));
        List<AbiValue> signatures = new ArrayList<>();
        for (int i = 0; i < calls.targets().size(); i++) {
            signatures.add(new AbiValue.Text(""));
        }
        c.emit(
                "ProposalCreated(uint256,address,address[],uint256[],string[],bytes[],uint256,uint256,string)",
                List.of(),
                Abi.encode(
                        uint(id),
                        new AbiValue.AddressValue(c.sender),
                        new AbiValue.DynamicArray(calls.targets().stream()
                                .<AbiValue>map(AbiValue.AddressValue::new)
                                .toList()),
                        new AbiValue.DynamicArray(calls.values().stream()
                                .map(GovernanceContract::uint)
                                .toList()),
                        new AbiValue.DynamicArray(signatures),
                        new AbiValue.DynamicArray(calls.calldatas().stream()
                                .<AbiValue>map(AbiValue.DynamicBytes::new)
                                .toList()),
                        AbiValue.Uint.of(g.proposalSnapshot(id)),
                        AbiValue.Uint.of(g.proposalDeadline(id)),
                        new AbiValue.Text(description)));
        return id.bytes();
    }

    /**
     * OpenZeppelin 5's {@code _isValidDescriptionForProposer}: a description ending in {@code
     * #proposer=0x} and 40 hex digits may be proposed only by that address; any other description by
     * anyone.
     */
    private static void requireProposerMayUse(Address sender, String description) {
        String marker = "#proposer=0x";
        int at = description.length() - marker.length() - 40;
        if (at < 0 || !description.startsWith(marker, at)) {
            return;
        }
        String hex = description.substring(at + marker.length()).toLowerCase(Locale.ROOT);
        if (!hex.chars().allMatch(ch -> (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
            return; // not an address: an ordinary description
        }
        Address named = Address.of(Bytes.fromHex(hex)); // any case, no checksum, as OpenZeppelin reads it
        if (!named.equals(sender)) {
            throw new Revert("Governance: only " + named.toChecksumHex() + " may propose a description ending in "
                    + "#proposer=" + named.toChecksumHex() + ", not " + sender.toChecksumHex());
        }
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

    private Bytes queue(CallContext c, Hash id) {
        c.requireNoValue();
        long eta = guarded(() -> governor(c).queue(id));
        c.emit("ProposalQueued(uint256,uint256)", List.of(), Abi.encode(uint(id), AbiValue.Uint.of(eta)));
        return id.bytes();
    }

    private Bytes execute(CallContext c, Hash id) {
        c.requireNoValue();
        guarded(() -> {
            governor(c).execute(id);
            return null;
        });
        c.emit("ProposalExecuted(uint256)", List.of(), Abi.encode(uint(id)));
        return id.bytes();
    }

    private Bytes cancel(CallContext c, Hash id) {
        c.requireNoValue();
        guarded(() -> {
            governor(c).cancel(id, c.sender);
            return null;
        });
        c.emit("ProposalCanceled(uint256)", List.of(), Abi.encode(uint(id)));
        return id.bytes();
    }
}
