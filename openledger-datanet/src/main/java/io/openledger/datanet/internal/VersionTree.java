package io.openledger.datanet.internal;

import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.merkle.MerkleProof;
import io.openledger.core.merkle.MerkleTree;
import io.openledger.datanet.RecordProof;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The Merkle structure of a version, defined in {@link RecordProof}: records fall into 2^16
 * buckets by the first two bytes of their id; each non-empty bucket is a core {@link MerkleTree}
 * over its leaves in ascending id order; a fixed-depth binary tree over the 2^16 bucket roots
 * (empty buckets are {@link MerkleTree#EMPTY_ROOT}, inner nodes {@link MerkleTree#nodeHash}) gives
 * the version root. The root depends only on the set of (id, contributor) pairs.
 *
 * <p>Adding a record recomputes one bucket and 16 inner nodes, so a commit costs the same at any
 * datanet size. Only non-empty nodes are held. Not thread-safe.
 */
public final class VersionTree {
    /** Depth of the bucket tree. */
    public static final int DEPTH = 16;

    private static final Hash[] EMPTY = new Hash[DEPTH + 1];

    static {
        EMPTY[0] = MerkleTree.EMPTY_ROOT;
        for (int k = 1; k <= DEPTH; k++) {
            EMPTY[k] = MerkleTree.nodeHash(EMPTY[k - 1], EMPTY[k - 1]);
        }
    }

    private final TreeMap<Hash, Hash> leaves = new TreeMap<>();
    private final List<Map<Integer, Hash>> levels = new ArrayList<>();

    /** An empty tree. */
    public VersionTree() {
        for (int k = 0; k <= DEPTH; k++) {
            levels.add(new HashMap<>());
        }
    }

    /** A tree over {@code leafHashes} (record id → leaf hash), built bottom-up in one pass. */
    public static VersionTree of(Map<Hash, Hash> leafHashes) {
        VersionTree t = new VersionTree();
        t.leaves.putAll(leafHashes);
        Map<Integer, List<Hash>> buckets = new TreeMap<>();
        for (Map.Entry<Hash, Hash> e : t.leaves.entrySet()) {
            buckets.computeIfAbsent(bucket(e.getKey()), k -> new ArrayList<>()).add(e.getValue());
        }
        for (Map.Entry<Integer, List<Hash>> b : buckets.entrySet()) {
            t.levels
                    .get(0)
                    .put(
                            b.getKey(),
                            MerkleTree.fromLeafHashes(b.getValue().toArray(Hash[]::new))
                                    .root());
        }
        for (int k = 1; k <= DEPTH; k++) {
            Map<Integer, Hash> below = t.levels.get(k - 1);
            Map<Integer, Hash> here = t.levels.get(k);
            for (int idx : below.keySet()) {
                int parent = idx >>> 1;
                if (!here.containsKey(parent)) {
                    here.put(parent, MerkleTree.nodeHash(t.node(k - 1, parent << 1), t.node(k - 1, (parent << 1) | 1)));
                }
            }
        }
        return t;
    }

    /** The bucket of a record id: its first two bytes, big-endian. */
    public static int bucket(Hash id) {
        Bytes b = id.bytes();
        return (b.getUnsigned(0) << 8) | b.getUnsigned(1);
    }

    /** Whether the record is in the tree. */
    public boolean contains(Hash id) {
        return leaves.containsKey(id);
    }

    /** Number of records. */
    public int size() {
        return leaves.size();
    }

    /** Adds or replaces a record's leaf hash and updates its path. */
    public void put(Hash id, Hash leafHash) {
        leaves.put(id, leafHash);
        refresh(bucket(id));
    }

    /** Removes a record and updates its path. */
    public void remove(Hash id) {
        if (leaves.remove(id) != null) {
            refresh(bucket(id));
        }
    }

    /** The version root. */
    public Hash root() {
        return node(DEPTH, 0);
    }

    /**
     * The inclusion proof of a record.
     *
     * @throws IllegalArgumentException if the record is not in the tree
     */
    public Proof proof(Hash id) {
        if (!leaves.containsKey(id)) {
            throw new IllegalArgumentException("no record " + id);
        }
        int b = bucket(id);
        List<Hash> bucketLeaves = new ArrayList<>();
        int at = -1;
        for (Map.Entry<Hash, Hash> e : bucketRange(b).entrySet()) {
            if (e.getKey().equals(id)) {
                at = bucketLeaves.size();
            }
            bucketLeaves.add(e.getValue());
        }
        MerkleTree tree = MerkleTree.fromLeafHashes(bucketLeaves.toArray(Hash[]::new));
        List<Hash> top = new ArrayList<>(DEPTH);
        for (int k = 0; k < DEPTH; k++) {
            top.add(node(k, (b >>> k) ^ 1));
        }
        return new Proof(tree.root(), tree.proof(at), top);
    }

    /** The parts of a {@link RecordProof} this tree supplies. */
    public record Proof(Hash bucketRoot, MerkleProof bucketProof, List<Hash> topSiblings) {}

    /** The root that {@code bucketRoot} at {@code bucket} hashes up to with these siblings. */
    public static Hash rootFrom(int bucket, Hash bucketRoot, List<Hash> topSiblings) {
        Hash h = bucketRoot;
        for (int k = 0; k < DEPTH; k++) {
            Hash s = topSiblings.get(k);
            h = ((bucket >>> k) & 1) == 0 ? MerkleTree.nodeHash(h, s) : MerkleTree.nodeHash(s, h);
        }
        return h;
    }

    private NavigableMap<Hash, Hash> bucketRange(int b) {
        Hash lo = Hash.of(bucketStart(b));
        if (b == (1 << DEPTH) - 1) {
            return leaves.tailMap(lo, true);
        }
        return leaves.subMap(lo, true, Hash.of(bucketStart(b + 1)), false);
    }

    private static byte[] bucketStart(int b) {
        byte[] raw = new byte[Hash.SIZE];
        raw[0] = (byte) (b >>> 8);
        raw[1] = (byte) b;
        return raw;
    }

    private Hash node(int level, int idx) {
        Hash h = levels.get(level).get(idx);
        return h != null ? h : EMPTY[level];
    }

    private void refresh(int b) {
        NavigableMap<Hash, Hash> range = bucketRange(b);
        if (range.isEmpty()) {
            levels.get(0).remove(b);
        } else {
            levels.get(0)
                    .put(
                            b,
                            MerkleTree.fromLeafHashes(range.values().toArray(Hash[]::new))
                                    .root());
        }
        int idx = b;
        for (int k = 1; k <= DEPTH; k++) {
            idx >>>= 1;
            Hash left = node(k - 1, idx << 1);
            Hash right = node(k - 1, (idx << 1) | 1);
            if (left.equals(EMPTY[k - 1]) && right.equals(EMPTY[k - 1])) {
                levels.get(k).remove(idx);
            } else {
                levels.get(k).put(idx, MerkleTree.nodeHash(left, right));
            }
        }
    }
}
