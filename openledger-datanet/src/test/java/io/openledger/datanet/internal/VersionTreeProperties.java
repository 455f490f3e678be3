package io.openledger.datanet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.Hash;
import io.openledger.core.merkle.MerkleTree;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The incremental version tree against a direct reference computation. */
class VersionTreeProperties {
    /** Random ids whose first two bytes come from a few values, so buckets collide. */
    static Map<Hash, Hash> randomLeaves(Random rnd, int n) {
        Map<Hash, Hash> out = new HashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] id = new byte[32];
            rnd.nextBytes(id);
            int bucket = rnd.nextInt(5) == 0 ? rnd.nextInt(1 << 16) : new int[] {0, 1, 0xffff, 0x8000}[rnd.nextInt(4)];
            id[0] = (byte) (bucket >>> 8);
            id[1] = (byte) bucket;
            byte[] leaf = new byte[32];
            rnd.nextBytes(leaf);
            out.put(Hash.of(id), Hash.of(leaf));
        }
        return out;
    }

    /** The definition, computed the slow way: all 65,536 bucket roots, then level by level. */
    static Hash reference(Map<Hash, Hash> leaves) {
        TreeMap<Hash, Hash> sorted = new TreeMap<>(leaves);
        Map<Integer, List<Hash>> buckets = new HashMap<>();
        sorted.forEach((id, leaf) -> buckets.computeIfAbsent(
                        ((id.bytes().getUnsigned(0)) << 8) | id.bytes().getUnsigned(1), k -> new ArrayList<>())
                .add(leaf));
        Hash[] level = new Hash[1 << 16];
        for (int b = 0; b < level.length; b++) {
            List<Hash> l = buckets.get(b);
            level[b] = l == null
                    ? MerkleTree.EMPTY_ROOT
                    : MerkleTree.fromLeafHashes(l.toArray(Hash[]::new)).root();
        }
        while (level.length > 1) {
            Hash[] up = new Hash[level.length / 2];
            for (int i = 0; i < up.length; i++) {
                up[i] = MerkleTree.nodeHash(level[2 * i], level[2 * i + 1]);
            }
            level = up;
        }
        return level[0];
    }

    @Property(tries = 15)
    void incrementalBulkAndReferenceAgree(@ForAll long seed, @ForAll @IntRange(min = 0, max = 60) int n) {
        Random rnd = new Random(seed);
        Map<Hash, Hash> leaves = randomLeaves(rnd, n);
        VersionTree bulk = VersionTree.of(leaves);
        VersionTree inc = new VersionTree();
        List<Map.Entry<Hash, Hash>> entries = new ArrayList<>(leaves.entrySet());
        Collections.shuffle(entries, rnd);
        // insert some extra records and remove them again on the way
        Map<Hash, Hash> extra = randomLeaves(rnd, n / 3);
        extra.keySet().removeAll(leaves.keySet());
        extra.forEach(inc::put);
        entries.forEach(e -> inc.put(e.getKey(), e.getValue()));
        extra.keySet().forEach(inc::remove);

        Hash ref = reference(leaves);
        assertThat(bulk.root()).isEqualTo(ref);
        assertThat(inc.root()).isEqualTo(ref);
        assertThat(inc.size()).isEqualTo(n);

        Hash other = reference(extra);
        for (Map.Entry<Hash, Hash> e : leaves.entrySet()) {
            VersionTree.Proof p = inc.proof(e.getKey());
            assertThat(p.bucketProof().verifyLeafHash(p.bucketRoot(), e.getValue()))
                    .isTrue();
            assertThat(VersionTree.rootFrom(VersionTree.bucket(e.getKey()), p.bucketRoot(), p.topSiblings()))
                    .isEqualTo(ref);
            if (!extra.isEmpty()) {
                assertThat(VersionTree.rootFrom(VersionTree.bucket(e.getKey()), p.bucketRoot(), p.topSiblings()))
                        .isNotEqualTo(other);
            }
            // placed in another bucket the same path gives another root
            int wrong = VersionTree.bucket(e.getKey()) ^ 1;
            assertThat(VersionTree.rootFrom(wrong, p.bucketRoot(), p.topSiblings()))
                    .isNotEqualTo(ref);
        }
    }

    @Test
    void emptyTreeHasTheEmptyReferenceRoot() {
        assertThat(new VersionTree().root()).isEqualTo(reference(Map.of()));
        assertThat(VersionTree.of(Map.of()).root()).isEqualTo(reference(Map.of()));
    }

    @Test
    void removingEveryRecordGivesTheEmptyRootAgain() {
        // what a prune of every record of a version relies on
        Map<Hash, Hash> leaves = randomLeaves(new Random(7), 40);
        VersionTree t = VersionTree.of(leaves);
        leaves.keySet().forEach(t::remove);
        assertThat(t.size()).isZero();
        assertThat(t.root()).isEqualTo(reference(Map.of()));
    }
}
