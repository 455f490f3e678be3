package io.openledger.cli.eval;

import io.openledger.attribution.AttributionEngine;
import io.openledger.attribution.AttributionQuery;
import io.openledger.attribution.AttributionResult;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.InMemoryCorpus;
import io.openledger.attribution.RecordScore;
import io.openledger.attribution.spi.AttributionMethod;
import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.ModelId;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.spi.ComponentLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The researchers' bench: runs every {@link AttributionMethod} the {@link ComponentLoader} finds
 * (adding a method is one class plus its {@code META-INF/services} line) on the same planted tasks
 * and prints a table. A task is an output built from known records of one contributor (windows of
 * 60–100% of each record, every token replaced by a random one with probability {@code noise}),
 * between generated text from the same token distribution as the corpus. Columns:
 *
 * <ul>
 *   <li>recall@10: the fraction of planted records among the method's ten top-earning records;
 *   <li>precision@P: the fraction of the top P records (P planted per output) that are planted;
 *   <li>top-contributor: how often the planted contributor gets the largest share;
 *   <li>planted share: the mean share of the planted contributor;
 *   <li>LOO spearman: agreement with leave-one-out ground truth (see {@link LeaveOneOut});
 *   <li>ms/query (mean and p99), prepare ms, index bytes.
 * </ul>
 *
 * Prints one JSON line last. Args: {@code [outputs] [noise]} (default 200, 0.05).
 */
public final class AttributionEvaluation {
    private AttributionEvaluation() {}

    record Task(AttributionQuery query, ContributorId source, Set<String> planted) {}

    /** One method's figures. */
    public record Row(
            String method,
            double recall10,
            double precisionP,
            double topContributor,
            double plantedShare,
            double meanMs,
            double p99Ms,
            double prepareMs,
            long indexBytes,
            double looSpearman) {}

    /** Runs the evaluation. */
    public static void main(String[] args) {
        run(
                args.length > 0 ? Integer.parseInt(args[0]) : 200,
                args.length > 1 ? Double.parseDouble(args[1]) : 0.05,
                System.out);
    }

