package io.openledger.chain.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.chain.block.Log;
import io.openledger.chain.block.Receipt;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.ManualClock;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.crypto.PrivateKey;
import io.openledger.token.Governor;
import io.openledger.token.GovernorParams;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Governance over the token module's Governor, driven by transactions: stake and delegate, propose a
 * slash through Staking, vote with the stake's voting power at the snapshot, queue and execute after
 * the timelock; and the refusals (pending vote, double vote, execute before the eta, no quorum,
 * slash without Governance) with their revert reasons.
 */
class GovernanceTest {
    private static final long CHAIN = 31337;
    private static final GovernorParams PARAMS = new GovernorParams(
            Duration.ofSeconds(10),
            Duration.ofSeconds(60),
            4,
            Amount.ZERO,
            Duration.ofSeconds(30),
            Duration.ofMinutes(10));

    private ManualClock clock;
    private L2Node.Builder config;
    private L2Node node;
    private PrivateKey alice;
    private PrivateKey bob;
    private final long[] nonces = new long[20];

    @BeforeEach
    void setUp() {
        clock = new ManualClock(Instant.parse("2026-03-01T00:00:00Z"));
        config = L2Node.builder().dev(true).clock(clock).governorParams(PARAMS);
        node = config.build();
        alice = node.devKeys().get(5);
        bob = node.devKeys().get(6);
    }

    @org.junit.jupiter.api.AfterEach
    void tearDown() {
        node.close();
    }

    private void send(PrivateKey from, Address to, Amount value, Bytes data) {
        int i = node.devKeys().indexOf(from);
        node.submit(Txs.call(CHAIN, from, nonces[i]++, to, value, data, 2_000_000));
    }

    private static Bytes call(String sig, AbiValue... args) {
        return Abi.encodeCall(sig, List.of(args));
    }

    private static AbiValue id(Hash id) {
        return new AbiValue.Uint(256, new BigInteger(1, id.bytes().toArray()));
    }

    private long state(Hash id) {
        return Amount.fromBytes32(
                        node.call(alice.address(), SystemAddresses.GOVERNANCE, call("state(uint256)", id(id))))
                .longValueExact();
    }

    private static Bytes castVote(Hash id, int support) {
        return call("castVote(uint256,uint8)", id(id), AbiValue.Uint.of(support));
    }

    private String revertOf(PrivateKey from, Address to, Bytes data) {
        try {
            node.call(from.address(), to, data);
        } catch (RpcException e) {
            return e.getMessage();
        }
        return "(no revert)";
    }

    private Amount stakeOf(Address who) {
        return Amount.fromBytes32(
                node.call(who, SystemAddresses.STAKING, call("stakeOf(address)", new AbiValue.AddressValue(who))));
    }

    // a call with a one-call proposal to Staking, `action`, and `last` as the fourth argument
    private static Bytes proposalCall(String sig, Bytes action, AbiValue last) {
        return call(
                sig,
                new AbiValue.DynamicArray(List.of(new AbiValue.AddressValue(SystemAddresses.STAKING))),
                new AbiValue.DynamicArray(List.of(AbiValue.Uint.of(0))),
                new AbiValue.DynamicArray(List.of(new AbiValue.DynamicBytes(action))),
                last);
    }

    private static AbiValue descriptionHash(String description) {
        return new AbiValue.FixedBytes(
                Hashing.keccak256(Bytes.utf8(description)).bytes());
    }

    // the id the node gives the proposal of `action` with `description` (its hashProposal view)
    private Hash hashProposal(Bytes action, String description) {
        return Hash.of(node.call(
                alice.address(),
                SystemAddresses.GOVERNANCE,
                proposalCall(
                        "hashProposal(address[],uint256[],bytes[],bytes32)", action, descriptionHash(description))));
    }

