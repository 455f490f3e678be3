package io.openledger.benchmarks.token;

import io.openledger.core.Clock;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.core.store.RocksDbKeyValueStore;
import io.openledger.token.LedgerThroughput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Ledger transfer throughput, in memory and durable (RocksDB, every request fsynced), one transfer
 * per request and in batches of 1,000 (one atomic write and one sync per batch: group commit), all in
 * one run. Prints one JSON line last. Run: {@code java -cp ... io.openledger.benchmarks.token.TokenLedgerBench}.
 */
public final class TokenLedgerBench {
    private TokenLedgerBench() {}

    /** Runs the benchmark. */
    public static void main(String[] args) throws IOException {
        int batch = 1000;
        LedgerThroughput mem = new LedgerThroughput(new InMemoryKeyValueStore(), Clock.system());
        mem.run(200_000, batch); // warm-up
        LedgerThroughput.Result memBatched = mem.run(500_000, batch);
        LedgerThroughput.Result memSingle = mem.run(50_000, 1);
        Path dir = Files.createTempDirectory("openledger-token-bench");
        LedgerThroughput.Result durBatched;
        LedgerThroughput.Result durSingle;
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir)) {
            LedgerThroughput dur = new LedgerThroughput(store, Clock.system());
            dur.run(50_000, batch); // warm-up
            durBatched = dur.run(200_000, batch);
            durSingle = dur.run(2_000, 1);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        boolean conserved =
                memBatched.conserved() && memSingle.conserved() && durBatched.conserved() && durSingle.conserved();
        System.out.println(String.format(
                Locale.ROOT,
                "{\"benchmark\":\"token-ledger\",\"transfers_per_s_memory\":%.0f,\"transfers_per_s_durable\":%.0f,"
                        + "\"transfers_per_s_memory_single\":%.0f,\"transfers_per_s_durable_single\":%.0f,"
                        + "\"transfers_per_cpu_s_memory\":%.0f,\"transfers_per_cpu_s_durable\":%.0f,"
                        + "\"batch_size\":%d,\"supply_conserved\":%s}",
                memBatched.perSecond(),
                durBatched.perSecond(),
                memSingle.perSecond(),
                durSingle.perSecond(),
                memBatched.perCpuSecond(),
                durBatched.perCpuSecond(),
                batch,
                conserved));
    }
}
