package io.openledger.datanet;

import io.openledger.core.Amount;
import io.openledger.core.Hash;
import io.openledger.core.contract.DatanetVersionRef;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * One immutable version of a datanet, created by one approval.
 *
 * <p>The root is the {@link io.openledger.core.merkle.MerkleTree} root over the leaves {@link
 * DataRecord#leaf()} of all its records sorted by record id (unsigned byte order), so it depends
 * only on the set of records, never on the order in which they were approved.
 *
 * @param ref datanet, version number (from 1) and Merkle root
 * @param parent the previous version, or 0 for the first
 * @param contribution the approved contribution that created it
 * @param recordCount number of records in the version
 * @param totalBytes UTF-8 bytes of all its records
 * @param addedRecords records this version added
 * @param addedBytes UTF-8 bytes of the added records
 * @param fee the publish fee charged to the owner for this version
 * @param createdAt when it was committed
 */
public record DatanetVersion(
        DatanetVersionRef ref,
        long parent,
        Hash contribution,
        long recordCount,
        long totalBytes,
        long addedRecords,
        long addedBytes,
        Amount fee,
        Instant createdAt) {

    /** The version number. */
    public long number() {
        return ref.version();
    }

    /** The Merkle root. */
    public Hash root() {
        return ref.root();
    }

    /** The parent version, empty for the first. */
    public OptionalLong parentVersion() {
        return parent > 0 ? OptionalLong.of(parent) : OptionalLong.empty();
    }
}
