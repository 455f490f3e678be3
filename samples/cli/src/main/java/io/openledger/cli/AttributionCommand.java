package io.openledger.cli;

import io.openledger.attribution.AttributionEngine;
import io.openledger.attribution.AttributionQuery;
import io.openledger.attribution.AttributionResult;
import io.openledger.attribution.Corpus;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.InMemoryCorpus;
import io.openledger.attribution.MatchedSpan;
import io.openledger.attribution.RetrievedDocument;
import io.openledger.attribution.SpanIndex;
import io.openledger.attribution.SpanMethod;
import io.openledger.attribution.WordTokenizer;
import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.FileTrees;
import io.openledger.core.ModelId;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.merkle.MerkleTree;
import io.openledger.core.store.RocksDbKeyValueStore;
import io.openledger.datanet.DatanetService;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openledger attribution}: span attribution of a text against a corpus, and the span
 * benchmark. Until the datanet module exports versions, the corpus is a UTF-8 file with one record
 * per line, {@code CONTRIBUTOR_ADDRESS<TAB>TEXT}, tokenized by the built-in word-and-punctuation
 * tokenizer.
 */
@Command(
        name = "attribution",
        mixinStandardHelpOptions = true,
        description = "Proof of Attribution: span matching over suffix arrays.",
        subcommands = {AttributionCommand.Span.class, AttributionCommand.Bench.class, AttributionCommand.Eval.class})