    private Hash propose(PrivateKey proposer, String description, Bytes action) {
        send(
                proposer,
                SystemAddresses.GOVERNANCE,
                Amount.ZERO,
                proposalCall("propose(address[],uint256[],bytes[],string)", action, new AbiValue.Text(description)));
        return hashProposal(action, description);
    }

    private L2Block sealAt(Duration advance) {
        clock.advance(advance);
        L2Block b = node.seal();
        return b;
    }

    private void stakeAndDelegateToSelf(PrivateKey who, Amount amount) {
        send(who, SystemAddresses.STAKING, amount, call("stake()"));
        send(
                who,
                SystemAddresses.STAKING,
                Amount.ZERO,
                call("delegate(address)", new AbiValue.AddressValue(who.address())));
    }

    // `who` proposes `action` and, once the voting delay has passed, votes for it: the block of the vote
    private L2Block proposeAndVote(PrivateKey who, String description, Bytes action) {
        clock.advance(Duration.ofSeconds(2));
        Hash id = propose(who, description, action);
        assertThat(sealAt(Duration.ZERO).receipts()).allMatch(Receipt::success);
        clock.advance(PARAMS.votingDelay().plusSeconds(1));
        send(who, SystemAddresses.GOVERNANCE, Amount.ZERO, castVote(id, 1));
        L2Block voted = sealAt(Duration.ZERO);
        assertThat(voted.receipts()).allMatch(Receipt::success);
        return voted;
    }

    // proposes after `changes` more stakes by `who` (each changes its votes), then votes: the vote's gas
    private long voteGasAfter(PrivateKey who, String description, int changes) {
        for (int i = 0; i < changes; i++) {
            send(who, SystemAddresses.STAKING, Amount.tokens(1), call("stake()"));
            if (i % 50 == 49) { // a block at a time, each a few seconds apart like the chain's own
                assertThat(sealAt(Duration.ofSeconds(2)).receipts()).allMatch(Receipt::success);
            }
        }
        assertThat(sealAt(Duration.ofSeconds(2)).receipts()).allMatch(Receipt::success);
        Bytes action = call(
                "slash(address,uint256,uint256)",
                new AbiValue.AddressValue(bob.address()),
                AbiValue.Uint.of(1),
                AbiValue.Uint.of(1));
        L2Block voted = proposeAndVote(who, description, action);
        return voted.receipts().get(1).cumulativeGasUsed()
                - voted.receipts().get(0).cumulativeGasUsed();
    }

    @Test
    void aVotesGasGrowsWithTheLogOfTheVotersChangesNotTheirNumber() {
        stakeAndDelegateToSelf(alice, Amount.tokens(100));
        assertThat(sealAt(Duration.ZERO).receipts()).allMatch(Receipt::success);
        long few = voteGasAfter(alice, "after a few changes", 4);
        long many = voteGasAfter(alice, "after many changes", 200);
        // getPastVotes is a binary search over alice's indexed vote history: 200 more changes add
        // about eight probes (1,000 gas). Scanning the history cost 400 gas a change, 80,000 more here
        assertThat(many - few).as("%d then %d gas", few, many).isLessThan(5_000);
    }

