package io.openledger.chain.node;

import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.tx.Transaction;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Hash;
import java.util.List;

/**
 * A sealed L2 block: the header and, in order, the transactions (the L1-info deposit first), their
 * receipts, senders and L1 data fees. This is also the form a batcher consumes. Immutable.
 *
 * @param header the header (its hash is the block hash)
 * @param transactions the transactions
 * @param receipts one receipt per transaction
 * @param senders one sender per transaction
 * @param l1Fees one L1 data fee per transaction (zero for deposits)
 */
public record L2Block(
        BlockHeader header,
        List<Transaction> transactions,
        List<Receipt> receipts,
        List<Address> senders,
        List<Amount> l1Fees) {
    /** Copies the lists and checks that they have one entry per transaction. */
    public L2Block {
        transactions = List.copyOf(transactions);
        receipts = List.copyOf(receipts);
        senders = List.copyOf(senders);
        l1Fees = List.copyOf(l1Fees);
        int n = transactions.size();
        if (receipts.size() != n || senders.size() != n || l1Fees.size() != n) {
            throw new IllegalArgumentException(
                    "receipts, senders and l1Fees need one entry per transaction (" + n + ")");
        }
    }

    /** The block hash. */
    public Hash hash() {
        return header.hash();
    }

    /** The block number. */
    public long number() {
        return header.number();
    }

    /** Gas used by transaction {@code i}. */
    public long gasUsed(int i) {
        long prev = i == 0 ? 0 : receipts.get(i - 1).cumulativeGasUsed();
        return receipts.get(i).cumulativeGasUsed() - prev;
    }
}
