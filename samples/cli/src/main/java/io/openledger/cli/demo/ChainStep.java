package io.openledger.cli.demo;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.chain.block.Log;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.node.ChainAnchorContract;
import io.openledger.chain.node.L2Block;
import io.openledger.chain.node.L2Node;
import io.openledger.chain.node.SystemAddresses;
import io.openledger.chain.op.DepositLogs;
import io.openledger.chain.op.L1BlockInfo;
import io.openledger.chain.op.L1DataFee;
import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.trie.InvalidProofException;
import io.openledger.chain.trie.MerklePatriciaTrie;
import io.openledger.chain.trie.TrieProof;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.chain.tx.DynamicFeeTransaction;
import io.openledger.chain.tx.InvalidTransactionException;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.Transactions;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.contract.AnchorReceipt;
import io.openledger.core.contract.AttributionWeights;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.contract.InferenceRecord;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.crypto.PrivateKey;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.token.InferenceSettlement;
import java.math.BigInteger;
import java.util.List;

/**
 * The chain primitives: an L1 {@code TransactionDeposited} log becomes an OP Stack deposit, an
 * EIP-1559 transfer is signed and strictly decoded, and both go into a transactions trie whose proof
 * is verified.
 */
public final class ChainStep implements DemoStep {
    /** OP Mainnet's OptimismPortal. */
    static final Address PORTAL = Address.fromHex("0xbEb5Fc579115071764c7423A4f12eDde41f106Ed");

    /** A fixed demo key, so the output is reproducible (never use it for real funds). */
    static final PrivateKey SEQUENCER_USER =
            PrivateKey.fromHex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");

    @Override
    public String title() {
        return "chain: OP Stack primitives, then the L2 node anchors, registers and settles on chain";
    }

