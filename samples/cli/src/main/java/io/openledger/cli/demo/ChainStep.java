package io.openledger.cli.demo;

import io.openledger.chain.block.Log;
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
import io.openledger.core.Hash;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.crypto.PrivateKey;
import io.openledger.core.store.InMemoryKeyValueStore;
import java.util.List;
import java.util.Optional;

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
        return "chain: OP Stack deposit, signed EIP-1559 transfer, Merkle Patricia proof";
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
        DynamicFeeTransaction transfer = new DynamicFeeTransaction(
                        10,
                        0,
                        Amount.of(1_000_000L),
                        Amount.of(2_000_000_000L),
                        60_000,
                        Optional.of(Address.fromHex("0x4200000000000000000000000000000000000011")),
                        Amount.of(250_000_000_000_000_000L),
                        anchor,
                        List.of(),
                        Optional.empty())
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
    }
}
