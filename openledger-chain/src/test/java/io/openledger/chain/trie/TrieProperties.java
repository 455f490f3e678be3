package io.openledger.chain.trie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Trie invariants against a sorted-map reference model. */
class TrieProperties {
    @Property(tries = 150)
    void rootIsIndependentOfInsertionOrder(@ForAll("contents") Map<Bytes, Bytes> content, @ForAll long seed) {
        List<Map.Entry<Bytes, Bytes>> entries = new ArrayList<>(content.entrySet());
        MerklePatriciaTrie a = MerklePatriciaTrie.inMemory();
        entries.forEach(e -> a.put(e.getKey(), e.getValue()));
        Collections.shuffle(entries, new Random(seed));
        MerklePatriciaTrie b = MerklePatriciaTrie.inMemory();
        entries.forEach(e -> b.put(e.getKey(), e.getValue()));
        assertThat(b.rootHash()).isEqualTo(a.rootHash());
        for (Map.Entry<Bytes, Bytes> e : content.entrySet()) {
            assertThat(b.get(e.getKey())).contains(e.getValue());
        }
    }

    @Property(tries = 150)
    void insertThenDeleteExtraKeysRestoresTheRoot(
            @ForAll("contents") Map<Bytes, Bytes> content, @ForAll("contents") Map<Bytes, Bytes> extra) {
        MerklePatriciaTrie t = MerklePatriciaTrie.inMemory();
        content.forEach(t::put);
        Hash before = t.rootHash();
        Map<Bytes, Bytes> model = new TreeMap<>(content);
        for (Map.Entry<Bytes, Bytes> e : extra.entrySet()) {
            if (!content.containsKey(e.getKey())) {
                t.put(e.getKey(), e.getValue());
                model.put(e.getKey(), e.getValue());
            }
        }
        List<Bytes> inOrder = new ArrayList<>();
        t.forEach((k, v) -> inOrder.add(k) || true);
        assertThat(inOrder).containsExactlyElementsOf(model.keySet());
        for (Bytes k : extra.keySet()) {
            if (!content.containsKey(k)) {
                t.delete(k);
                assertThat(t.get(k)).isEmpty();
            }
        }
        assertThat(t.rootHash()).isEqualTo(before);
    }

    @Property(tries = 100)
    void everyProofVerifiesAndEveryFlippedByteFails(
            @ForAll("contents") Map<Bytes, Bytes> content, @ForAll("keys") Bytes absentKey, @ForAll boolean secure) {
        MerklePatriciaTrie t = MerklePatriciaTrie.builder().secure(secure).build();
        content.forEach(t::put);
        Hash root = t.rootHash();
        for (Map.Entry<Bytes, Bytes> e : content.entrySet()) {
            TrieProof p = t.prove(e.getKey());
            assertThat(verify(p, root, e.getKey(), secure)).contains(e.getValue());
            assertFlipsFail(p, root, e.getKey(), secure, Optional.of(e.getValue()));
        }
        if (!content.containsKey(absentKey)) {
            TrieProof p = t.prove(absentKey);
            assertThat(verify(p, root, absentKey, secure)).isEmpty();
            assertFlipsFail(p, root, absentKey, secure, Optional.empty());
        }
    }

    @Property(tries = 200)
    void nextAndPreviousKeysAreTheSortedNeighbours(
            @ForAll("contents") Map<Bytes, Bytes> content, @ForAll("keys") Bytes probe, @ForAll boolean secure) {
        MerklePatriciaTrie t = MerklePatriciaTrie.builder().secure(secure).build();
        content.forEach(t::put);
        // the trie's keys (hashes for a secure trie) in order, as the reference
        TreeMap<Bytes, Bytes> model = new TreeMap<>();
        content.forEach((k, v) -> model.put(secure ? Hashing.keccak256(k).bytes() : k, v));
        Bytes p = secure ? Hashing.keccak256(probe).bytes() : probe;
        assertThat(t.nextKey(probe)).isEqualTo(Optional.ofNullable(model.higherKey(p)));
        assertThat(t.previousKey(probe)).isEqualTo(Optional.ofNullable(model.lowerKey(p)));
        if (!secure) {
            // from every stored key: its neighbours, which walks through every branch value
            for (Bytes k : model.keySet()) {
                assertThat(t.nextKey(k)).as("next of %s", k).isEqualTo(Optional.ofNullable(model.higherKey(k)));
                assertThat(t.previousKey(k)).as("previous of %s", k).isEqualTo(Optional.ofNullable(model.lowerKey(k)));
            }
        }
    }

