package io.openledger.datanet;

import io.openledger.core.ContributorId;
import io.openledger.core.Hash;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.merkle.MerkleProof;

/**
 * Proof that a record, owned by a contributor, is in a datanet version. Verifying it needs only the
 * version's Merkle root (for example the anchored one) and, to check the text, the text itself.
 * Immutable.
 *
 * @param version the version and the root the proof was made against
 * @param record the record id (keccak256 of its text)
 * @param contributor the record's contributor
 * @param proof the Merkle path of the leaf {@code record ‖ contributor}
 */
public record RecordProof(DatanetVersionRef version, Hash record, ContributorId contributor, MerkleProof proof) {
    /** True if the leaf {@code record ‖ contributor} hashes up to {@code root} along the path. */
    public boolean verify(Hash root) {
        return proof.verify(root, DataRecord.leaf(record, contributor));
    }

    /** Like {@link #verify(Hash)}, and also checks that {@code text} is the record's content. */
    public boolean verify(Hash root, String text) {
        return DataRecord.idOf(text).equals(record) && verify(root);
    }
}