    @Override
    public void run(DemoContext ctx) {
        // 1. an L1 contract deposits 1 ETH through the portal; its address is aliased on L2
        Address l1Contract = Address.fromHex("0x1111111111111111111111111111111111111111");
        Address recipient = SEQUENCER_USER.address();
        Amount oneEth = Amount.tokens(1);
        Log log = DepositLogs.encode(PORTAL, l1Contract, true, recipient, oneEth, oneEth, 100_000, false, Bytes.EMPTY);
        Hash l1Block = Hashing.keccak256(Bytes.utf8("demo L1 block 20633763"));
        DepositTransaction deposit = DepositLogs.decode(log, PORTAL, l1Block, 7);
        ctx.say(
                "TransactionDeposited log (%d data bytes) -> deposit tx %s",
                log.data().size(), deposit.hash());
        ctx.say(
                "  from %s (alias of L1 contract %s), mint %s ETH",
                deposit.from(), l1Contract, deposit.mint().toDecimalString());
        ctx.say("  source hash keccak(0 ++ keccak(l1Block ++ logIndex 7)) = %s", deposit.sourceHash());

        // 2. the recipient signs an EIP-1559 transfer; its data anchors a datanet root if an earlier step made one
        Bytes anchor =
                ctx.get(DatanetVersionRef.class).map(v -> v.root().bytes()).orElse(Bytes.EMPTY);
        DynamicFeeTransaction transfer = DynamicFeeTransaction.call(
                        10,
                        0,
                        Amount.of(1_000_000L),
                        Amount.of(2_000_000_000L),
                        60_000,
                        Address.fromHex("0x4200000000000000000000000000000000000011"),
                        Amount.of(250_000_000_000_000_000L),
                        anchor)
                .sign(SEQUENCER_USER);
        Bytes raw = transfer.encode();
        Transaction decoded = Transactions.decode(raw);
        ctx.say("EIP-1559 transfer signed: %d bytes, hash %s", raw.size(), decoded.hash());
        ctx.say(
                "  strict decode recovers sender %s (%s)",
                decoded.sender(), decoded.sender().equals(SEQUENCER_USER.address()) ? "matches" : "MISMATCH");
        Bytes nonCanonical = Bytes.concat(raw.slice(0, 3), Bytes.fromHex("810a"), raw.slice(4));
        try {
            Transactions.decode(nonCanonical);
            ctx.say("  non-canonical chain id ACCEPTED (bug)");
        } catch (InvalidTransactionException e) {
            ctx.say("  the same bytes with chain id as 0x81 0x0a are rejected: %s", e.getMessage());
        }
        L1BlockInfo l1 = L1BlockInfo.ecotone(
                20633763,
                1724928743,
                Amount.of(1055991687L),
                l1Block,
                4,
                Address.fromHex("0x6887246668a3b87f54deb3b94ba47a6f63f32985"),
                5227,
                1014213,
                Amount.ONE);
        ctx.say(
                "  L1 data fee on OP Mainnet parameters: Fjord %s wei (FastLZ %d bytes), Ecotone %s wei",
                L1DataFee.fjord(raw, l1).toBigInteger(),
                L1DataFee.fastLzLength(raw),
                L1DataFee.ecotone(raw, l1).toBigInteger());

        // 3. both in a transactions trie, committed to a store, with a proof for the transfer
        try (InMemoryKeyValueStore store = new InMemoryKeyValueStore()) {
            MerklePatriciaTrie trie = MerklePatriciaTrie.builder().store(store).build();
            List<Transaction> block = List.of(l1.toDepositTransaction(), deposit, decoded);
            for (int i = 0; i < block.size(); i++) {
                trie.put(Rlp.encodeLong(i), block.get(i).encode());
            }
            Hash root = trie.commit();
            ctx.say(
                    "transactions trie of %d txs (L1-info deposit, user deposit, transfer): root %s",
                    block.size(), root);
            TrieProof proof = trie.prove(Rlp.encodeLong(2));
            boolean ok = proof.verify(root, Rlp.encodeLong(2)).map(raw::equals).orElse(false);
            ctx.say("proof for tx 2: %d nodes, verifies: %s", proof.nodes().size(), ok);
            List<Bytes> tampered = new java.util.ArrayList<>(proof.nodes());
            byte[] first = tampered.get(0).toArray();
            first[first.length - 1] ^= 1;
            tampered.set(0, Bytes.wrap(first));
            String flipped;
            try {
                new TrieProof(tampered).verify(root, Rlp.encodeLong(2));
                flipped = "ACCEPTED (bug)";
            } catch (InvalidProofException e) {
                flipped = "rejected";
            }
            ctx.say(
                    "the same proof with one byte flipped: %s; absent key 9 proven absent: %s",
                    flipped,
                    trie.prove(Rlp.encodeLong(9))
                            .verify(root, Rlp.encodeLong(9))
                            .isEmpty());
        }

        runNode(ctx);
    }

