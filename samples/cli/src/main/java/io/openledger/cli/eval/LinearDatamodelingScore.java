package io.openledger.cli.eval;

import io.openledger.attribution.AttributionEngine;
import io.openledger.attribution.AttributionQuery;
import io.openledger.attribution.AttributionResult;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.DataInfMethod;
import io.openledger.attribution.InMemoryCorpus;
import io.openledger.attribution.RecordScore;
import io.openledger.attribution.spi.AttributionMethod;
import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.FileTrees;
import io.openledger.core.ModelId;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.spi.ComponentLoader;
import io.openledger.lora.DType;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.TestModels;
import io.openledger.lora.Tokenizer;
import io.openledger.lora.factory.AdapterGradients;
import io.openledger.lora.factory.FactoryEval;
import io.openledger.lora.factory.FactoryTrainer;
import io.openledger.lora.factory.TrainingExample;
import io.openledger.lora.factory.TrainingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The linear datamodeling score (Park et al., ICML 2023, "TRAK", §2) of every registered attribution
 * method, DataInf over real LoRA gradients, and a random baseline, on a tiny LoRA task trained with
 * the real trainer. m random half-subsets S_j of the n training records are each trained into an
 * adapter; for each test query z the actual outcome is −loss(z; θ(S_j)) and a method's prediction is
 * {@code Σ_{i∈S_j} τ(z)_i} with τ its scores on the full set; LDS(z) is the Spearman correlation over
 * j, averaged over z. Args: {@code [m] [n]} (default 30, 40). Prints a table and one JSON line last.
 */
public final class LinearDatamodelingScore {
    private static final String[] TOPICS = {"amber", "basalt", "cobalt", "dune"};

    private LinearDatamodelingScore() {}

    /** Runs the evaluation. */
    public static void main(String[] args) throws Exception {
        run(
                args.length > 0 ? Integer.parseInt(args[0]) : 30,
                args.length > 1 ? Integer.parseInt(args[1]) : 40,
                System.out);
    }

    /**
     * Trains {@code m} half-subset adapters of {@code n} records, prints the table and a JSON line
     * to {@code out}, and returns {LDS, ms per query} by method id.
     */
    public static Map<String, double[]> run(int m, int n, java.io.PrintStream report) throws Exception {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        Path work = Files.createTempDirectory("lds");
        try {
            return run(m, n, report, work);
        } finally {
            FileTrees.delete(work);
        }
    }

    private static Map<String, double[]> run(int m, int n, java.io.PrintStream report, Path work) throws Exception {
        Map<String, double[]> results = new LinkedHashMap<>();
        Path base = work.resolve("base");
        ModelConfig cfg = TestModels.config(ModelConfig.Architecture.LLAMA, 1, 32, 2, 2, 64, 300);
        TestModels.writeModel(base, cfg, 11, DType.F32, 1);
        Tokenizer tok = Tokenizer.load(base);
        SplittableRandom rnd = new SplittableRandom(2024);
        List<TrainingExample> train = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // uneven topics, so that subsets change how much each topic is seen
            int topic = rnd.nextInt(TOPICS.length);
            train.add(new TrainingExample(
                    String.format("r%02d", i),
                    "Question: what does datanet " + i + " hold? Answer:",
                    " records about " + TOPICS[topic] + "."));
        }
        List<TrainingExample> tests = new ArrayList<>();
        for (int t = 0; t < 2 * TOPICS.length; t++) {
            tests.add(new TrainingExample(
                    "z" + t,
                    "Question: what does datanet " + (900 + t) + " hold? Answer:",
                    " records about " + TOPICS[t % TOPICS.length] + "."));
        }
        TrainingSettings s = TrainingSettings.builder()
                .targetModules(List.of("q_proj", "v_proj", "down_proj"))
                .rank(4)
                .alpha(8)
                .learningRate(3e-3)
                .epochs(3)
                .batchSize(4)
                .seqLength(48)
                .validationFraction(0)
                .seed(1)
                .build();
        DatanetVersionRef version =
                new DatanetVersionRef(DatanetId.of("lds"), 1, Hashing.keccak256(Bytes.utf8("lds@1")));
        InMemoryCorpus.Builder cb = InMemoryCorpus.builder();
        for (int i = 0; i < n; i++) {
            TrainingExample e = train.get(i);
            cb.add(CorpusRecord.of(
                    e.id(),
                    ContributorId.fromHex("0x" + String.format("%040x", i % 5 + 1)),
                    version,
                    tok.encode(e.prompt() + e.completion(), false)));
        }
        InMemoryCorpus corpus = cb.build();

