package io.openledger.chain.op;

import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;

/**
 * Deposit source hashes (specs {@code protocol/deposits.md} §Source hash computation): {@code
 * keccak256(bytes32(domain) ++ keccak256(payload))}. Stateless and thread-safe.
 */
public final class SourceHash {
    /** Domain of user deposits (from {@code TransactionDeposited} logs). */
    public static final int USER_DEPOSIT = 0;

    /** Domain of L1 attributes deposits. */
    public static final int L1_INFO_DEPOSIT = 1;

    /** Domain of network-upgrade deposits. */
    public static final int UPGRADE_DEPOSIT = 2;

    private SourceHash() {}

    /**
     * A user deposit's source hash.
     *
     * @param l1BlockHash hash of the L1 block holding the log
     * @param logIndex the log's index within the whole L1 block (not within its transaction)
     */
    public static Hash userDeposit(Hash l1BlockHash, long logIndex) {
        return of(USER_DEPOSIT, Hashing.keccak256(l1BlockHash.bytes(), word(logIndex)));
    }

    /**
     * An L1-info deposit's source hash.
     *
     * @param l1BlockHash hash of the L1 origin block
     * @param sequenceNumber L2 block number minus the first L2 block number of the epoch
     */
    public static Hash l1InfoDeposit(Hash l1BlockHash, long sequenceNumber) {
        return of(L1_INFO_DEPOSIT, Hashing.keccak256(l1BlockHash.bytes(), word(sequenceNumber)));
    }

    /** An upgrade deposit's source hash from its intent text, e.g. {@code "Ecotone: L1 Block Proxy Update"}. */
    public static Hash upgradeDeposit(String intent) {
        return of(UPGRADE_DEPOSIT, Hashing.keccak256(Bytes.utf8(intent)));
    }

    private static Hash of(int domain, Hash payloadHash) {
        return Hashing.keccak256(word(domain), payloadHash.bytes());
    }

    /** {@code bytes32(uint256(v))} with {@code v} read as unsigned. */
    static Bytes word(long v) {
        byte[] w = new byte[32];
        for (int i = 0; i < 8; i++) {
            w[31 - i] = (byte) (v >>> (8 * i));
        }
        return Bytes.wrap(w);
    }
}
