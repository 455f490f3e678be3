package io.openledger.chain.internal.node;

import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.node.L2Block;
import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.rlp.RlpItem;
import io.openledger.chain.rlp.RlpList;
import io.openledger.chain.rlp.RlpString;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.Transactions;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.store.KeyValueReader;
import io.openledger.core.store.WriteBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Block storage keys: {@code chain/block/<u64>} = rlp([header, [tx], [receipt], [sender], [l1Fee]]),
 * {@code chain/hash/<hash>} = u64 number, {@code chain/tx/<hash>} = rlp([number, index]) and {@code
 * chain/head} = u64 number. A block's keys and the head move in the same write batch as its state
 * nodes. Stateless.
 */
final class ChainStore {
    static final Bytes HEAD = Bytes.utf8("chain/head");

    private ChainStore() {}

    static Bytes u64(long v) {
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(v).array());
    }

    static Bytes blockKey(long n) {
        return Bytes.utf8("chain/block/").append(u64(n));
    }

    static Bytes hashKey(Hash h) {
        return Bytes.utf8("chain/hash/").append(h.bytes());
    }

    static Bytes txKey(Hash h) {
        return Bytes.utf8("chain/tx/").append(h.bytes());
    }

    static void put(WriteBatch b, L2Block block, List<Bytes> encodedTxs) {
        List<Bytes> txs = new ArrayList<>();
        List<Bytes> receipts = new ArrayList<>();
        List<Bytes> senders = new ArrayList<>();
        List<Bytes> fees = new ArrayList<>();
        for (int i = 0; i < block.transactions().size(); i++) {
            Bytes enc = encodedTxs.get(i);
            txs.add(Rlp.encodeBytes(enc));
            receipts.add(Rlp.encodeBytes(block.receipts().get(i).encode()));
            senders.add(Rlp.encodeBytes(block.senders().get(i).bytes()));
            fees.add(Rlp.encode(RlpString.ofAmount(block.l1Fees().get(i))));
            b.put(
                    txKey(io.openledger.core.crypto.Hashing.keccak256(enc)),
                    Rlp.encodeList(Rlp.encodeLong(block.number()), Rlp.encodeLong(i)));
        }
        Bytes body = Rlp.encodeList(
                Rlp.encodeBytes(block.header().encode()),
                Rlp.encodeList(txs),
                Rlp.encodeList(receipts),
                Rlp.encodeList(senders),
                Rlp.encodeList(fees));
        b.put(blockKey(block.number()), body);
        b.put(hashKey(block.hash()), u64(block.number()));
        b.put(HEAD, u64(block.number()));
    }

    static Optional<Long> head(KeyValueReader r) {
        return r.get(HEAD).map(v -> ByteBuffer.wrap(v.toArray()).getLong());
    }

    static Optional<L2Block> block(KeyValueReader r, long n) {
        return r.get(blockKey(n)).map(ChainStore::decode);
    }

    static Optional<Long> numberOf(KeyValueReader r, Hash h) {
        return r.get(hashKey(h)).map(v -> ByteBuffer.wrap(v.toArray()).getLong());
    }

    /** (block number, index) of a sealed transaction. */
    static Optional<long[]> locate(KeyValueReader r, Hash tx) {
        return r.get(txKey(tx)).map(v -> {
            RlpList l = (RlpList) Rlp.decode(v);
            return new long[] {((RlpString) l.get(0)).asLong("number"), ((RlpString) l.get(1)).asLong("index")};
        });
    }

    private static L2Block decode(Bytes body) {
        RlpList l = ((RlpList) Rlp.decode(body)).requireSize("block", 5);
        BlockHeader header = BlockHeader.decode(((RlpString) l.get(0)).bytes());
        List<Transaction> txs = new ArrayList<>();
        for (RlpItem i : ((RlpList) l.get(1)).items()) {
            txs.add(Transactions.decode(((RlpString) i).bytes()));
        }
        List<Receipt> receipts = new ArrayList<>();
        for (RlpItem i : ((RlpList) l.get(2)).items()) {
            receipts.add(Receipt.decode(((RlpString) i).bytes()));
        }
        List<Address> senders = new ArrayList<>();
        for (RlpItem i : ((RlpList) l.get(3)).items()) {
            senders.add(((RlpString) i).asAddress("sender"));
        }
        List<Amount> fees = new ArrayList<>();
        for (RlpItem i : ((RlpList) l.get(4)).items()) {
            fees.add(((RlpString) i).asAmount("l1Fee"));
        }
        return new L2Block(header, txs, receipts, senders, fees);
    }
}
