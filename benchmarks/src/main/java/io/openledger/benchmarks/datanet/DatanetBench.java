package io.openledger.benchmarks.datanet;

import io.openledger.cli.datanet.DatanetBenchmark;

/**
 * Datanet numbers in one run (ingest MiB/s on mixed text, one-record commit time at 10% and 100% of
 * a large datanet, near-duplicate recall on planted near duplicates); prints one JSON line last.
 * The workload is {@link DatanetBenchmark}, shared with {@code openledger datanet bench}.
 *
 * <p>Arguments (optional): ingest MiB (50), large datanet records (100000), planted near duplicates
 * (500).
 */
public final class DatanetBench {
    private DatanetBench() {}

    /** Runs the benchmark. */
    public static void main(String[] args) {
        DatanetBenchmark.main(args);
    }
}