    @Property(tries = 60)
    void storeBackedTrieCommitsOnlyChangedNodesAndReopens(
            @ForAll("contents") Map<Bytes, Bytes> content, @ForAll("keys") Bytes newKey) {
        try (var store = new io.openledger.core.store.InMemoryKeyValueStore()) {
            MerklePatriciaTrie t =
                    MerklePatriciaTrie.builder().store(store).nodeCacheSize(8).build();
            content.forEach(t::put);
            Hash root = t.commit();
            long written = count(store);
            assertThat(t.pendingNodeCount()).isZero();
            assertThat(t.commit()).isEqualTo(root);
            assertThat(count(store)).isEqualTo(written);

            MerklePatriciaTrie reopened =
                    MerklePatriciaTrie.builder().store(store).root(root).build();
            for (Map.Entry<Bytes, Bytes> e : content.entrySet()) {
                assertThat(reopened.get(e.getKey())).contains(e.getValue());
            }
            reopened.put(newKey, Bytes.utf8("new value"));
            int pending = reopened.pendingNodeCount();
            // one changed path: at most one new node per nibble of the key, plus the root
            assertThat(pending).isLessThanOrEqualTo(2 * newKey.size() + 2);
            Hash root2 = reopened.commit();
            assertThat(count(store) - written).isLessThanOrEqualTo(pending);

            MerklePatriciaTrie expected = MerklePatriciaTrie.inMemory();
            content.forEach(expected::put);
            expected.put(newKey, Bytes.utf8("new value"));
            assertThat(root2).isEqualTo(expected.rootHash());
            // the old root stays readable
            MerklePatriciaTrie old =
                    MerklePatriciaTrie.builder().store(store).root(root).build();
            assertThat(old.rootHash()).isEqualTo(root);
            content.forEach((k, v) -> assertThat(old.get(k)).contains(v));
        }
    }

    @Property(tries = 30)
    void missingNodesAreReportedNotHidden(@ForAll("contents") Map<Bytes, Bytes> content) {
        if (content.size() < 3) {
            return;
        }
        try (var store = new io.openledger.core.store.InMemoryKeyValueStore()) {
            MerklePatriciaTrie t = MerklePatriciaTrie.builder().store(store).build();
            content.forEach(t::put);
            Hash root = t.commit();
            try (var empty = new io.openledger.core.store.InMemoryKeyValueStore()) {
                MerklePatriciaTrie broken =
                        MerklePatriciaTrie.builder().store(empty).root(root).build();
                assertThatThrownBy(() -> broken.get(content.keySet().iterator().next()))
                        .isInstanceOf(MissingTrieNodeException.class);
            }
        }
    }

    private static long count(io.openledger.core.store.KeyValueStore store) {
        long n = 0;
        try (var it = store.scan(Bytes.EMPTY)) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    private static Optional<Bytes> verify(TrieProof p, Hash root, Bytes key, boolean secure) {
        return secure ? p.verifySecure(root, key) : p.verify(root, key);
    }

    private static void assertFlipsFail(TrieProof p, Hash root, Bytes key, boolean secure, Optional<Bytes> truth) {
        for (int n = 0; n < p.nodes().size(); n++) {
            Bytes node = p.nodes().get(n);
            for (int i = 0; i < node.size(); i++) {
                byte[] b = node.toArray();
                b[i] ^= 0x01;
                List<Bytes> nodes = new ArrayList<>(p.nodes());
                nodes.set(n, Bytes.wrap(b));
                TrieProof bad = new TrieProof(nodes);
                assertThatThrownBy(() -> verify(bad, root, key, secure))
                        .as("flipped byte %d of node %d (truth %s)", i, n, truth)
                        .isInstanceOf(InvalidProofException.class);
            }
        }
    }

    @Provide
    Arbitrary<Map<Bytes, Bytes>> contents() {
        Arbitrary<Bytes> values = Arbitraries.bytes()
                .array(byte[].class)
                .ofMinSize(1)
                .ofMaxSize(40)
                .map(Bytes::of);
        return Arbitraries.maps(keys(), values).ofMaxSize(40);
    }

    @Provide
    Arbitrary<Bytes> keys() {
        // short keys over a small alphabet force shared prefixes, branch values and extensions
        return Arbitraries.oneOf(
                Arbitraries.bytes()
                        .between((byte) 0, (byte) 3)
                        .array(byte[].class)
                        .ofMinSize(1)
                        .ofMaxSize(4)
                        .map(Bytes::of),
                Arbitraries.bytes().array(byte[].class).ofSize(32).map(Bytes::of));
    }
}
