package io.openledger.core.merkle;

import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import java.util.ArrayList;
import java.util.List;

/**
 * A binary Merkle tree over byte leaves, with Keccak-256 and domain separation: a leaf hashes as
 * keccak256(0x00 ‖ data) and an inner node as keccak256(0x01 ‖ left ‖ right), so an inner node can
 * never be presented as a leaf (the second-preimage attack on plain Merkle trees).
 *
 * <p>When a level has an odd number of nodes the last one is promoted to the next level unchanged
 * (it is not paired with a copy of itself, which would let two different leaf lists share a root,
 * as in CVE-2012-2459). The root of zero leaves is {@link #EMPTY_ROOT}.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class MerkleTree {
    /** The root of the tree with no leaves: keccak256 of the empty string. */
    public static final Hash EMPTY_ROOT = Hashing.keccak256(Bytes.EMPTY);

    static final byte LEAF_PREFIX = 0x00;
    static final byte NODE_PREFIX = 0x01;

    private final List<Hash[]> levels;

    private MerkleTree(List<Hash[]> levels) {
        this.levels = levels;
    }

    /** Builds the tree over {@code leaves}, in the order given. */
    public static MerkleTree of(List<Bytes> leaves) {
        Hash[] level = new Hash[leaves.size()];
        for (int i = 0; i < level.length; i++) {
            level[i] = leafHash(leaves.get(i));
        }
        return fromLeafHashes(level);
    }

    /** Builds the tree over leaves already hashed with {@link #leafHash}. */
    public static MerkleTree fromLeafHashes(Hash[] leafHashes) {
        List<Hash[]> levels = new ArrayList<>();
        Hash[] level = leafHashes.clone();
        levels.add(level);
        while (level.length > 1) {
            Hash[] up = new Hash[(level.length + 1) / 2];
            for (int i = 0; i < up.length; i++) {
                int l = 2 * i;
                up[i] = l + 1 < level.length ? nodeHash(level[l], level[l + 1]) : level[l];
            }
            levels.add(up);
            level = up;
        }
        return new MerkleTree(levels);
    }

    /** keccak256(0x00 ‖ data). */
    public static Hash leafHash(Bytes data) {
        return Hashing.keccak256(Bytes.of(LEAF_PREFIX), data);
    }

    /** keccak256(0x01 ‖ left ‖ right). */
    public static Hash nodeHash(Hash left, Hash right) {
        return Hashing.keccak256(Bytes.of(NODE_PREFIX), left.bytes(), right.bytes());
    }

    /** Number of leaves. */
    public int leafCount() {
        return levels.get(0).length;
    }

    /** The root hash. */
    public Hash root() {
        Hash[] top = levels.get(levels.size() - 1);
        return top.length == 0 ? EMPTY_ROOT : top[0];
    }

    /**
     * The inclusion proof of the leaf at {@code index}.
     *
     * @throws IndexOutOfBoundsException if there is no such leaf
     */
    public MerkleProof proof(int index) {
        int n = leafCount();
        if (index < 0 || index >= n) {
            throw new IndexOutOfBoundsException("leaf " + index + " of " + n);
        }
        List<Hash> siblings = new ArrayList<>();
        int at = index;
        for (int lvl = 0; lvl < levels.size() - 1; lvl++) {
            Hash[] level = levels.get(lvl);
            int sibling = at ^ 1;
            if (sibling < level.length) {
                siblings.add(level[sibling]);
            }
            at >>= 1;
        }
        return new MerkleProof(index, n, siblings);
    }
}