    @Test
    void aProposalPassesByStakedVotesAndSlashesThroughStaking() {
        stakeAndDelegateToSelf(alice, Amount.tokens(100));
        stakeAndDelegateToSelf(bob, Amount.tokens(30));
        assertThat(sealAt(Duration.ZERO).receipts()).allMatch(Receipt::success);
        assertThat(Amount.fromBytes32(node.call(
                        alice.address(),
                        SystemAddresses.STAKING,
                        call("getVotes(address)", new AbiValue.AddressValue(alice.address())))))
                .isEqualTo(Amount.tokens(100));

        Bytes slashBob = call(
                "slash(address,uint256,uint256)",
                new AbiValue.AddressValue(bob.address()),
                AbiValue.Uint.of(1),
                AbiValue.Uint.of(10));
        assertThat(revertOf(alice, SystemAddresses.STAKING, slashBob)).contains("only Governance may slash");
        clock.advance(Duration.ofSeconds(2));
        Hash id = propose(alice, "slash bob by 10%", slashBob);
        L2Block proposed = sealAt(Duration.ZERO);
        assertThat(proposed.receipts().get(1).success()).isTrue();
        Log created = proposed.receipts().get(1).logs().getFirst();
        assertThat(created.topics().getFirst())
                .isEqualTo(
                        Hashing.keccak256(
                                Bytes.utf8(
                                        "ProposalCreated(uint256,address,address[],uint256[],string[],bytes[],uint256,uint256,string)")));
        assertThat(created.data().slice(0, 32)).isEqualTo(id.bytes());
        assertThat(state(id)).isEqualTo(Governor.State.PENDING.ordinal());
        assertThat(revertOf(bob, SystemAddresses.GOVERNANCE, castVote(id, 1)))
                .contains("Governance: proposal")
                .contains("is PENDING, not ACTIVE");

        clock.advance(PARAMS.votingDelay().plusSeconds(1));
        send(alice, SystemAddresses.GOVERNANCE, Amount.ZERO, castVote(id, 1));
        send(bob, SystemAddresses.GOVERNANCE, Amount.ZERO, castVote(id, 0));
        L2Block voted = sealAt(Duration.ZERO);
        assertThat(voted.receipts()).allMatch(Receipt::success);
        Log vote = voted.receipts().get(1).logs().getFirst();
        assertThat(vote.topics())
                .containsExactly(
                        Hashing.keccak256(Bytes.utf8("VoteCast(address,uint256,uint8,uint256,string)")),
                        Hash.of(Bytes.concat(
                                Bytes.wrap(new byte[12]), alice.address().bytes())));
        assertThat(Amount.fromBytes32(vote.data().slice(64, 96))).isEqualTo(Amount.tokens(100));
        assertThat(revertOf(bob, SystemAddresses.GOVERNANCE, castVote(id, 1))).contains("already voted");
        assertThat(revertOf(bob, SystemAddresses.GOVERNANCE, castVote(id, 3))).contains("invalid vote type 3");
        // a double vote sent as a transaction fails and changes nothing
        send(bob, SystemAddresses.GOVERNANCE, Amount.ZERO, castVote(id, 1));
        assertThat(sealAt(Duration.ZERO).receipts().get(1).success()).isFalse();
        Bytes votes = node.call(alice.address(), SystemAddresses.GOVERNANCE, call("proposalVotes(uint256)", id(id)));
        assertThat(Amount.fromBytes32(votes.slice(0, 32))).isEqualTo(Amount.tokens(30));
        assertThat(Amount.fromBytes32(votes.slice(32, 64))).isEqualTo(Amount.tokens(100));

        sealAt(PARAMS.votingPeriod()); // views run at the head block's time
        assertThat(state(id)).isEqualTo(Governor.State.SUCCEEDED.ordinal());
        send(bob, SystemAddresses.GOVERNANCE, Amount.ZERO, call("queue(uint256)", id(id)));
        assertThat(sealAt(Duration.ZERO).receipts().get(1).success()).isTrue();
        assertThat(state(id)).isEqualTo(Governor.State.QUEUED.ordinal());
        assertThat(revertOf(bob, SystemAddresses.GOVERNANCE, call("execute(uint256)", id(id))))
                .contains("is timelocked until");

        Amount held = node.ledgerHoldings(node.head().number());
        sealAt(PARAMS.timelockDelay().plusSeconds(5)); // blocks run a few seconds ahead of the manual clock
        assertThat(revertOf(bob, SystemAddresses.GOVERNANCE, call("execute(uint256)", id(id))))
                .isEqualTo("(no revert)");
        send(bob, SystemAddresses.GOVERNANCE, Amount.ZERO, call("execute(uint256)", id(id)));
        L2Block executed = sealAt(Duration.ZERO);
        assertThat(executed.receipts().get(1).success()).isTrue();
        assertThat(executed.receipts().get(1).logs())
                .extracting(l -> l.topics().getFirst())
                .containsExactly(
                        Hashing.keccak256(Bytes.utf8("Slashed(address,uint256)")),
                        Hashing.keccak256(Bytes.utf8("ProposalExecuted(uint256)")));
        assertThat(state(id)).isEqualTo(Governor.State.EXECUTED.ordinal());
        assertThat(stakeOf(bob.address())).isEqualTo(Amount.tokens(27));
        // slashed stake stays in the ledger (the slash destination's wallet): nothing is minted or burned
        assertThat(node.ledgerHoldings(executed.number())).isEqualTo(held);
        assertThat(node.balanceAt(SystemAddresses.TOKEN_LEDGER, executed.number()))
                .isEqualTo(held);
        assertThat(node.totalBalance(executed.number())).isEqualTo(node.genesisSupply());
        assertThat(revertOf(bob, SystemAddresses.GOVERNANCE, call("execute(uint256)", id(id))))
                .contains("is EXECUTED, not QUEUED");

        // the slashed stake leaves the slash destination only by another proposal
        Amount slashed =
                Amount.fromBytes32(node.call(alice.address(), SystemAddresses.STAKING, call("slashedBalance()")));
        assertThat(slashed).isEqualTo(Amount.tokens(3));
        Address treasury = node.devKeys().get(7).address();
        Amount treasuryBefore = node.balance(treasury);
        Bytes release = call(
                "releaseSlashed(address,uint256)",
                new AbiValue.AddressValue(treasury),
                new AbiValue.Uint(256, slashed.toBigInteger()));
        assertThat(revertOf(alice, SystemAddresses.STAKING, release))
                .contains("only Governance may release slashed stake");
        String description = "release the slashed stake to the treasury";
        proposeAndVote(alice, description, release);
        sealAt(PARAMS.votingPeriod());
        // queued and executed as OpenZeppelin's Governor takes them: the calls and the description's hash
        send(
                alice,
                SystemAddresses.GOVERNANCE,
                Amount.ZERO,
                proposalCall("queue(address[],uint256[],bytes[],bytes32)", release, descriptionHash(description)));
        assertThat(sealAt(Duration.ZERO).receipts()).allMatch(Receipt::success);
        sealAt(PARAMS.timelockDelay().plusSeconds(5));
        send(
                alice,
                SystemAddresses.GOVERNANCE,
                Amount.ZERO,
                proposalCall("execute(address[],uint256[],bytes[],bytes32)", release, descriptionHash(description)));
        L2Block released = sealAt(Duration.ZERO);
        assertThat(released.receipts()).allMatch(Receipt::success);
        assertThat(released.receipts().get(1).logs())
                .extracting(l -> l.topics().getFirst())
                .containsExactly(
                        Hashing.keccak256(Bytes.utf8("SlashedReleased(address,uint256)")),
                        Hashing.keccak256(Bytes.utf8("ProposalExecuted(uint256)")));
        assertThat(node.balance(treasury)).isEqualTo(treasuryBefore.add(slashed));
        assertThat(Amount.fromBytes32(node.call(alice.address(), SystemAddresses.STAKING, call("slashedBalance()"))))
                .isEqualTo(Amount.ZERO);
        assertThat(node.totalBalance(released.number())).isEqualTo(node.genesisSupply());

        // replaying every block (stakes, delegations, votes, the slash) on a fresh genesis gives the same roots
        List<L2Block> blocks = new java.util.ArrayList<>();
        for (long n = 1; n <= node.head().number(); n++) {
            blocks.add(node.block(n).orElseThrow());
        }
        assertThat(L2Node.replay(config, blocks))
                .containsExactlyElementsOf(
                        blocks.stream().map(b -> b.header().stateRoot()).toList());
    }

