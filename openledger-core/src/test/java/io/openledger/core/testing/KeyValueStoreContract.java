package io.openledger.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Bytes;
import io.openledger.core.store.KeyValue;
import io.openledger.core.store.KeyValueIterator;
import io.openledger.core.store.KeyValueReader;
import io.openledger.core.store.KeyValueStore;
import io.openledger.core.store.Snapshot;
import io.openledger.core.store.StoreException;
import io.openledger.core.store.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link KeyValueStore} must keep. Extend it, implement {@link #newStore()},
 * and every test and property here runs against your implementation: point reads and writes,
 * ordered prefix scans, atomic batches (also under concurrent readers), snapshot isolation, and
 * behaviour after close. A {@link TreeMap} is the reference model.
 */
public abstract class KeyValueStoreContract {
    /** A fresh, empty store. Each test closes what it opens. */
    protected abstract KeyValueStore newStore();

    /** An operation in a generated history. */
    public record Op(boolean delete, Bytes key, Bytes value, boolean batchEnd) {}

    @Provide
    Arbitrary<List<Op>> histories() {
        // Few distinct short keys so that overwrites, deletes and shared prefixes are frequent.
        Arbitrary<Bytes> keys = Arbitraries.bytes()
                .between((byte) 0, (byte) 3)
                .list()
                .ofMaxSize(3)
                .map(l -> {
                    byte[] b = new byte[l.size()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = l.get(i);
                    }
                    return Bytes.wrap(b);
                });
        Arbitrary<Bytes> values =
                Arbitraries.bytes().array(byte[].class).ofMaxSize(6).map(Bytes::of);
        return Combinators.combine(
                        Arbitraries.integers().between(0, 3).map(i -> i == 0),
                        keys,
                        values,
                        Arbitraries.integers().between(0, 2).map(i -> i == 0))
                .as(Op::new)
                .list()
                .ofMaxSize(40);
    }

    @Property(tries = 150)
    void behavesLikeASortedMap(@ForAll("histories") List<Op> history) {
        try (KeyValueStore store = newStore()) {
            TreeMap<Bytes, Bytes> model = new TreeMap<>();
            WriteBatch batch = new WriteBatch();
            TreeMap<Bytes, Bytes> pending = new TreeMap<>(model);
            for (Op op : history) {
                if (op.delete()) {
                    batch.delete(op.key());
                    pending.remove(op.key());
                } else {
                    batch.put(op.key(), op.value());
                    pending.put(op.key(), op.value());
                }
                if (op.batchEnd()) {
                    store.write(batch);
                    model = new TreeMap<>(pending);
                    batch = new WriteBatch();
                    assertMatches(store, model);
                }
            }
            store.write(batch);
            assertMatches(store, pending);
        }
    }

    @Property(tries = 100)
    void snapshotsDoNotSeeLaterWrites(@ForAll("histories") List<Op> before, @ForAll("histories") List<Op> after) {
        try (KeyValueStore store = newStore()) {
            TreeMap<Bytes, Bytes> model = new TreeMap<>();
            apply(store, model, before);
            TreeMap<Bytes, Bytes> frozen = new TreeMap<>(model);
            try (Snapshot snap = store.snapshot()) {
                apply(store, model, after);
                assertMatches(snap, frozen);
                assertMatches(store, model);
            }
        }
    }

    @Property(tries = 100)
    void scanReturnsExactlyThePrefixInOrder(
            @ForAll("histories") List<Op> history, @ForAll("histories") List<Op> probe) {
        try (KeyValueStore store = newStore()) {
            TreeMap<Bytes, Bytes> model = new TreeMap<>();
            apply(store, model, history);
            for (Op p : probe) {
                List<KeyValue> expected = new ArrayList<>();
                model.forEach((k, v) -> {
                    if (k.startsWith(p.key())) {
                        expected.add(new KeyValue(k, v));
                    }
                });
                assertThat(scanAll(store, p.key())).containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void emptyBatchAndMissingKeys() {
        try (KeyValueStore store = newStore()) {
            store.write(new WriteBatch());
            assertThat(store.get(Bytes.of((byte) 1))).isEmpty();
            store.delete(Bytes.of((byte) 1));
            assertThat(scanAll(store, Bytes.EMPTY)).isEmpty();
        }
    }

    @Test
    void emptyValuesAreValuesNotDeletes() {
        try (KeyValueStore store = newStore()) {
            store.put(Bytes.of((byte) 7), Bytes.EMPTY);
            assertThat(store.get(Bytes.of((byte) 7))).contains(Bytes.EMPTY);
        }
    }

    @Test
    void keysOrderUnsigned() {
        try (KeyValueStore store = newStore()) {
            store.put(Bytes.of((byte) 0x80), Bytes.of((byte) 1));
            store.put(Bytes.of((byte) 0x7f), Bytes.of((byte) 2));
            store.put(Bytes.of((byte) 0xff, (byte) 0), Bytes.of((byte) 3));
            store.put(Bytes.of((byte) 0xff), Bytes.of((byte) 4));
            assertThat(scanAll(store, Bytes.EMPTY).stream().map(KeyValue::key))
                    .containsExactly(
                            Bytes.of((byte) 0x7f),
                            Bytes.of((byte) 0x80),
                            Bytes.of((byte) 0xff),
                            Bytes.of((byte) 0xff, (byte) 0));
        }
    }

    /** Readers running beside a writer never see half of a batch. */
    @Test
    void concurrentReadersNeverSeeHalfABatch() throws Exception {
        try (KeyValueStore store = newStore()) {
            Bytes a = Bytes.utf8("a");
            Bytes b = Bytes.utf8("b");
            store.write(new WriteBatch().put(a, Bytes.of((byte) 0)).put(b, Bytes.of((byte) 0)));
            AtomicReference<String> failure = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                while (done.getCount() > 0 && failure.get() == null) {
                    try (Snapshot s = store.snapshot()) {
                        Optional<Bytes> va = s.get(a);
                        Optional<Bytes> vb = s.get(b);
                        if (!va.equals(vb)) {
                            failure.set("snapshot saw a=" + va + " b=" + vb);
                        }
                    }
                    try (KeyValueIterator it = store.scan(Bytes.EMPTY)) {
                        List<Bytes> vals = new ArrayList<>();
                        it.forEachRemaining(kv -> vals.add(kv.value()));
                        if (vals.size() != 2 || !vals.get(0).equals(vals.get(1))) {
                            failure.set("scan saw " + vals);
                        }
                    }
                }
            });
            reader.start();
            for (int i = 1; i <= 500; i++) {
                Bytes v = Bytes.of((byte) i, (byte) (i >> 8));
                store.write(new WriteBatch().put(a, v).put(b, v));
            }
            done.countDown();
            reader.join();
            assertThat(failure.get()).isNull();
        }
    }

    @Test
    void closedStoreRejectsCalls() {
        KeyValueStore store = newStore();
        store.put(Bytes.of((byte) 1), Bytes.of((byte) 1));
        store.close();
        store.close(); // idempotent
        assertThatThrownBy(() -> store.get(Bytes.of((byte) 1))).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.put(Bytes.of((byte) 1), Bytes.EMPTY)).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.write(new WriteBatch().put(Bytes.of((byte) 2), Bytes.EMPTY)))
                .isInstanceOf(StoreException.class);
        assertThatThrownBy(store::snapshot).isInstanceOf(StoreException.class);
    }

    @Test
    void closedSnapshotRejectsReads() {
        try (KeyValueStore store = newStore()) {
            Snapshot s = store.snapshot();
            s.close();
            assertThatThrownBy(() -> s.get(Bytes.of((byte) 1))).isInstanceOf(StoreException.class);
        }
    }

    /** Applies {@code ops}, one batch per {@code batchEnd} run, to the store and the model. */
    protected static void apply(KeyValueStore store, Map<Bytes, Bytes> model, List<Op> ops) {
        WriteBatch batch = new WriteBatch();
        for (Op op : ops) {
            if (op.delete()) {
                batch.delete(op.key());
                model.remove(op.key());
            } else {
                batch.put(op.key(), op.value());
                model.put(op.key(), op.value());
            }
            if (op.batchEnd()) {
                store.write(batch);
                batch = new WriteBatch();
            }
        }
        store.write(batch);
    }

    /** Every entry under {@code prefix}, in store order. */
    protected static List<KeyValue> scanAll(KeyValueReader r, Bytes prefix) {
        List<KeyValue> out = new ArrayList<>();
        try (KeyValueIterator it = r.scan(prefix)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private static void assertMatches(KeyValueReader r, TreeMap<Bytes, Bytes> model) {
        List<KeyValue> expected = new ArrayList<>();
        model.forEach((k, v) -> expected.add(new KeyValue(k, v)));
        assertThat(scanAll(r, Bytes.EMPTY)).containsExactlyElementsOf(expected);
        for (var e : model.entrySet()) {
            assertThat(r.get(e.getKey())).contains(e.getValue());
        }
    }
}