    /** Starts the L2 node in-process and puts the demo's datanet version, model and inferences on chain. */
    private static void runNode(DemoContext ctx) {
        try (L2Node node = L2Node.builder().dev(true).rpcPort(0).build()) {
            List<PrivateKey> keys = node.devKeys();
            PrivateKey developer = keys.get(0);
            PrivateKey curator = keys.get(1);
            PrivateKey payer = keys.get(2);
            PrivateKey staker = keys.get(3);
            ctx.say(
                    "L2 node started in-process: chain id %d, JSON-RPC %s, genesis = token module allocation (%s OPEN), state root %s",
                    node.chainId(),
                    node.rpcUrl().orElseThrow(),
                    node.genesisSupply().toDecimalString(),
                    node.head().header().stateRoot());

            DatanetVersionRef version = ctx.get(DatanetVersionRef.class)
                    .orElseGet(() -> new DatanetVersionRef(
                            DatanetId.of("demo-datanet"), 1, Hashing.keccak256(Bytes.utf8("demo datanet v1"))));
            ChainAnchorContract anchors = new ChainAnchorContract(
                    node, a -> keys.stream().filter(k -> k.address().equals(a)).findFirst());
            AnchorReceipt anchored = anchors.anchor(version, curator.address());
            ctx.put(AnchorReceipt.class, anchored);
            block(
                    ctx,
                    node,
                    node.head(),
                    "DatanetRegistry.anchor(" + version.datanet() + " v" + version.version() + ")");

            InferenceRecord record = ctx.get(InferenceRecord.class).orElseGet(TokenStep::demoRecord);
            AttributionWeights weights =
                    ctx.get(AttributionWeights.class).filter(w -> !w.isEmpty()).orElseGet(TokenStep::demoWeights);
            Hash adapter = record.adapterId()
                    .map(a -> Hashing.keccak256(Bytes.utf8(a.toString())))
                    .orElse(Hash.ZERO);
            Bytes register = Abi.encodeCall(
                    "registerModel(bytes32,bytes32,bytes32[],string)",
                    List.of(
                            new AbiValue.FixedBytes(
                                    Hashing.keccak256(Bytes.utf8(record.model().value()))
                                            .bytes()),
                            new AbiValue.FixedBytes(adapter.bytes()),
                            new AbiValue.DynamicArray(List.of(
                                    new AbiValue.FixedBytes(version.root().bytes()))),
                            new AbiValue.Text(
                                    "openledger://model/" + record.model().value())));
            node.submit(call(node, developer, SystemAddresses.MODEL_REGISTRY, Amount.ZERO, register, 400_000));
            // a staker bonds OPEN with the token module's Staking, run over the token ledger kept in L2 state
            node.submit(call(
                    node,
                    staker,
                    SystemAddresses.STAKING,
                    Amount.tokens(100),
                    Abi.encodeCall("stake()", List.of()),
                    400_000));
            L2Block registered = node.seal();
            long modelId = Amount.fromBytes32(registered
                            .receipts()
                            .get(1)
                            .logs()
                            .getFirst()
                            .topics()
                            .get(1)
                            .bytes())
                    .longValueExact();
            block(
                    ctx,
                    node,
                    registered,
                    "ModelRegistry.registerModel -> model id " + modelId + " owned by " + developer.address());

            List<Address> contributors = weights.shares().keySet().stream()
                    .map(ContributorId::address)
                    .toList();
            List<AbiValue> cs = contributors.stream()
                    .map(a -> (AbiValue) new AbiValue.AddressValue(a))
                    .toList();
            List<AbiValue> ws = weights.shares().values().stream()
                    .map(v -> (AbiValue) new AbiValue.Uint(256, BigInteger.valueOf(v)))
                    .toList();
            List<Address> parties = new java.util.ArrayList<>(List.of(
                    developer.address(),
                    payer.address(),
                    InferenceSettlement.defaultTreasury(),
                    InferenceSettlement.defaultDust(),
                    SystemAddresses.BASE_FEE_VAULT,
                    SystemAddresses.SEQUENCER_FEE_VAULT,
                    SystemAddresses.L1_FEE_VAULT));
            parties.addAll(contributors);
            java.util.Map<Address, Amount> before = new java.util.LinkedHashMap<>();
            parties.forEach(a -> before.put(a, node.balance(a)));
            int inferences = 3;
            Amount fee = Amount.fromBytes32(node.call(
                    payer.address(),
                    SystemAddresses.INFERENCE_SETTLEMENT,
                    Abi.encodeCall(
                            "feeOf(uint64,uint64)",
                            List.of(
                                    AbiValue.Uint.of(record.promptTokens().size()),
                                    AbiValue.Uint.of(record.outputTokens().size())))));
            Hash first = record.requestId();
            for (int i = 0; i < inferences; i++) {
                Hash request = i == 0 ? first : Hashing.keccak256(Bytes.concat(first.bytes(), Bytes.utf8("#" + i)));
                Bytes settle = Abi.encodeCall(
                        "settle(bytes32,uint256,uint64,uint64,address[],uint256[])",
                        List.of(
                                new AbiValue.FixedBytes(request.bytes()),
                                AbiValue.Uint.of(modelId),
                                AbiValue.Uint.of(record.promptTokens().size()),
                                AbiValue.Uint.of(record.outputTokens().size()),
                                new AbiValue.DynamicArray(cs),
                                new AbiValue.DynamicArray(ws)));
                node.submit(call(node, payer, SystemAddresses.INFERENCE_SETTLEMENT, fee, settle, 2_000_000));
            }
            L2Block settled = node.seal();
            long ok =
                    settled.receipts().stream().skip(1).filter(Receipt::success).count();
            block(
                    ctx,
                    node,
                    settled,
                    inferences + " InferenceSettlement.settle calls (" + ok + " succeeded), fee "
                            + fee.toDecimalString() + " OPEN each, " + contributors.size() + " contributors");
            ctx.say("  balance changes over the settlement block (OPEN):");
            for (Address a : parties) {
                Amount now = node.balance(a);
                Amount was = before.get(a);
                String delta = now.compareTo(was) >= 0
                        ? "+" + now.sub(was).toDecimalString()
                        : "-" + was.sub(now).toDecimalString();
                ctx.say("    %-22s %s  %s", label(a, developer, payer, contributors), a, delta);
            }
            node.submit(call(
                    node,
                    payer,
                    SystemAddresses.INFERENCE_SETTLEMENT,
                    fee,
                    Abi.encodeCall(
                            "settle(bytes32,uint256,uint64,uint64,address[],uint256[])",
                            List.of(
                                    new AbiValue.FixedBytes(first.bytes()),
                                    AbiValue.Uint.of(modelId),
                                    AbiValue.Uint.of(record.promptTokens().size()),
                                    AbiValue.Uint.of(record.outputTokens().size()),
                                    new AbiValue.DynamicArray(cs),
                                    new AbiValue.DynamicArray(ws))),
                    2_000_000));
            L2Block again = node.seal();
            Amount earned = Amount.fromBytes32(node.call(
                    staker.address(),
                    SystemAddresses.STAKING,
                    Abi.encodeCall("earned(address)", List.of(new AbiValue.AddressValue(staker.address())))));
            Amount escrow = node.ledgerHoldings(again.number());
            ctx.say(
                    "staker %s bonded 100 OPEN and earned %s OPEN of the stakers' share (token Staking on the L2 ledger);"
                            + " OPEN in the ledger %s = its native escrow: %s",
                    staker.address(),
                    earned.toDecimalString(),
                    escrow.toDecimalString(),
                    escrow.equals(node.balanceAt(SystemAddresses.TOKEN_LEDGER, again.number()))
                            ? "matches"
                            : "MISMATCH");
            ctx.say(
                    "settling request %s again: receipt status %s (idempotent per request hash)",
                    first, again.receipts().get(1).success() ? "success (BUG)" : "reverted");
            Amount total = node.totalBalance(node.head().number());
            ctx.say(
                    "sum of all balances and fee vaults after block %d = %s OPEN = genesis supply: %s",
                    node.head().number(),
                    total.toDecimalString(),
                    total.equals(node.genesisSupply()) ? "conserved" : "NOT CONSERVED");
        }
    }