    @Test
    void aProposalWithoutQuorumIsDefeatedAndCannotBeQueued() {
        send(alice, SystemAddresses.STAKING, Amount.tokens(100), call("stake()"));
        send(
                alice,
                SystemAddresses.STAKING,
                Amount.ZERO,
                call("delegate(address)", new AbiValue.AddressValue(alice.address())));
        send(bob, SystemAddresses.STAKING, Amount.tokens(1), call("stake()"));
        send(
                bob,
                SystemAddresses.STAKING,
                Amount.ZERO,
                call("delegate(address)", new AbiValue.AddressValue(bob.address())));
        sealAt(Duration.ZERO);
        clock.advance(Duration.ofSeconds(2));
        Hash id = propose(bob, "nobody else cares", call("totalStaked()"));
        sealAt(Duration.ZERO);
        clock.advance(PARAMS.votingDelay().plusSeconds(1));
        // bob's 1 OPEN of 101 is below the 4% quorum
        send(bob, SystemAddresses.GOVERNANCE, Amount.ZERO, castVote(id, 1));
        assertThat(sealAt(Duration.ZERO).receipts().get(1).success()).isTrue();
        sealAt(PARAMS.votingPeriod());
        assertThat(state(id)).isEqualTo(Governor.State.DEFEATED.ordinal());
        assertThat(revertOf(bob, SystemAddresses.GOVERNANCE, call("queue(uint256)", id(id))))
                .contains("is DEFEATED, not SUCCEEDED");
        assertThat(Amount.fromBytes32(node.call(
                        bob.address(),
                        SystemAddresses.GOVERNANCE,
                        call(
                                "quorum(uint256)",
                                AbiValue.Uint.of(node.head().header().timestamp()
                                        - PARAMS.votingPeriod().toSeconds()
                                        - 1)))))
                .isEqualTo(Amount.tokens(101).mulDiv(Amount.of(4), Amount.of(100)));
        assertThat(revertOf(bob, SystemAddresses.GOVERNANCE, call("state(uint256)", AbiValue.Uint.of(7))))
                .contains("no proposal");
    }

