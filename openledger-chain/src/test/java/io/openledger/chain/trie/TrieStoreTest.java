package io.openledger.chain.trie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.store.InMemoryKeyValueStore;
import org.junit.jupiter.api.Test;

class TrieStoreTest {
    @Test
    void shrinkingToOneSmallNodeStillReopens() {
        try (InMemoryKeyValueStore store = new InMemoryKeyValueStore()) {
            MerklePatriciaTrie t = MerklePatriciaTrie.builder().store(store).build();
            for (int i = 0; i < 50; i++) {
                t.put(Bytes.of((byte) i, (byte) 1), Bytes.utf8("value number " + i));
            }
            t.commit();
            for (int i = 1; i < 50; i++) {
                t.delete(Bytes.of((byte) i, (byte) 1));
            }
            Hash root = t.commit();
            MerklePatriciaTrie reopened =
                    MerklePatriciaTrie.builder().store(store).root(root).build();
            assertThat(reopened.get(Bytes.of((byte) 0, (byte) 1))).contains(Bytes.utf8("value number 0"));
            assertThat(reopened.rootHash()).isEqualTo(root);
        }
    }

    @Test
    void nodesLiveUnderTheirPrefixAndAreContentAddressed() {
        try (InMemoryKeyValueStore store = new InMemoryKeyValueStore()) {
            MerklePatriciaTrie t = MerklePatriciaTrie.builder()
                    .store(store)
                    .keyPrefix(Bytes.utf8("state/"))
                    .secure(true)
                    .build();
            t.put(Bytes.utf8("alice"), Bytes.utf8("100"));
            t.put(Bytes.utf8("bob"), Bytes.utf8("200"));
            Hash root = t.commit();
            assertThat(store.get(Bytes.utf8("state/").append(root.bytes()))).isPresent();
            try (var it = store.scan(Bytes.EMPTY)) {
                while (it.hasNext()) {
                    assertThat(it.next().key().startsWith(Bytes.utf8("state/"))).isTrue();
                }
            }
            // a corrupted node is detected, not trusted
            store.put(Bytes.utf8("state/").append(root.bytes()), Bytes.fromHex("c0"));
            MerklePatriciaTrie corrupt = MerklePatriciaTrie.builder()
                    .store(store)
                    .keyPrefix(Bytes.utf8("state/"))
                    .secure(true)
                    .root(root)
                    .build();
            assertThatThrownBy(() -> corrupt.get(Bytes.utf8("alice"))).isInstanceOf(MissingTrieNodeException.class);
        }
    }

    @Test
    void builderFailsEarly() {
        assertThatThrownBy(() -> MerklePatriciaTrie.builder().nodeCacheSize(-1))
                .hasMessageContaining("nodeCacheSize must be in [0, 100000000], got -1");
        assertThatThrownBy(() -> MerklePatriciaTrie.builder().root(Hash.ZERO).build())
                .hasMessageContaining("needs a store");
    }

    @Test
    void emptyValueDeletes() {
        MerklePatriciaTrie t = MerklePatriciaTrie.inMemory();
        t.put(Bytes.utf8("k"), Bytes.utf8("v"));
        t.put(Bytes.utf8("k"), Bytes.EMPTY);
        assertThat(t.rootHash()).isEqualTo(MerklePatriciaTrie.EMPTY_ROOT);
        assertThat(t.prove(Bytes.utf8("k")).verify(t.rootHash(), Bytes.utf8("k")))
                .isEmpty();
    }
}