        // actual outcomes: train on m random halves
        long t0 = System.nanoTime();
        boolean[][] in = new boolean[m][n];
        double[][] outcome = new double[m][tests.size()];
        for (int j = 0; j < m; j++) {
            // exactly half of the records (alpha = 0.5): with random sizes, any positive scores would
            // "predict" the size effect and even a random baseline would score well
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int r = rnd.nextInt(i + 1);
                int tmp = perm[i];
                perm[i] = perm[r];
                perm[r] = tmp;
            }
            for (int i = 0; i < n / 2; i++) {
                in[j][perm[i]] = true;
            }
            List<TrainingExample> half = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (in[j][i]) {
                    half.add(train.get(i));
                }
            }
            Path out = work.resolve("subset-" + j);
            FactoryTrainer.lora(base)
                    .settings(s)
                    .examples(half)
                    .output(out)
                    .build()
                    .train();
            for (int t = 0; t < tests.size(); t++) {
                outcome[j][t] = -FactoryEval.evaluate(base, out, List.of(tests.get(t)), 48)
                        .loss();
            }
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        Path full = work.resolve("full");
        FactoryTrainer.lora(base)
                .settings(s)
                .examples(train)
                .output(full)
                .build()
                .train();

        Map<String, AttributionMethod> methods = new LinkedHashMap<>();
        for (AttributionMethod am : ComponentLoader.serviceLoader().load(AttributionMethod.class)) {
            methods.put(am.id(), am);
        }
        List<String> rows = new ArrayList<>();
        StringBuilder json =
                new StringBuilder("{\"bench\":\"attribution-lds\",\"m\":" + m + ",\"n\":" + n + ",\"methods\":[");
        try (AdapterGradients grads = AdapterGradients.open(base, full, train, 48)) {
            methods.put("datainf-lora", DataInfMethod.builder().gradients(grads).build());
            methods.put("random", null);
            report.printf(
                    Locale.ROOT,
                    "%d subsets of %d records trained in %.1f s; %d test queries%n",
                    m,
                    n,
                    trainSeconds,
                    tests.size());
            report.printf(Locale.ROOT, "%-18s %8s %10s%n", "method", "LDS", "ms/query");
            int k = 0;
            for (Map.Entry<String, AttributionMethod> e : methods.entrySet()) {
                double lds = 0;
                double ms = 0;
                for (int t = 0; t < tests.size(); t++) {
                    TrainingExample z = tests.get(t);
                    long q0 = System.nanoTime();
                    Map<String, Double> tau = scores(e.getValue(), corpus, version, tok, z, new SplittableRandom(t));
                    ms += (System.nanoTime() - q0) / 1e6;
                    double[] predicted = new double[m];
                    double[] actual = new double[m];
                    for (int j = 0; j < m; j++) {
                        for (int i = 0; i < n; i++) {
                            if (in[j][i]) {
                                predicted[j] += tau.getOrDefault(train.get(i).id(), 0.0);
                            }
                        }
                        actual[j] = outcome[j][t];
                    }
                    // undefined (no spread in one of them) counts as no agreement
                    double rho = LeaveOneOut.spearman(predicted, actual);
                    lds += Double.isNaN(rho) ? 0 : rho;
                }
                lds /= tests.size();
                ms /= tests.size();
                report.printf(Locale.ROOT, "%-18s %8.3f %10.3f%n", e.getKey(), lds, ms);
                results.put(e.getKey(), new double[] {lds, ms});
                json.append(k++ == 0 ? "" : ",")
                        .append(String.format(
                                Locale.ROOT,
                                "{\"id\":\"%s\",\"lds\":%.3f,\"ms_per_query\":%.3f}",
                                e.getKey(),
                                lds,
                                ms));
            }
        }
        report.println(json.append("]}"));
        return results;
    }

    private static Map<String, Double> scores(
            AttributionMethod method,
            InMemoryCorpus corpus,
            DatanetVersionRef version,
            Tokenizer tok,
            TrainingExample z,
            SplittableRandom rnd) {
        Map<String, Double> tau = new HashMap<>();
        if (method == null) {
            for (CorpusRecord r : corpus.records(version)) {
                tau.put(r.id(), rnd.nextDouble());
            }
            return tau;
        }
        try (AttributionEngine engine =
                AttributionEngine.builder().method(method).corpus(corpus).build()) {
            AttributionResult r = engine.attribute(AttributionQuery.builder()
                    .model(ModelId.of("lds"))
                    .promptTokens(tok.encode(z.prompt(), true))
                    .outputTokens(tok.encode(z.completion(), false))
                    .trainedOn(List.of(version))
                    .build());
            for (RecordScore s : r.records()) {
                tau.put(s.record().id(), s.raw());
            }
        }
        return tau;
    }
}
