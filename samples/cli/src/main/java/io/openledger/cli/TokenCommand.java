package io.openledger.cli;

import io.openledger.core.Clock;
import io.openledger.core.FileTrees;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.core.store.RocksDbKeyValueStore;
import io.openledger.token.LedgerThroughput;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code openledger token …}: the OPEN token ledger's commands. */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = "OPEN token ledger tools.",
        subcommands = {TokenCommand.Bench.class, CommandLine.HelpCommand.class})
public final class TokenCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code openledger token bench [--json]}: ledger transfer throughput, in memory and durable. */
    @Command(
            name = "bench",
            mixinStandardHelpOptions = true,
            description = "Transfer throughput of the ledger in memory and on RocksDB (fsync per request), single"
                    + " transfers and batches, with conservation checked at the end.")
    public static final class Bench implements Callable<Integer> {
        @Option(names = "--json", description = "Print one JSON line only.")
        boolean json;

        @Option(
                names = "--transfers",
                description =
                        "Batched transfers measured in memory (default ${DEFAULT-VALUE}; durable runs 2/5 of it).")
        int transfers = 500_000;

        @Option(names = "--batch-size", description = "Transfers per request (default ${DEFAULT-VALUE}).")
        int batchSize = 1000;

        @Override
        public Integer call() {
            if (transfers < batchSize || batchSize < 1) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--transfers must be >= --batch-size >= 1");
            }
            String line = run(transfers, batchSize, json ? null : System.out);
            System.out.println(line);
            return line.contains("\"supply_conserved\":true") ? 0 : 1;
        }
    }

    /** Runs the benchmark and returns its JSON line; narrates to {@code log} if not null. */
    static String run(int transfers, int batch, PrintStream log) {
        LedgerThroughput mem = new LedgerThroughput(new InMemoryKeyValueStore(), Clock.system());
        mem.run(Math.max(batch, transfers / 2), batch); // warm-up
        // Three measured runs: this machine is shared, so the best and the median are both reported.
        List<LedgerThroughput.Result> memRuns = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            memRuns.add(mem.run(transfers, batch));
        }
        LedgerThroughput.Result memBatched = best(memRuns);
        LedgerThroughput.Result memSingle = mem.run(Math.max(1, transfers / 10), 1);
        say(
                log,
                "in memory: %.0f transfers/s in batches of %d, %.0f/s one by one",
                memBatched.perSecond(),
                batch,
                memSingle.perSecond());
        Path dir;
        try {
            dir = Files.createTempDirectory("openledger-token-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<LedgerThroughput.Result> durRuns = new ArrayList<>();
        LedgerThroughput.Result durSingle;
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir)) {
            LedgerThroughput dur = new LedgerThroughput(store, Clock.system());
            dur.run(Math.max(batch, transfers / 10), batch); // warm-up
            for (int i = 0; i < RUNS; i++) {
                durRuns.add(dur.run(Math.max(batch, transfers * 2 / 5), batch));
            }
            durSingle = dur.run(Math.max(1, Math.min(2_000, transfers / 100)), 1);
        } finally {
            IOException e = FileTrees.deleteQuietly(dir);
            if (e != null) {
                say(log, "could not delete %s: %s", dir, e.getMessage());
            }
        }
        LedgerThroughput.Result durBatched = best(durRuns);
        say(
                log,
                "RocksDB, fsync per request: %.0f transfers/s in batches of %d, %.0f/s one by one",
                durBatched.perSecond(),
                batch,
                durSingle.perSecond());
        boolean conserved = memSingle.conserved()
                && durSingle.conserved()
                && memRuns.stream().allMatch(LedgerThroughput.Result::conserved)
                && durRuns.stream().allMatch(LedgerThroughput.Result::conserved);
        return String.format(
                Locale.ROOT,
                "{\"transfers_per_s_memory\":%.0f,\"transfers_per_s_durable\":%.0f,"
                        + "\"transfers_per_s_memory_median\":%.0f,\"transfers_per_s_durable_median\":%.0f,\"runs\":%d,"
                        + "\"transfers_per_s_memory_single\":%.0f,\"transfers_per_s_durable_single\":%.0f,"
                        + "\"transfers_per_cpu_s_memory\":%.0f,\"batch_size\":%d,\"supply_conserved\":%s}",
                memBatched.perSecond(),
                durBatched.perSecond(),
                median(memRuns),
                median(durRuns),
                RUNS,
                memSingle.perSecond(),
                durSingle.perSecond(),
                memBatched.perCpuSecond(),
                batch,
                conserved);
    }

    private static final int RUNS = 3;

    private static LedgerThroughput.Result best(List<LedgerThroughput.Result> runs) {
        return runs.stream()
                .max(Comparator.comparingDouble(LedgerThroughput.Result::perSecond))
                .orElseThrow();
    }

    private static double median(List<LedgerThroughput.Result> runs) {
        double[] r = runs.stream()
                .mapToDouble(LedgerThroughput.Result::perSecond)
                .sorted()
                .toArray();
        return r[r.length / 2];
    }

    private static void say(PrintStream log, String format, Object... args) {
        if (log != null) {
            log.println(String.format(Locale.ROOT, format, args));
        }
    }
}