    @Test
    void proposalsRefuseValueAndNonSystemTargets() {
        Bytes bad = call(
                "propose(address[],uint256[],bytes[],string)",
                new AbiValue.DynamicArray(List.of(new AbiValue.AddressValue(bob.address()))),
                new AbiValue.DynamicArray(List.of(AbiValue.Uint.of(0))),
                new AbiValue.DynamicArray(List.of(new AbiValue.DynamicBytes(Bytes.EMPTY))),
                new AbiValue.Text("x"));
        assertThat(revertOf(alice, SystemAddresses.GOVERNANCE, bad)).contains("is not an OpenLedger system contract");
        Bytes mismatched = call(
                "propose(address[],uint256[],bytes[],string)",
                new AbiValue.DynamicArray(List.of(new AbiValue.AddressValue(SystemAddresses.STAKING))),
                new AbiValue.DynamicArray(List.of()),
                new AbiValue.DynamicArray(List.of(new AbiValue.DynamicBytes(Bytes.EMPTY))),
                new AbiValue.Text("x"));
        assertThat(revertOf(alice, SystemAddresses.GOVERNANCE, mismatched)).contains("invalid proposal length");
        assertThatThrownBy(() -> node.call(alice.address(), SystemAddresses.TOKEN_LEDGER, call("totalStaked()")))
                .hasMessageContaining("reverted");
    }

