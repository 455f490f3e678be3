package io.openledger.core.merkle;

import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.util.List;

/**
 * Proof that a leaf sits at {@code leafIndex} of a {@link MerkleTree} with {@code leafCount}
 * leaves: the sibling hashes from the leaf up to the root. Verification needs only the root.
 *
 * @param leafIndex position of the leaf, from 0
 * @param leafCount number of leaves in the tree
 * @param siblings sibling hashes, leaf level first; promoted levels contribute none
 */
public record MerkleProof(int leafIndex, int leafCount, List<Hash> siblings) {
    /** Copies {@code siblings}. */
    public MerkleProof {
        siblings = List.copyOf(siblings);
    }

    /** True if {@code leaf} at this proof's position hashes up to {@code root}. */
    public boolean verify(Hash root, Bytes leaf) {
        return verifyLeafHash(root, MerkleTree.leafHash(leaf));
    }

    /** Like {@link #verify} for a leaf already hashed with {@link MerkleTree#leafHash}. */
    public boolean verifyLeafHash(Hash root, Hash leafHash) {
        if (leafCount <= 0 || leafIndex < 0 || leafIndex >= leafCount) {
            return false;
        }
        Hash h = leafHash;
        int at = leafIndex;
        int width = leafCount;
        int used = 0;
        while (width > 1) {
            boolean promoted = (at ^ 1) >= width;
            if (!promoted) {
                if (used >= siblings.size()) {
                    return false;
                }
                Hash s = siblings.get(used++);
                h = (at & 1) == 0 ? MerkleTree.nodeHash(h, s) : MerkleTree.nodeHash(s, h);
            }
            at >>= 1;
            width = (width + 1) / 2;
        }
        return used == siblings.size() && h.equals(root);
    }
}
