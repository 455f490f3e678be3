package io.openledger.datanet;

import io.openledger.core.ContributorId;
import io.openledger.core.Hash;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.merkle.MerkleProof;
import io.openledger.core.merkle.MerkleTree;
import io.openledger.datanet.internal.VersionTree;
import java.util.List;

/**
 * Proof that a record, owned by a contributor, is in a datanet version. Verifying it needs only the
 * version's root (for example the anchored one) and, to check the text, the text itself. Immutable.
 *
 * <p><b>How a version root is defined.</b> Each record has the leaf {@code id ‖ contributor} (32 +
 * 20 bytes; {@link DataRecord#leaf()}). Records fall into 2^16 buckets by the first two bytes of
 * their id. A non-empty bucket's root is the core {@link MerkleTree} root over its leaves in
 * ascending id order; an empty bucket's is {@link MerkleTree#EMPTY_ROOT}. The version root is the
 * root of the complete binary tree of depth 16 over the 65,536 bucket roots, inner nodes {@link
 * MerkleTree#nodeHash}. The root is a function of the record set alone (canonical order), and
 * adding a record changes one bucket and one path of 16 nodes, so committing a version costs the
 * same whatever the datanet's size.
 *
 * @param version the version and the root the proof was made against
 * @param record the record id (keccak256 of its text)
 * @param contributor the record's contributor
 * @param bucketRoot the root of the record's bucket
 * @param bucketProof the path of the leaf inside its bucket
 * @param topSiblings the 16 sibling hashes from the bucket up to the version root, lowest first
 */
public record RecordProof(
        DatanetVersionRef version,
        Hash record,
        ContributorId contributor,
        Hash bucketRoot,
        MerkleProof bucketProof,
        List<Hash> topSiblings) {

    /** Copies the list. */
    public RecordProof {
        topSiblings = List.copyOf(topSiblings);
    }

    /** True if the leaf {@code record ‖ contributor} hashes up to {@code root} along the path. */
    public boolean verify(Hash root) {
        return topSiblings.size() == VersionTree.DEPTH
                && bucketProof.verify(bucketRoot, DataRecord.leaf(record, contributor))
                && VersionTree.rootFrom(VersionTree.bucket(record), bucketRoot, topSiblings)
                        .equals(root);
    }

    /** Like {@link #verify(Hash)}, and also checks that {@code text} is the record's content. */
    public boolean verify(Hash root, String text) {
        return DataRecord.idOf(text).equals(record) && verify(root);
    }
}