    @Test
    void proposalIdsAreOpenZeppelinsHashProposal() {
        // computed with ethers 6: keccak256(AbiCoder.encode(["address[]","uint256[]","bytes[]","bytes32"],
        // [[0x…0103, 0x…0101], [0, 0], ["0x817b1cd2", "0x"], id("slash bob by 10%")]))
        Hash ethers = Hash.fromHex("0x8dc8b889a612bd81b32ca9329f36537bd9f77a633c32636e7418012548deb5d0");
        Bytes twoCalls = call(
                "hashProposal(address[],uint256[],bytes[],bytes32)",
                new AbiValue.DynamicArray(List.of(
                        new AbiValue.AddressValue(SystemAddresses.STAKING),
                        new AbiValue.AddressValue(Address.fromHex("0x4200000000000000000000000000000000000101")))),
                new AbiValue.DynamicArray(List.of(AbiValue.Uint.of(0), AbiValue.Uint.of(0))),
                new AbiValue.DynamicArray(List.of(
                        new AbiValue.DynamicBytes(Abi.selector("totalStaked()")),
                        new AbiValue.DynamicBytes(Bytes.EMPTY))),
                descriptionHash("slash bob by 10%"));
        assertThat(Hash.of(node.call(alice.address(), SystemAddresses.GOVERNANCE, twoCalls)))
                .isEqualTo(ethers);

        // the id of ProposalCreated is the view's; the same calls and description cannot be proposed again
        Bytes action = call("totalStaked()");
        clock.advance(Duration.ofSeconds(2));
        propose(alice, "read the stake", action);
        L2Block block = sealAt(Duration.ZERO);
        assertThat(block.receipts()).allMatch(Receipt::success);
        Log created = block.receipts().get(1).logs().getFirst(); // 0 is the L1 attributes deposit
        assertThat(Hash.of(created.data().slice(0, 32))).isEqualTo(hashProposal(action, "read the stake"));
        assertThat(hashProposal(action, "read the stake")).isNotEqualTo(hashProposal(action, "read the stake!"));
        assertThat(revertOf(
                        bob,
                        SystemAddresses.GOVERNANCE,
                        proposalCall(
                                "propose(address[],uint256[],bytes[],string)",
                                action,
                                new AbiValue.Text("read the stake"))))
                .contains("exists");

        // canceled by its calls and description hash, by its proposer only
        Bytes cancel =
                proposalCall("cancel(address[],uint256[],bytes[],bytes32)", action, descriptionHash("read the stake"));
        assertThat(revertOf(bob, SystemAddresses.GOVERNANCE, cancel)).contains("is not the proposer");
        send(alice, SystemAddresses.GOVERNANCE, Amount.ZERO, cancel);
        assertThat(sealAt(Duration.ZERO).receipts()).allMatch(Receipt::success);
        assertThat(state(hashProposal(action, "read the stake"))).isEqualTo(Governor.State.CANCELED.ordinal());
    }

    @Test
    void aDescriptionNamingItsProposerIsReservedForIt() {
        Bytes action = call("totalStaked()");
        String lower = "raise the fee#proposer=" + alice.address().toHex();
        String upper = "raise the fee#proposer=0x"
                + alice.address().toHex().substring(2).toUpperCase(java.util.Locale.ROOT);
        for (String d : List.of(lower, upper)) {
            assertThat(revertOf(
                            bob,
                            SystemAddresses.GOVERNANCE,
                            proposalCall("propose(address[],uint256[],bytes[],string)", action, new AbiValue.Text(d))))
                    .as(d)
                    .contains("may propose a description ending in #proposer="
                            + alice.address().toChecksumHex());
        }
        // not an address after the marker: an ordinary description, anyone may propose it
        String notAnAddress = "raise the fee#proposer=0x" + "g".repeat(40);
        clock.advance(Duration.ofSeconds(2));
        propose(bob, notAnAddress, action);
        propose(alice, upper, action);
        assertThat(sealAt(Duration.ZERO).receipts()).hasSize(3).allMatch(Receipt::success);
        assertThat(state(hashProposal(action, upper))).isEqualTo(Governor.State.PENDING.ordinal());
        assertThat(state(hashProposal(action, notAnAddress))).isEqualTo(Governor.State.PENDING.ordinal());
    }
}
