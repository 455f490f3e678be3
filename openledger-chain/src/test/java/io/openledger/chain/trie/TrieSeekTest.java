package io.openledger.chain.trie;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.Bytes;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.core.testing.CountingKeyValueStore;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** nextKey/previousKey descend to their answer instead of walking the entries before it. */
class TrieSeekTest {
    @Test
    void findingANeighbourReadsAPathOfNodesNotTheWholeTrie() {
        int n = 20_000;
        CountingKeyValueStore store = new CountingKeyValueStore(new InMemoryKeyValueStore());
        MerklePatriciaTrie t =
                MerklePatriciaTrie.builder().store(store).secure(true).build();
        for (int i = 0; i < n; i++) {
            t.put(Bytes.utf8("account-" + i), Bytes.utf8("v" + i));
        }
        var root = t.commit();
        TreeSet<Bytes> hashed = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            hashed.add(Hashing.keccak256(Bytes.utf8("account-" + i)).bytes());
        }

        // reopened with no node cache: every node resolved is one store read
        MerklePatriciaTrie reopened = MerklePatriciaTrie.builder()
                .store(store)
                .root(root)
                .secure(true)
                .nodeCacheSize(0)
                .build();
        int most = 0;
        for (int i = 0; i < 200; i++) {
            Bytes key = Bytes.utf8("probe-" + i);
            Bytes h = Hashing.keccak256(key).bytes();
            store.reset();
            assertThat(reopened.nextKey(key)).isEqualTo(Optional.ofNullable(hashed.higher(h)));
            most = Math.max(most, store.gets());
            store.reset();
            assertThat(reopened.previousKey(key)).isEqualTo(Optional.ofNullable(hashed.lower(h)));
            most = Math.max(most, store.gets());
        }
        // 20,000 hashed keys make a trie about five levels deep: the path down to the probe and
        // the one down to its neighbour, against the ~26,000 nodes a walk could resolve
        assertThat(most).isPositive().isLessThanOrEqualTo(24);
    }
}