    /**
     * Runs every registered method on {@code outputs} planted tasks with {@code noise}, printing the
     * table and a JSON line to {@code out}; returns one row per method.
     */
    public static List<Row> run(int outputs, double noise, java.io.PrintStream report) {
        SplittableRandom rnd = new SplittableRandom(2024);
        Zipf zipf = new Zipf(5000);
        int contributors = 20;
        int recordsEach = 50;
        List<DatanetVersionRef> versions = List.of(version("eval-a", 1), version("eval-b", 2));
        var b = InMemoryCorpus.builder();
        List<List<CorpusRecord>> byContributor = new ArrayList<>();
        long tokens = 0;
        for (int c = 0; c < contributors; c++) {
            List<CorpusRecord> mine = new ArrayList<>();
            for (int r = 0; r < recordsEach; r++) {
                int[] t = zipf.sample(rnd, 20 + rnd.nextInt(60));
                tokens += t.length;
                CorpusRecord rec = CorpusRecord.of(
                        "c" + c + "-r" + r,
                        ContributorId.fromHex("0x" + String.format("%040x", c + 1)),
                        versions.get(c % 2),
                        t);
                b.add(rec);
                mine.add(rec);
            }
            byContributor.add(mine);
        }
        InMemoryCorpus corpus = b.build();
        List<Task> tasks = new ArrayList<>();
        for (int o = 0; o < outputs; o++) {
            int c = rnd.nextInt(contributors);
            List<CorpusRecord> pool = new ArrayList<>(byContributor.get(c));
            Collections.shuffle(pool, new java.util.Random(rnd.nextLong()));
            List<Integer> out = new ArrayList<>();
            Set<String> planted = new HashSet<>();
            for (int q = 0; q < 3; q++) {
                addAll(out, zipf.sample(rnd, 10 + rnd.nextInt(30)));
                CorpusRecord rec = pool.get(q);
                int len = (int) Math.ceil(rec.length() * (0.6 + 0.4 * rnd.nextDouble()));
                int from = rnd.nextInt(rec.length() - len + 1);
                int[] window = Arrays.copyOfRange(rec.tokens(), from, from + len);
                for (int i = 0; i < window.length; i++) {
                    if (rnd.nextDouble() < noise) {
                        window[i] = zipf.sample(rnd, 1)[0];
                    }
                }
                addAll(out, window);
                planted.add(rec.id());
            }
            addAll(out, zipf.sample(rnd, 10 + rnd.nextInt(30)));
            tasks.add(new Task(
                    AttributionQuery.builder()
                            .model(ModelId.of("eval-model"))
                            .outputTokens(
                                    out.stream().mapToInt(Integer::intValue).toArray())
                            .trainedOn(versions)
                            .build(),
                    ContributorId.fromHex("0x" + String.format("%040x", c + 1)),
                    planted));
        }
        report.printf(
                Locale.ROOT,
                "corpus: %d records, %,d tokens, %d contributors, 2 datanets; %d outputs, 3 planted records each, noise %.2f%n",
                contributors * recordsEach,
                tokens,
                contributors,
                outputs,
                noise);
        // leave-one-out ground truth on a corpus small enough to rebuild once per record
        SplittableRandom looRnd = new SplittableRandom(7);
        List<DatanetVersionRef> looVersions = List.of(version("loo", 1));
        var lb = InMemoryCorpus.builder();
        List<CorpusRecord> looRecords = new ArrayList<>();
        for (int r = 0; r < 60; r++) {
            CorpusRecord rec = CorpusRecord.of(
                    "loo-" + r,
                    ContributorId.fromHex("0x" + String.format("%040x", r % 5 + 1)),
                    looVersions.get(0),
                    zipf.sample(looRnd, 20 + looRnd.nextInt(40)));
            lb.add(rec);
            looRecords.add(rec);
        }
        InMemoryCorpus looCorpus = lb.build();
        List<AttributionQuery> looOutputs = new ArrayList<>();
        for (int o = 0; o < 15; o++) {
            List<Integer> out = new ArrayList<>();
            for (int q = 0; q < 2; q++) {
                addAll(out, zipf.sample(looRnd, 10 + looRnd.nextInt(20)));
                int[] t = looRecords.get(looRnd.nextInt(looRecords.size())).tokens();
                for (int i = 0; i < t.length; i++) {
                    if (looRnd.nextDouble() < noise) {
                        t[i] = zipf.sample(looRnd, 1)[0];
                    }
                }
                addAll(out, t);
            }
            looOutputs.add(AttributionQuery.builder()
                    .model(ModelId.of("eval-model"))
                    .outputTokens(out.stream().mapToInt(Integer::intValue).toArray())
                    .trainedOn(looVersions)
                    .build());
        }
        LeaveOneOut loo = new LeaveOneOut(looCorpus, 5000);
        long l0 = System.nanoTime();
        List<double[]> drops = loo.drops(looOutputs);
        report.printf(
                Locale.ROOT,
                "leave-one-out ground truth: %d records x %d outputs, infini-gram log-likelihood drop, %.1f s%n",
                looRecords.size(),
                looOutputs.size(),
                (System.nanoTime() - l0) / 1e9);
        List<Row> rows = new ArrayList<>();
        for (AttributionMethod m : ComponentLoader.serviceLoader().load(AttributionMethod.class)) {
            Row r = evaluate(m, corpus, tasks);
            rows.add(new Row(
                    r.method(),
                    r.recall10(),
                    r.precisionP(),
                    r.topContributor(),
                    r.plantedShare(),
                    r.meanMs(),
                    r.p99Ms(),
                    r.prepareMs(),
                    r.indexBytes(),
                    loo.agreement(m, looOutputs, drops)));
        }
        report.printf(
                Locale.ROOT,
                "%-18s %9s %11s %15s %13s %12s %9s %8s %11s %12s%n",
                "method",
                "recall@10",
                "precision@P",
                "top-contributor",
                "planted-share",
                "LOO spearman",
                "ms/query",
                "p99 ms",
                "prepare ms",
                "index bytes");
        for (Row r : rows) {
            report.printf(
                    Locale.ROOT,
                    "%-18s %9.3f %11.3f %15.3f %13.3f %12.3f %9.3f %8.3f %11.1f %12d%n",
                    r.method(),
                    r.recall10(),
                    r.precisionP(),
                    r.topContributor(),
                    r.plantedShare(),
                    r.looSpearman(),
                    r.meanMs(),
                    r.p99Ms(),
                    r.prepareMs(),
                    r.indexBytes());
        }
        StringBuilder json = new StringBuilder(
                "{\"bench\":\"attribution-eval\",\"outputs\":" + outputs + ",\"noise\":" + noise + ",\"methods\":[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            json.append(i == 0 ? "" : ",")
                    .append(String.format(
                            Locale.ROOT,
                            "{\"id\":\"%s\",\"recall_at_10\":%.3f,\"precision_at_p\":%.3f,\"top_contributor\":%.3f,"
                                    + "\"planted_share\":%.3f,\"loo_spearman\":%.3f,\"ms_per_query\":%.3f,\"p99_ms\":%.3f,\"prepare_ms\":%.1f,"
                                    + "\"index_bytes\":%d}",
                            r.method(),
                            r.recall10(),
                            r.precisionP(),
                            r.topContributor(),
                            r.plantedShare(),
                            r.looSpearman(),
                            r.meanMs(),
                            r.p99Ms(),
                            r.prepareMs(),
                            r.indexBytes()));
        }
        report.println(json.append("]}"));
        return rows;
    }

