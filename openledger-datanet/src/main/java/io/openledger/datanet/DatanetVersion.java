package io.openledger.datanet;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Hash;
import io.openledger.core.contract.DatanetVersionRef;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One immutable version of a datanet, created either by approving a contribution (which adds
 * records) or by pruning records (which removes them); {@link #origin()} says which.
 *
 * <p>The root is the {@link io.openledger.core.merkle.MerkleTree} root over the leaves {@link
 * DataRecord#leaf()} of all its records sorted by record id (unsigned byte order), so it depends
 * only on the set of records, never on the order in which they were approved. A version with no
 * records (every record pruned) has the root of the empty tree.
 *
 * @param ref datanet, version number (from 1) and Merkle root
 * @param parent the previous version, or 0 for the first
 * @param origin what created it: an {@link Approval} or a {@link Prune}
 * @param recordCount number of records in the version
 * @param totalBytes UTF-8 bytes of all its records
 * @param addedRecords records this version added (0 for a prune)
 * @param addedBytes UTF-8 bytes of the added records
 * @param removedRecords records this version removed (0 for an approval)
 * @param removedBytes UTF-8 bytes of the removed records
 * @param fee the publish fee charged to the owner for this version; zero for a prune, which
 *     publishes nothing
 * @param createdAt when it was committed
 */
public record DatanetVersion(
        DatanetVersionRef ref,
        long parent,
        Origin origin,
        long recordCount,
        long totalBytes,
        long addedRecords,
        long addedBytes,
        long removedRecords,
        long removedBytes,
        Amount fee,
        Instant createdAt) {

    /**
     * @throws IllegalArgumentException if a count or byte total is negative, or the parent is not
     *     the version before this one
     */
    public DatanetVersion {
        if (recordCount < 0
                || totalBytes < 0
                || addedRecords < 0
                || addedBytes < 0
                || removedRecords < 0
                || removedBytes < 0) {
            throw new IllegalArgumentException("record counts and byte totals must be >= 0, got records "
                    + recordCount + ", bytes " + totalBytes + ", added " + addedRecords + "/" + addedBytes
                    + ", removed " + removedRecords + "/" + removedBytes);
        }
        if (parent != ref.version() - 1) {
            throw new IllegalArgumentException(
                    "parent of version " + ref.version() + " must be " + (ref.version() - 1) + ", got " + parent);
        }
    }

    /** What created a version. */
    public sealed interface Origin permits Approval, Prune {}

    /**
     * The version was created by approving a contribution; it added that contribution's records that
     * were not in its parent.
     *
     * @param contribution the approved contribution
     */
    public record Approval(Hash contribution) implements Origin {}

    /**
     * The version was created by pruning records of its parent.
     *
     * @param remover the owner or curator who pruned them
     * @param reason why, as given by the remover; not blank
     */
    public record Prune(Address remover, String reason) implements Origin {
        /**
         * @throws IllegalArgumentException if the reason is blank
         */
        public Prune {
            if (reason.isBlank()) {
                throw new IllegalArgumentException("a prune needs a reason");
            }
        }
    }

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

    /** The approved contribution that created this version; empty for a prune. */
    public Optional<Hash> contribution() {
        return origin instanceof Approval a ? Optional.of(a.contribution()) : Optional.empty();
    }

    /** The prune that created this version; empty for an approval. */
    public Optional<Prune> prune() {
        return origin instanceof Prune p ? Optional.of(p) : Optional.empty();
    }
}
