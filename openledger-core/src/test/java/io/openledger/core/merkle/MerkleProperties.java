package io.openledger.core.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MerkleProperties {
    @Provide
    Arbitrary<List<Bytes>> distinctLeaves() {
        return Arbitraries.bytes()
                .array(byte[].class)
                .ofMaxSize(12)
                .map(Bytes::of)
                .set()
                .ofMinSize(1)
                .ofMaxSize(70)
                .map(s -> new ArrayList<>(new LinkedHashSet<>(s)));
    }

    @Property(tries = 300)
    void everyLeafProves(@ForAll("distinctLeaves") List<Bytes> leaves) {
        MerkleTree t = MerkleTree.of(leaves);
        for (int i = 0; i < leaves.size(); i++) {
            assertThat(t.proof(i).verify(t.root(), leaves.get(i)))
                    .as("leaf %d of %d", i, leaves.size())
                    .isTrue();
        }
    }

    @Property(tries = 300)
    void alteredLeafSiblingOrIndexFails(
            @ForAll("distinctLeaves") List<Bytes> leaves, @ForAll @IntRange(min = 0, max = 1000) int pick) {
        MerkleTree t = MerkleTree.of(leaves);
        int i = pick % leaves.size();
        MerkleProof p = t.proof(i);
        Hash root = t.root();

        Bytes leaf = leaves.get(i);
        Bytes altered = leaf.isEmpty() ? Bytes.of((byte) 0) : flip(leaf, pick % leaf.size());
        assertThat(p.verify(root, altered)).isFalse();

        for (int s = 0; s < p.siblings().size(); s++) {
            List<Hash> sib = new ArrayList<>(p.siblings());
            sib.set(s, Hash.of(flip(sib.get(s).bytes(), pick % 32)));
            assertThat(new MerkleProof(i, p.leafCount(), sib).verify(root, leaf))
                    .isFalse();
        }
        for (int j = 0; j < leaves.size() + 2; j++) {
            if (j != i) {
                assertThat(new MerkleProof(j, p.leafCount(), p.siblings()).verify(root, leaf))
                        .as("index %d instead of %d", j, i)
                        .isFalse();
            }
        }
        if (!p.siblings().isEmpty()) {
            List<Hash> shorter = p.siblings().subList(0, p.siblings().size() - 1);
            assertThat(new MerkleProof(i, p.leafCount(), shorter).verify(root, leaf))
                    .isFalse();
        }
        List<Hash> longer = new ArrayList<>(p.siblings());
        longer.add(Hash.ZERO);
        assertThat(new MerkleProof(i, p.leafCount(), longer).verify(root, leaf)).isFalse();
    }

    @Property(tries = 200)
    void rootDependsOnOrderAndContent(@ForAll("distinctLeaves") List<Bytes> leaves) {
        Set<Hash> roots = new LinkedHashSet<>();
        roots.add(MerkleTree.of(leaves).root());
        if (leaves.size() > 1) {
            List<Bytes> swapped = new ArrayList<>(leaves);
            java.util.Collections.swap(swapped, 0, swapped.size() - 1);
            roots.add(MerkleTree.of(swapped).root());
            assertThat(roots).hasSize(2);
            // dropping the last leaf (the CVE-2012-2459 shape) changes the root
            assertThat(MerkleTree.of(leaves.subList(0, leaves.size() - 1)).root())
                    .isNotEqualTo(MerkleTree.of(leaves).root());
        }
    }

    @Test
    void nodeCannotPassAsLeaf() {
        List<Bytes> leaves = List.of(Bytes.utf8("a"), Bytes.utf8("b"), Bytes.utf8("c"), Bytes.utf8("d"));
        MerkleTree t = MerkleTree.of(leaves);
        Hash left = MerkleTree.nodeHash(MerkleTree.leafHash(leaves.get(0)), MerkleTree.leafHash(leaves.get(1)));
        Hash right = MerkleTree.nodeHash(MerkleTree.leafHash(leaves.get(2)), MerkleTree.leafHash(leaves.get(3)));
        // Present the concatenation of the two children of the root as a "leaf" of a 2-leaf tree.
        Bytes fake = Bytes.concat(left.bytes(), right.bytes());
        assertThat(new MerkleProof(0, 1, List.of()).verify(t.root(), fake)).isFalse();
        assertThat(new MerkleProof(0, 2, List.of(right)).verify(t.root(), left.bytes()))
                .isFalse();
        assertThat(MerkleTree.of(List.of()).root()).isEqualTo(MerkleTree.EMPTY_ROOT);
    }

    private static Bytes flip(Bytes b, int at) {
        byte[] a = b.toArray();
        a[at] ^= 1;
        return Bytes.wrap(a);
    }
}