    static Row evaluate(AttributionMethod method, InMemoryCorpus corpus, List<Task> tasks) {
        long p0 = System.nanoTime();
        try (AttributionEngine engine =
                AttributionEngine.builder().method(method).corpus(corpus).build()) {
            double prepareMs = (System.nanoTime() - p0) / 1e6;
            for (int i = 0; i < Math.min(20, tasks.size()); i++) {
                engine.attribute(tasks.get(i).query()); // warm-up
            }
            double recall = 0;
            double precision = 0;
            double top = 0;
            double share = 0;
            double[] ms = new double[tasks.size()];
            for (int i = 0; i < tasks.size(); i++) {
                Task t = tasks.get(i);
                long q0 = System.nanoTime();
                AttributionResult r = engine.attribute(t.query());
                ms[i] = (System.nanoTime() - q0) / 1e6;
                List<String> ranked = r.records().stream()
                        .filter(s -> s.earning().signum() > 0)
                        .map(RecordScore::record)
                        .map(CorpusRecord::id)
                        .toList();
                recall += hits(ranked, t.planted(), 10) / (double) t.planted().size();
                precision += hits(ranked, t.planted(), t.planted().size())
                        / (double) t.planted().size();
                top += r.weights().shares().entrySet().stream()
                                .max(Map.Entry.comparingByValue())
                                .map(e -> e.getKey().equals(t.source()))
                                .orElse(false)
                        ? 1
                        : 0;
                share += r.weights().fractionOf(t.source()).doubleValue();
            }
            int n = tasks.size();
            double mean = Arrays.stream(ms).average().orElse(0);
            Arrays.sort(ms);
            return new Row(
                    method.id(),
                    recall / n,
                    precision / n,
                    top / n,
                    share / n,
                    mean,
                    ms[(int) Math.ceil(0.99 * (n - 1))],
                    prepareMs,
                    engine.indexBytes(),
                    Double.NaN);
        }
    }

    private static int hits(List<String> ranked, Set<String> planted, int k) {
        int h = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (planted.contains(ranked.get(i))) {
                h++;
            }
        }
        return h;
    }

    private static void addAll(List<Integer> out, int[] tokens) {
        for (int t : tokens) {
            out.add(t);
        }
    }

    private static DatanetVersionRef version(String name, long v) {
        return new DatanetVersionRef(DatanetId.of(name), v, Hashing.keccak256(Bytes.utf8(name + "@" + v)));
    }
}