public final class AttributionCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** {@code attribution span}: which contributors a text quotes. */
    @Command(name = "span", mixinStandardHelpOptions = true, description = "Attribute a text to corpus records.")
    static final class Span implements Callable<Integer> {
        @Option(
                names = "--home",
                description = "OpenLedger home: the datanet store (as `openledger datanet` keeps it) and the"
                        + " attribution index (default: ~/.openledger).")
        Path home = Path.of(System.getProperty("user.home"), ".openledger");

        @Option(
                names = "--corpus",
                description = "Instead of a datanet in --home, records from a file, one per line:"
                        + " CONTRIBUTOR_ADDRESS<TAB>TEXT.")
        @Nullable
        Path corpusFile;

        @Option(
                names = "--datanet",
                description = "NAME[@VERSION] of the datanet (default version: the latest).",
                required = true)
        String datanet;

        @Option(names = "--text", description = "The output to attribute.", required = true)
        String text;

        @Option(
                names = "--min-length",
                description = "Minimum span length in tokens (default ${DEFAULT-VALUE}).",
                defaultValue = "6")
        int minLength;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            return span(System.out, home, corpusFile, datanet, text, minLength, json);
        }
    }

    /** Runs {@code attribution span}; returns the exit status. */
    static int span(
            PrintStream out,
            Path home,
            @Nullable Path corpusFile,
            String datanet,
            String text,
            int minLength,
            boolean json)
            throws IOException {
        String name = datanet;
        Long version = null;
        int at = datanet.lastIndexOf('@');
        if (at > 0) {
            name = datanet.substring(0, at);
            version = Long.parseLong(datanet.substring(at + 1));
        }
        WordTokenizer tokenizer = new WordTokenizer();
        Corpus corpus = corpusFile != null
                ? fromFile(corpusFile, name, version == null ? 1 : version, tokenizer)
                : fromDatanetHome(home, DatanetId.of(name), version, tokenizer);
        DatanetVersionRef ref = corpus.versions().get(0);
        return attribute(out, home, corpus, ref, tokenizer, text, minLength, json);
    }

    /** The records of a datanet version kept under {@code home} by `openledger datanet`. */
    static Corpus fromDatanetHome(Path home, DatanetId dn, @Nullable Long version, WordTokenizer tokenizer) {
        Path dir = home.resolve("datanet").resolve("store");
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no datanet store under " + home
                    + " (create one with `openledger datanet create --home " + home + " …`)");
        }
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir)) {
            DatanetService service = DatanetService.builder().store(store).build();
            long v = version != null
                    ? version
                    : service.head(dn)
                            .orElseThrow(() -> new IllegalArgumentException("datanet " + dn + " has no versions"))
                            .number();
            io.openledger.datanet.Corpus export = service.export(dn, v);
            var b = InMemoryCorpus.builder().addVersion(export.version());
            for (var e : export.entries()) {
                b.add(CorpusRecord.of(
                        e.record().toHex(), e.contributor(), export.version(), tokenizer.encode(e.text())));
            }
            return b.build();
        }
    }

    private static Corpus fromFile(Path corpusFile, String name, long version, WordTokenizer tokenizer)
            throws IOException {
        List<String> lines = Files.readAllLines(corpusFile, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank())
                .toList();
        List<Bytes> leaves = lines.stream().map(Bytes::utf8).toList();
        DatanetVersionRef ref = new DatanetVersionRef(
                DatanetId.of(name),
                version,
                leaves.isEmpty()
                        ? io.openledger.core.Hash.ZERO
                        : MerkleTree.of(leaves).root());
        var b = InMemoryCorpus.builder().addVersion(ref);
        for (int i = 0; i < lines.size(); i++) {
            String[] parts = lines.get(i).split("\t", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException(
                        corpusFile + ":" + (i + 1) + ": expected CONTRIBUTOR_ADDRESS<TAB>TEXT");
            }
            b.add(CorpusRecord.of(
                    name + "@" + version + "/" + i,
                    ContributorId.fromHex(parts[0].strip()),
                    ref,
                    tokenizer.encode(parts[1])));
        }
        return b.build();
    }

    private static int attribute(
            PrintStream out,
            Path home,
            Corpus corpus,
            DatanetVersionRef ref,
            WordTokenizer tokenizer,
            String text,
            int minLength,
            boolean json) {
        int[] tokens = tokenizer.encode(text);
        // spans stay within sentences, as OLMoTrace keeps them
        Set<Integer> sentenceEnds = new HashSet<>();
        for (String end : List.of(".", "!", "?")) {
            sentenceEnds.add(tokenizer.encode(end)[0]);
        }
        SpanMethod method = SpanMethod.builder()
                .indexDirectory(home.resolve("attribution-index"))
                .minLength(minLength)
                .sentenceBreaks(sentenceEnds)
                .build();
        AttributionResult r;
        try (AttributionEngine engine =
                AttributionEngine.builder().method(method).corpus(corpus).build()) {
            r = engine.attribute(AttributionQuery.builder()
                    .model(ModelId.of("cli"))
                    .outputTokens(tokens)
                    .trainedOn(List.of(ref))
                    .build());
        }
        if (json) {
            StringBuilder sb = new StringBuilder("{\"contributors\":[");
            int k = 0;
            for (var e : r.weights().shares().entrySet()) {
                sb.append(k++ == 0 ? "" : ",")
                        .append("{\"id\":\"")
                        .append(e.getKey())
                        .append("\",\"weight\":")
                        .append(r.weights().fractionOf(e.getKey()).toPlainString())
                        .append('}');
            }
            sb.append("],\"spans\":[");
            k = 0;
            for (MatchedSpan s : r.spans()) {
                sb.append(k++ == 0 ? "" : ",")
                        .append("{\"text\":\"")
                        .append(escape(tokenizer.decode(Arrays.copyOfRange(tokens, s.start(), s.end()))))
                        .append("\",\"records\":[");
                for (int j = 0; j < s.recordIds().size(); j++) {
                    sb.append(j == 0 ? "" : ",")
                            .append('"')
                            .append(escape(s.recordIds().get(j)))
                            .append('"');
                }
                sb.append("]}");
            }
            sb.append("],\"regions\":[");
            k = 0;
            for (MatchedSpan.Region g : r.regions()) {
                sb.append(k++ == 0 ? "" : ",")
                        .append("{\"start\":")
                        .append(g.start())
                        .append(",\"end\":")
                        .append(g.end())
                        .append(",\"text\":\"")
                        .append(escape(tokenizer.decode(Arrays.copyOfRange(tokens, g.start(), g.end()))))
                        .append("\",\"records\":")
                        .append(g.recordIds().size())
                        .append('}');
            }
            sb.append("],\"documents\":[");
            k = 0;
            for (RetrievedDocument d : r.documents()) {
                sb.append(k++ == 0 ? "" : ",")
                        .append("{\"record\":\"")
                        .append(escape(d.recordId()))
                        .append("\",\"bm25\":")
                        .append(String.format(java.util.Locale.ROOT, "%.6f", d.bm25()))
                        .append(",\"relevance\":\"")
                        .append(d.relevance().name().toLowerCase(java.util.Locale.ROOT))
                        .append("\"}");
            }
            out.println(sb.append("]}"));
        } else {
            for (MatchedSpan s : r.spans()) {
                out.printf(
                        "span \"%s\" in %s%n",
                        tokenizer.decode(Arrays.copyOfRange(tokens, s.start(), s.end())), s.recordIds());
            }
            for (RetrievedDocument d : r.documents()) {
                out.printf(
                        java.util.Locale.ROOT,
                        "document %s: %s relevance (BM25 %.3f)%n",
                        d.recordId(),
                        d.relevance().name().toLowerCase(java.util.Locale.ROOT),
                        d.bm25());
            }
            for (var e : r.weights().shares().entrySet()) {
                out.printf(
                        "%s %s%n",
                        e.getKey(), r.weights().fractionOf(e.getKey()).toPlainString());
            }
        }
        return 0;
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** {@code attribution bench}: suffix-array build rate and span latency. */
    @Command(
            name = "eval",
            mixinStandardHelpOptions = true,
            description = "Every registered method side by side: linear datamodeling score (LDS, from"
                    + " adapters retrained on random halves), planted-source recall and ms per query.")
    static final class Eval implements Callable<Integer> {
        @Option(names = "--subsets", description = "Retrained half-subsets m for LDS (default ${DEFAULT-VALUE}).")
        int subsets = 20;

        @Option(names = "--records", description = "Training records n for LDS (default ${DEFAULT-VALUE}).")
        int records = 40;

        @Option(names = "--outputs", description = "Planted outputs for recall (default ${DEFAULT-VALUE}).")
        int outputs = 200;

        @Option(names = "--json", description = "Print only the JSON line.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (subsets < 2 || records < 4 || outputs < 1) {
                throw new picocli.CommandLine.ParameterException(
                        new picocli.CommandLine(this), "need --subsets >= 2, --records >= 4, --outputs >= 1");
            }
            System.out.println(eval(subsets, records, outputs, json ? null : System.out));
            return 0;
        }
    }

    /** Runs both evaluations and returns the joined JSON line; narrates to {@code log} if not null. */
    static String eval(int subsets, int records, int outputs, @Nullable PrintStream log) throws Exception {
        PrintStream sink = log != null ? log : new PrintStream(java.io.OutputStream.nullOutputStream());
        List<io.openledger.cli.eval.AttributionEvaluation.Row> planted =
                io.openledger.cli.eval.AttributionEvaluation.run(outputs, 0.05, sink);
        java.util.Map<String, double[]> lds =
                io.openledger.cli.eval.LinearDatamodelingScore.run(subsets, records, sink);
        java.util.Map<String, io.openledger.cli.eval.AttributionEvaluation.Row> byId = new java.util.HashMap<>();
        planted.forEach(r -> byId.put(r.method(), r));
        StringBuilder sb = new StringBuilder("{\"bench\":\"attribution-eval\",\"lds_subsets\":")
                .append(subsets)
                .append(",\"lds_records\":")
                .append(records)
                .append(",\"planted_outputs\":")
                .append(outputs)
                .append(",\"methods\":[");
        if (log != null) {
            log.printf(
                    java.util.Locale.ROOT,
                    "%n%-18s %8s %15s %14s %14s%n",
                    "method",
                    "LDS",
                    "planted recall",
                    "ms/query LDS",
                    "ms/query plant");
        }
        int k = 0;
        for (var e : lds.entrySet()) {
            var row = byId.get(e.getKey());
            String recall = row == null ? "null" : String.format(java.util.Locale.ROOT, "%.3f", row.recall10());
            String plantMs = row == null ? "null" : String.format(java.util.Locale.ROOT, "%.3f", row.meanMs());
            if (log != null) {
                log.printf(
                        java.util.Locale.ROOT,
                        "%-18s %8.3f %15s %14.3f %14s%n",
                        e.getKey(),
                        e.getValue()[0],
                        recall.equals("null") ? "-" : recall,
                        e.getValue()[1],
                        plantMs.equals("null") ? "-" : plantMs);
            }
            sb.append(k++ == 0 ? "" : ",")
                    .append(String.format(
                            java.util.Locale.ROOT,
                            "{\"id\":\"%s\",\"lds\":%.3f,\"planted_recall_at_10\":%s,\"ms_per_query\":%.3f,\"planted_ms_per_query\":%s}",
                            e.getKey(),
                            e.getValue()[0],
                            recall,
                            e.getValue()[1],
                            plantMs));
        }
        return sb.append("]}").toString();
    }

    @Command(name = "bench", mixinStandardHelpOptions = true, description = "Index build rate and query latency.")
    static final class Bench implements Callable<Integer> {
        @Option(
                names = "--tokens",
                description = "Corpus size in tokens (default ${DEFAULT-VALUE}).",
                defaultValue = "100000000")
        long tokens;

        @Option(
                names = "--queries",
                description = "512-token outputs to time (default ${DEFAULT-VALUE}).",
                defaultValue = "300")
        int queries;

        @Option(names = "--json", description = "Print only the JSON line.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            return bench(System.out, tokens, queries, json);
        }
    }

    /**
     * Generates a Zipf(1) corpus over 50,000 token ids in records of 100 to 300 tokens, builds its
     * one shard on one thread, then times span attribution of 512-token outputs that quote two
     * record windows. Prints a JSON line last.
     */
    static int bench(PrintStream out, long target, int queries, boolean json) throws IOException {
        SplittableRandom rnd = new SplittableRandom(42);
        double[] cdf = new double[50_000];
        double acc = 0;
        for (int i = 0; i < cdf.length; i++) {
            acc += 1.0 / (i + 1);
            cdf[i] = acc;
        }
        for (int i = 0; i < cdf.length; i++) {
            cdf[i] /= acc;
        }
        DatanetVersionRef ref = new DatanetVersionRef(DatanetId.of("bench"), 1, io.openledger.core.Hash.ZERO);
        var b = InMemoryCorpus.builder();
        List<CorpusRecord> records = new ArrayList<>();
        long tokens = 0;
        while (tokens < target) {
            int len = (int) Math.min(100 + rnd.nextInt(201), target - tokens);
            CorpusRecord rec = CorpusRecord.of(
                    "r" + records.size(),
                    ContributorId.fromHex("0x" + String.format("%040x", 1 + records.size() % 1000)),
                    ref,
                    zipf(rnd, cdf, len));
            b.add(rec);
            records.add(rec);
            tokens += len;
        }
        Corpus corpus = b.build();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Path dir = Files.createTempDirectory("openledger-attribution-bench");
        try {
            long c0 = mx.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            long indexBytes;
            try (SpanIndex index = SpanIndex.open(corpus, dir)) {
                indexBytes = index.bytes();
            }
            double buildS = (System.nanoTime() - w0) / 1e9;
            double buildCpuS = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
            double[] lat = new double[queries];
            try (AttributionEngine engine = AttributionEngine.builder()
                    .method(SpanMethod.builder().indexDirectory(dir).build())
                    .corpus(corpus)
                    .build()) {
                for (int q = -Math.max(20, queries / 10); q < queries; q++) {
                    int[] o = zipf(rnd, cdf, 512);
                    for (int k = 0; k < 2; k++) {
                        CorpusRecord r = records.get(rnd.nextInt(records.size()));
                        int len = Math.min(r.length(), 40 + rnd.nextInt(41));
                        System.arraycopy(
                                r.tokens(),
                                rnd.nextInt(r.length() - len + 1),
                                o,
                                k * 256 + rnd.nextInt(256 - len),
                                len);
                    }
                    AttributionQuery query = AttributionQuery.builder()
                            .model(ModelId.of("bench"))
                            .outputTokens(o)
                            .trainedOn(List.of(ref))
                            .build();
                    long s0 = System.nanoTime();
                    engine.attribute(query);
                    if (q >= 0) {
                        lat[q] = (System.nanoTime() - s0) / 1e6;
                    }
                }
            }
            Arrays.sort(lat);
            String line = String.format(
                    Locale.ROOT,
                    "{\"bench\":\"attribution-span\",\"corpus_tokens\":%d,\"index_bytes\":%d,\"build_s\":%.2f,\"build_cpu_s\":%.2f,"
                            + "\"build_tokens_per_s\":%.0f,\"output_tokens\":512,\"queries\":%d,\"p50_ms\":%.3f,\"p99_ms\":%.3f}",
                    tokens,
                    indexBytes,
                    buildS,
                    buildCpuS,
                    tokens / buildS,
                    queries,
                    lat[(int) Math.floor(0.5 * (queries - 1))],
                    lat[(int) Math.ceil(0.99 * (queries - 1))]);
            if (!json) {
                out.printf(Locale.ROOT, "built %,d tokens in %.1f s (%.1f s CPU)%n", tokens, buildS, buildCpuS);
            }
            out.println(line);
        } finally {
            FileTrees.delete(dir);
        }
        return 0;
    }

    private static int[] zipf(SplittableRandom rnd, double[] cdf, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int idx = Arrays.binarySearch(cdf, rnd.nextDouble());
            out[i] = Math.min(cdf.length - 1, idx < 0 ? -idx - 1 : idx);
        }
        return out;
    }
}
