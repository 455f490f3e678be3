package io.openledger.chain.block;

import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.trie.MerklePatriciaTrie;
import io.openledger.chain.tx.Transaction;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.util.List;

/**
 * The roots a block header commits to for its ordered lists: a trie mapping {@code rlp(index)} to
 * each item's consensus encoding. Stateless and thread-safe.
 */
public final class ListRoots {
    private ListRoots() {}

    /** The root of a trie holding {@code rlp(i) -> encoded.get(i)}. */
    public static Hash of(List<Bytes> encoded) {
        MerklePatriciaTrie trie = MerklePatriciaTrie.inMemory();
        for (int i = 0; i < encoded.size(); i++) {
            trie.put(Rlp.encodeLong(i), encoded.get(i));
        }
        return trie.rootHash();
    }

    /** The header's {@code transactionsRoot}. */
    public static Hash transactionsRoot(List<? extends Transaction> txs) {
        return of(txs.stream().map(Transaction::encode).toList());
    }

    /** The header's {@code receiptsRoot}. */
    public static Hash receiptsRoot(List<Receipt> receipts) {
        return of(receipts.stream().map(Receipt::encode).toList());
    }

    /** The header's {@code withdrawalsRoot} (EIP-4895). */
    public static Hash withdrawalsRoot(List<Withdrawal> withdrawals) {
        return of(withdrawals.stream().map(Withdrawal::encode).toList());
    }
}
