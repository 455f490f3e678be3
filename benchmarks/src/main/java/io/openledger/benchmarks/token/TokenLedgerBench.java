package io.openledger.benchmarks.token;

import io.openledger.core.Clock;
import io.openledger.core.FileTrees;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.core.store.RocksDbKeyValueStore;
import io.openledger.token.LedgerThroughput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Ledger transfer throughput, in memory and durable (RocksDB, every request fsynced), one transfer
 * per request and in batches of 1,000 (one atomic write and one sync per batch: group commit), all in
 * one run. The batched runs are repeated; the best and the median rate are reported, with the CPU
 * rate of the applying thread, because this machine is shared. Prints one JSON line last. Run:
 * {@code java -cp ... io.openledger.benchmarks.token.TokenLedgerBench}.
 */
public final class TokenLedgerBench {
    private TokenLedgerBench() {}

    /** Runs the benchmark. */
    public static void main(String[] args) throws IOException {
        int batch = 1000;
        LedgerThroughput mem = new LedgerThroughput(new InMemoryKeyValueStore(), Clock.system());
        mem.run(300_000, batch); // warm-up
        List<LedgerThroughput.Result> memRuns = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            memRuns.add(mem.run(300_000, batch));
        }
        LedgerThroughput.Result memSingle = mem.run(50_000, 1);
        Path dir = Files.createTempDirectory("openledger-token-bench");
        List<LedgerThroughput.Result> durRuns = new ArrayList<>();
        LedgerThroughput.Result durSingle;
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir)) {
            LedgerThroughput dur = new LedgerThroughput(store, Clock.system());
            dur.run(50_000, batch); // warm-up
            for (int i = 0; i < 3; i++) {
                durRuns.add(dur.run(100_000, batch));
            }
            durSingle = dur.run(2_000, 1);
        } finally {
            FileTrees.delete(dir);
        }
        boolean conserved = memSingle.conserved()
                && durSingle.conserved()
                && memRuns.stream().allMatch(LedgerThroughput.Result::conserved)
                && durRuns.stream().allMatch(LedgerThroughput.Result::conserved);
        System.out.println(String.format(
                Locale.ROOT,
                "{\"benchmark\":\"token-ledger\",\"transfers_per_s_memory\":%.0f,\"transfers_per_s_durable\":%.0f,"
                        + "\"transfers_per_s_memory_median\":%.0f,\"transfers_per_s_durable_median\":%.0f,"
                        + "\"transfers_per_s_memory_single\":%.0f,\"transfers_per_s_durable_single\":%.0f,"
                        + "\"transfers_per_cpu_s_memory\":%.0f,\"transfers_per_cpu_s_durable\":%.0f,"
                        + "\"batch_size\":%d,\"supply_conserved\":%s}",
                best(memRuns),
                best(durRuns),
                median(memRuns),
                median(durRuns),
                memSingle.perSecond(),
                durSingle.perSecond(),
                memRuns.stream()
                        .mapToDouble(LedgerThroughput.Result::perCpuSecond)
                        .max()
                        .orElseThrow(),
                durRuns.stream()
                        .mapToDouble(LedgerThroughput.Result::perCpuSecond)
                        .max()
                        .orElseThrow(),
                batch,
                conserved));
    }

    private static double best(List<LedgerThroughput.Result> runs) {
        return runs.stream()
                .mapToDouble(LedgerThroughput.Result::perSecond)
                .max()
                .orElseThrow();
    }

    private static double median(List<LedgerThroughput.Result> runs) {
        double[] v = runs.stream()
                .mapToDouble(LedgerThroughput.Result::perSecond)
                .sorted()
                .toArray();
        return v[v.length / 2];
    }
}
