package io.openledger.chain.internal.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.node.SystemAddresses;
import io.openledger.chain.trie.MerklePatriciaTrie;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.core.store.KeyValue;
import io.openledger.core.store.KeyValueIterator;
import io.openledger.core.store.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The key-value store kept in a system account's storage trie, against a TreeMap model. */
class StateKeyValueStoreTest {
    private static final Bytes A = Bytes.utf8("tl/a/");

    private static StateKeyValueStore store(WorldState s, long[] gas) {
        return new StateKeyValueStore(
                s, SystemAddresses.TOKEN_LEDGER, g -> gas[0] += g, StateKeyValueStore.LEDGER_INDEXES);
    }

    private static List<KeyValue> scan(StateKeyValueStore st, Bytes prefix) {
        List<KeyValue> out = new ArrayList<>();
        try (KeyValueIterator it = st.scan(prefix)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /** Puts, overwrites (longer and shorter, empty values included) and deletes agree with a TreeMap. */
    @Property(tries = 60)
    void agreesWithASortedMap(
            @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 9) Integer> keys,
            @ForAll @Size(max = 40) List<@IntRange(min = -1, max = 100) Integer> lengths) {
        WorldState s = new WorldState(new InMemoryKeyValueStore(), MerklePatriciaTrie.EMPTY_ROOT);
        StateKeyValueStore st = store(s, new long[1]);
        TreeMap<Bytes, Bytes> model = new TreeMap<>();
        for (int i = 0; i < Math.min(keys.size(), lengths.size()); i++) {
            Bytes key = A.append(Bytes.of((byte) keys.get(i).intValue()));
            int len = lengths.get(i);
            if (len < 0) {
                st.delete(key);
                model.remove(key);
            } else {
                byte[] v = new byte[len];
                for (int j = 0; j < len; j++) {
                    v[j] = (byte) (j % 3 == 0 ? 0 : i + j); // zero bytes where words start, too
                }
                st.put(key, Bytes.wrap(v));
                model.put(key, Bytes.wrap(v));
            }
        }
        for (int k = 0; k < 10; k++) {
            Bytes key = A.append(Bytes.of((byte) k));
            assertThat(st.get(key)).isEqualTo(java.util.Optional.ofNullable(model.get(key)));
        }
        assertThat(scan(st, A))
                .containsExactlyElementsOf(model.entrySet().stream()
                        .map(e -> new KeyValue(e.getKey(), e.getValue()))
                        .toList());
    }

    @Test
    void writesEnterTheStateRootAndRevertWithTheTransaction() {
        InMemoryKeyValueStore nodes = new InMemoryKeyValueStore();
        WorldState s = new WorldState(nodes, MerklePatriciaTrie.EMPTY_ROOT);
        long[] gas = new long[1];
        StateKeyValueStore st = store(s, gas);
        Hash empty = s.commit();
        st.put(Bytes.utf8("tl/m/ts"), Bytes.fromHex("0x0000000000000001"));
        assertThat(gas[0]).isPositive();
        Hash one = s.commit();
        assertThat(one).isNotEqualTo(empty);
        int cp = s.checkpoint();
        WriteBatch b = new WriteBatch();
        b.put(A.append(Bytes.of((byte) 1)), Bytes.utf8("x".repeat(70)));
        b.delete(Bytes.utf8("tl/m/ts"));
        st.write(b);
        assertThat(st.get(Bytes.utf8("tl/m/ts"))).isEmpty();
        s.revert(cp); // a failed transaction
        assertThat(st.get(Bytes.utf8("tl/m/ts"))).contains(Bytes.fromHex("0x0000000000000001"));
        assertThat(scan(st, A)).isEmpty();
        assertThat(s.commit()).isEqualTo(one);
        // reopened from the trie alone
        StateKeyValueStore again = store(new WorldState(nodes, one), new long[1]);
        assertThat(again.get(Bytes.utf8("tl/m/ts"))).contains(Bytes.fromHex("0x0000000000000001"));
    }

    @Test
    void refusesWhatTheLedgerDoesNotNeed() {
        StateKeyValueStore st =
                store(new WorldState(new InMemoryKeyValueStore(), MerklePatriciaTrie.EMPTY_ROOT), new long[1]);
        assertThatThrownBy(() -> st.scan(Bytes.utf8("tl/t/")))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("scan over")
                .hasMessageContaining("not indexed");
        assertThatThrownBy(() -> st.scan(Bytes.utf8("tl/h/"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(st::snapshot).isInstanceOf(UnsupportedOperationException.class);
        WriteBatch b = new WriteBatch();
        b.put(Bytes.utf8("tl/m/x"), Bytes.of((byte) 1));
        b.put(A.append(Bytes.wrap(new byte[27])), Bytes.EMPTY); // 32 bytes: too long for the index
        assertThatThrownBy(() -> st.write(b)).hasMessageContaining("at most 31 bytes");
        assertThat(st.get(Bytes.utf8("tl/m/x"))).isEmpty(); // nothing of the refused batch applied
    }
}
