package io.openledger.cli.demo;

import io.openledger.core.Bytes;
import io.openledger.core.crypto.PrivateKey;
import io.openledger.core.crypto.Signature;
import io.openledger.core.merkle.MerkleProof;
import io.openledger.core.merkle.MerkleTree;
import io.openledger.core.store.KeyValueIterator;
import io.openledger.core.store.RocksDbKeyValueStore;
import io.openledger.core.store.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The core: keys and signatures, a Merkle inclusion proof, and a durable store reopened. */
public final class CoreStep implements DemoStep {
    @Override
    public String title() {
        return "core: keys, signatures, Merkle proofs, a durable store";
    }

    @Override
    public void run(DemoContext ctx) {
        PrivateKey alice = PrivateKey.random();
        ctx.say("new secp256k1 key for contributor alice: address %s", alice.address());
        Bytes message = Bytes.utf8("I contribute records 0-3 to datanet demo-qa");
        Signature sig = alice.signPersonalMessage(message);
        ctx.say("EIP-191 signature: %s…", sig.toBytes().toHex().substring(0, 26));
        ctx.say(
                "recovered signer: %s (%s)",
                sig.recoverPersonalMessageSigner(message).orElseThrow(),
                sig.recoverPersonalMessageSigner(message).orElseThrow().equals(alice.address())
                        ? "matches"
                        : "MISMATCH");

        List<Bytes> records = new ArrayList<>();
        for (String r : List.of(
                "Q: what is a datanet? A: a community dataset",
                "Q: what is LoRA? A: low-rank adaptation",
                "Q: who is paid? A: the contributors whose data shaped the answer",
                "Q: what anchors a version? A: its Merkle root")) {
            records.add(Bytes.utf8(r));
        }
        MerkleTree tree = MerkleTree.of(records);
        MerkleProof proof = tree.proof(2);
        ctx.say("Merkle root over %d records: %s", records.size(), tree.root());
        ctx.say(
                "proof for record 2 (%d siblings) verifies: %s; with one byte changed: %s",
                proof.siblings().size(),
                proof.verify(tree.root(), records.get(2)),
                proof.verify(tree.root(), Bytes.utf8("Q: who is paid? A: nobody")));

        Path dir = ctx.workDir().resolve("core-store");
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir)) {
            WriteBatch batch = new WriteBatch();
            for (int i = 0; i < records.size(); i++) {
                batch.put(Bytes.utf8("record/" + i), records.get(i));
            }
            store.write(batch);
            ctx.say("wrote %d records in one synced batch to RocksDB at %s", records.size(), dir);
        }
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir);
                KeyValueIterator it = store.scan(Bytes.utf8("record/"))) {
            int n = 0;
            while (it.hasNext()) {
                var kv = it.next();
                if (n++ == 0) {
                    ctx.say(
                            "reopened: first entry %s = \"%s\"",
                            new String(kv.key().toArray(), StandardCharsets.UTF_8),
                            new String(kv.value().toArray(), StandardCharsets.UTF_8));
                }
            }
            ctx.say(
                    "reopened store holds %d records, root recomputed from them: %s",
                    n, MerkleTree.of(records).root().equals(tree.root()) ? "same" : "DIFFERENT");
        }
    }
}
