package io.openledger.benchmarks.attribution;

import io.openledger.attribution.AttributionEngine;
import io.openledger.attribution.AttributionQuery;
import io.openledger.attribution.Corpus;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.SpanIndex;
import io.openledger.attribution.SpanMethod;
import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.FileTrees;
import io.openledger.core.ModelId;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.crypto.Hashing;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Suffix-array build rate on a generated corpus (default 100M tokens, Zipf(1) over a 50,000-token
 * vocabulary, records of 100 to 300 tokens, one datanet version = one shard, one thread) and span
 * attribution latency for 512-token outputs that quote corpus records among generated text. Prints
 * one JSON line last. Run: {@code java -Xmx12g -cp ... SpanAttributionBench [tokens] [queries]}.
 */
public final class SpanAttributionBench {
    private SpanAttributionBench() {}

    /** Runs the benchmark. */
    public static void main(String[] args) throws IOException {
        long target = args.length > 0 ? Long.parseLong(args[0]) : 100_000_000L;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        SplittableRandom rnd = new SplittableRandom(42);
        io.openledger.cli.eval.Zipf zipf = new io.openledger.cli.eval.Zipf(50_000);
        DatanetVersionRef version =
                new DatanetVersionRef(DatanetId.of("bench"), 1, Hashing.keccak256(Bytes.utf8("bench@1")));
        List<CorpusRecord> records = new ArrayList<>();
        long tokens = 0;
        long t0 = System.nanoTime();
        while (tokens < target) {
            int len = (int) Math.min(100 + rnd.nextInt(201), target - tokens);
            records.add(CorpusRecord.of(
                    "r" + records.size(),
                    ContributorId.fromHex("0x" + String.format("%040x", 1 + records.size() % 1000)),
                    version,
                    zipf.sample(rnd, len)));
            tokens += len;
        }
        double genS = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "generated %,d tokens in %,d records in %.1f s%n", tokens, records.size(), genS);
        Corpus corpus = new ListCorpus(version, records);
        Path dir = Files.createTempDirectory("olsa-bench-");
        try {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long c0 = mx.getCurrentThreadCpuTime();
            long b0 = System.nanoTime();
            double buildS;
            double buildCpuS;
            long indexBytes;
            try (SpanIndex index = SpanIndex.open(corpus, dir)) {
                buildS = (System.nanoTime() - b0) / 1e9;
                buildCpuS = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
                indexBytes = index.bytes();
            }
            double rate = tokens / buildS;
            double cpuRate = tokens / buildCpuS;
            System.out.printf(
                    Locale.ROOT,
                    "built the shard (SA-IS, write, fsync, map) in %.1f s wall, %.1f s of the thread's CPU: %,.0f"
                            + " tokens/s wall, %,.0f tokens per CPU second, %,d bytes%n",
                    buildS,
                    buildCpuS,
                    rate,
                    cpuRate,
                    indexBytes);
            SpanMethod method = SpanMethod.builder().indexDirectory(dir).build();
            double[] lat = new double[queries];
            double[] cpu = new double[queries];
            int warm = Math.max(20, queries / 10);
            long matched = 0;
            try (AttributionEngine engine =
                    AttributionEngine.builder().method(method).corpus(corpus).build()) {
                for (int q = -warm; q < queries; q++) {
                    AttributionQuery query = AttributionQuery.builder()
                            .model(ModelId.of("bench-model"))
                            .outputTokens(output(rnd, zipf, records, 512))
                            .trainedOn(List.of(version))
                            .build();
                    long s0 = System.nanoTime();
                    long u0 = mx.getCurrentThreadCpuTime();
                    var result = engine.attribute(query);
                    double ms = (System.nanoTime() - s0) / 1e6;
                    if (q >= 0) {
                        lat[q] = ms;
                        cpu[q] = (mx.getCurrentThreadCpuTime() - u0) / 1e6;
                        matched += result.spans().size();
                    }
                }
            }
            Arrays.sort(lat);
            Arrays.sort(cpu);
            double p50 = lat[(int) Math.floor(0.50 * (queries - 1))];
            double p99 = lat[(int) Math.ceil(0.99 * (queries - 1))];
            double cpuP50 = cpu[(int) Math.floor(0.50 * (queries - 1))];
            double cpuP99 = cpu[(int) Math.ceil(0.99 * (queries - 1))];
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            System.out.printf(
                    Locale.ROOT,
                    "span attribution of 512-token outputs: wall p50 %.2f ms, p99 %.2f ms; CPU p50 %.2f ms, p99 %.2f"
                            + " ms; %.1f spans kept per output (load average %.1f on %d cores)%n",
                    p50,
                    p99,
                    cpuP50,
                    cpuP99,
                    (double) matched / queries,
                    load,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf(
                    Locale.ROOT,
                    "{\"bench\":\"attribution-span\",\"corpus_tokens\":%d,\"records\":%d,\"build_s\":%.2f,"
                            + "\"build_cpu_s\":%.2f,\"build_tokens_per_s\":%.0f,\"build_tokens_per_cpu_s\":%.0f,\"goal_build_tokens_per_s\":5000000,\"index_bytes\":%d,"
                            + "\"index_bytes_per_token\":%.2f,\"output_tokens\":512,\"queries\":%d,\"p50_ms\":%.3f,"
                            + "\"p99_ms\":%.3f,\"cpu_p50_ms\":%.3f,\"cpu_p99_ms\":%.3f,\"goal_p99_ms\":20,\"threads\":1,"
                            + "\"load_average\":%.1f,\"cores\":%d}%n",
                    tokens,
                    records.size(),
                    buildS,
                    buildCpuS,
                    rate,
                    cpuRate,
                    indexBytes,
                    (double) indexBytes / tokens,
                    queries,
                    p50,
                    p99,
                    cpuP50,
                    cpuP99,
                    load,
                    Runtime.getRuntime().availableProcessors());
        } finally {
            FileTrees.delete(dir);
        }
    }

    /** 512 tokens: generated text with two verbatim windows of 40 to 80 tokens from random records. */
    static int[] output(
            SplittableRandom rnd, io.openledger.cli.eval.Zipf zipf, List<CorpusRecord> records, int length) {
        int[] out = zipf.sample(rnd, length);
        for (int k = 0; k < 2; k++) {
            CorpusRecord r = records.get(rnd.nextInt(records.size()));
            int len = Math.min(r.length(), 40 + rnd.nextInt(41));
            int from = rnd.nextInt(r.length() - len + 1);
            int at = k * (length / 2) + rnd.nextInt(length / 2 - len);
            int[] t = r.tokens();
            System.arraycopy(t, from, out, at, len);
        }
        return out;
    }

    /** A one-version corpus over a list, without the id map a general corpus keeps. */
    record ListCorpus(DatanetVersionRef version, List<CorpusRecord> list) implements Corpus {
        @Override
        public List<DatanetVersionRef> versions() {
            return List.of(version);
        }

        @Override
        public List<CorpusRecord> records(DatanetVersionRef v) {
            if (!v.equals(version)) {
                throw new IllegalArgumentException("no version " + v);
            }
            return list;
        }

        @Override
        public Optional<CorpusRecord> record(String id) {
            if (id.length() < 2 || id.charAt(0) != 'r') {
                return Optional.empty();
            }
            int i = Integer.parseInt(id.substring(1));
            return i < list.size() ? Optional.of(list.get(i)) : Optional.empty();
        }
    }
}