    private static String label(Address a, PrivateKey developer, PrivateKey payer, List<Address> contributors) {
        if (a.equals(developer.address())) {
            return "model developer";
        }
        if (a.equals(payer.address())) {
            return "payer";
        }
        if (a.equals(InferenceSettlement.defaultTreasury())) {
            return "protocol treasury";
        }
        if (a.equals(InferenceSettlement.defaultDust())) {
            return "dust";
        }
        if (a.equals(SystemAddresses.BASE_FEE_VAULT)) {
            return "BaseFeeVault";
        }
        if (a.equals(SystemAddresses.SEQUENCER_FEE_VAULT)) {
            return "SequencerFeeVault";
        }
        if (a.equals(SystemAddresses.L1_FEE_VAULT)) {
            return "L1FeeVault";
        }
        return "contributor " + (contributors.indexOf(a) + 1);
    }

    private static void block(DemoContext ctx, L2Node node, L2Block b, String what) {
        ctx.say(
                "block %d %s: %d txs (L1-info deposit first), gas %d, base fee %s wei, state root %s",
                b.number(),
                b.hash(),
                b.transactions().size(),
                b.header().gasUsed(),
                b.header().baseFeePerGas().orElseThrow().toBigInteger(),
                b.header().stateRoot());
        ctx.say("  %s", what);
    }

    private static Bytes call(L2Node node, PrivateKey from, Address to, Amount value, Bytes data, long gas) {
        Amount tip = Amount.of(1_000_000L);
        return DynamicFeeTransaction.call(
                        node.chainId(),
                        node.pendingNonce(from.address()),
                        tip,
                        node.nextBaseFee().mul(2).add(tip),
                        gas,
                        to,
                        value,
                        data)
                .sign(from)
                .encode();
    }
}
