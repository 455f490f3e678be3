package io.openledger.benchmarks;

import io.openledger.core.Bytes;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.core.store.KeyValueStore;
import io.openledger.core.store.RocksDbKeyValueStore;
import io.openledger.core.store.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** Point reads and 16-key batch writes, side by side across store implementations. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class KeyValueStoreBenchmark {
    @Param({"memory", "rocksdb", "rocksdb-sync"})
    public String store;

    private KeyValueStore kv;
    private Bytes[] keys;
    private long counter;

    @Setup(Level.Trial)
    public void open() throws IOException {
        kv = switch (store) {
            case "memory" -> new InMemoryKeyValueStore();
            case "rocksdb" ->
                RocksDbKeyValueStore.builder(Files.createTempDirectory("bench"))
                        .syncWrites(false)
                        .build();
            case "rocksdb-sync" -> RocksDbKeyValueStore.open(Files.createTempDirectory("bench"));
            default -> throw new IllegalArgumentException(store);
        };
        keys = new Bytes[4096];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = Bytes.utf8("key-" + i);
            kv.put(keys[i], Bytes.wrap(new byte[64]));
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        kv.close();
    }

    @Benchmark
    public Object get() {
        return kv.get(keys[(int) (counter++ & 4095)]);
    }

    @Benchmark
    public void writeBatch16() {
        WriteBatch b = new WriteBatch();
        for (int i = 0; i < 16; i++) {
            b.put(keys[(int) (counter++ & 4095)], Bytes.wrap(new byte[64]));
        }
        kv.write(b);
    }
}
