package io.openledger.benchmarks.factory;

import io.openledger.attribution.AttributionEngine;
import io.openledger.attribution.AttributionQuery;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.DataInfMethod;
import io.openledger.attribution.InMemoryCorpus;
import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.ModelId;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.contract.LayerGradients;
import io.openledger.core.contract.LoraGradients;
import io.openledger.core.crypto.Hashing;
import io.openledger.lora.DType;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.TestModels;
import io.openledger.lora.factory.AdapterGradients;
import io.openledger.lora.factory.FactoryTrainer;
import io.openledger.lora.factory.TrainingExample;
import io.openledger.lora.factory.TrainingReport;
import io.openledger.lora.factory.TrainingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * (1) LoRA training throughput (tokens per second, prompt and completion tokens through forward and
 * backward) of the factory trainer on a ~20M-parameter Llama (4 layers, hidden 512, vocab 8192) on
 * this CPU; (2) DataInf milliseconds per query over 1,000 training records whose gradients have the
 * shapes of that model's LoRA adapter (values drawn at random: DataInf's cost depends only on the
 * shapes), excluding the query's own backward pass, which is timed separately on the real model.
 * Args: {@code [steps]} (default 4). Prints one JSON line last.
 */
public final class FactoryBench {
    private FactoryBench() {}

    /** Runs the benchmark. */
    public static void main(String[] args) throws Exception {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        Path work = Files.createTempDirectory("factory-bench");
        Path base = work.resolve("base");
        ModelConfig cfg = TestModels.config(ModelConfig.Architecture.LLAMA, 4, 512, 8, 4, 1376, 8192);
        TestModels.writeModel(base, cfg, 1, DType.F32, 1);
        SplittableRandom rnd = new SplittableRandom(3);
        String[] words = TestModels.CORPUS.split("\\s+");
        int batch = 4;
        List<TrainingExample> ex = new ArrayList<>();
        for (int i = 0; i < batch * steps; i++) {
            StringBuilder sb = new StringBuilder();
            while (sb.length() < 600) {
                sb.append(words[rnd.nextInt(words.length)]).append(' ');
            }
            ex.add(new TrainingExample("b" + i, "", sb.toString()));
        }
        TrainingSettings s = TrainingSettings.builder()
                .targetModules(List.of("q_proj", "v_proj"))
                .rank(8)
                .epochs(1)
                .batchSize(batch)
                .seqLength(128)
                .validationFraction(0)
                .build();
        // warm-up run (native library load, allocator), then the timed run
        FactoryTrainer.lora(base)
                .settings(s)
                .examples(ex.subList(0, batch))
                .output(work.resolve("warm"))
                .build()
                .train();
        long t0 = System.nanoTime();
        TrainingReport r = FactoryTrainer.lora(base)
                .settings(s)
                .examples(ex)
                .output(work.resolve("a"))
                .build()
                .train();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long tokens = (long) ex.size() * 128; // every text is longer than 128 tokens, so each is cut to 128
        double tokensPerSecond = tokens / seconds;
        System.out.printf(
                Locale.ROOT,
                "LoRA training: %,d-parameter model, %d steps x %d examples x 128 tokens in %.1f s = %.0f tokens/s (final loss %.3f)%n",
                cfg.parameterCount(),
                r.steps(),
                batch,
                seconds,
                tokensPerSecond,
                r.lossCurve().getLast());

        // the real per-example backward on this model, for one query
        double queryGradMs;
        List<int[]> shapes = new ArrayList<>();
        try (AdapterGradients g = AdapterGradients.open(base, work.resolve("a"), List.of(ex.getFirst()), 128)) {
            int[] prompt = g.tokenizer().encode("Question: what is a datanet?", true);
            int[] output = g.tokenizer().encode(" a community owned, versioned dataset.", false);
            g.query(prompt, output);
            long q0 = System.nanoTime();
            LayerGradients q = g.query(prompt, output);
            queryGradMs = (System.nanoTime() - q0) / 1e6;
            for (int l = 0; l < q.layerCount(); l++) {
                shapes.add(new int[] {q.dimension(l)});
            }
        }
        int n = 1000;
        Map<String, LayerGradients> train = new HashMap<>();
        long dims = 0;
        for (int i = 0; i < n; i++) {
            List<float[]> layers = new ArrayList<>();
            for (int[] sh : shapes) {
                float[] v = new float[sh[0]];
                for (int j = 0; j < v.length; j++) {
                    v[j] = (float) rnd.nextGaussian() * 1e-3f;
                }
                layers.add(v);
                if (i == 0) {
                    dims += v.length;
                }
            }
            train.put(String.format("t%04d", i), LayerGradients.of(layers));
        }
        LayerGradients query = train.get("t0000");
        LoraGradients source = new LoraGradients() {
            @Override
            public List<String> layers() {
                List<String> names = new ArrayList<>();
                for (int l = 0; l < shapes.size(); l++) {
                    names.add("layer" + l);
                }
                return names;
            }

            @Override
            public List<String> trainingIds() {
                return new ArrayList<>(new java.util.TreeSet<>(train.keySet()));
            }

            @Override
            public Optional<LayerGradients> training(String recordId) {
                return Optional.ofNullable(train.get(recordId));
            }

            @Override
            public LayerGradients query(int[] promptTokens, int[] outputTokens) {
                return query;
            }
        };
        DatanetVersionRef v = new DatanetVersionRef(DatanetId.of("bench"), 1, Hashing.keccak256(Bytes.utf8("bench@1")));
        InMemoryCorpus.Builder cb = InMemoryCorpus.builder();
        for (String id : train.keySet()) {
            cb.add(CorpusRecord.of(
                    id, ContributorId.fromHex("0x" + String.format("%040x", 1)), v, new int[] {1, 2, 3}));
        }
        double dataInfMs;
        try (AttributionEngine engine = AttributionEngine.builder()
                .method(DataInfMethod.builder().gradients(source).build())
                .corpus(cb.build())
                .build()) {
            AttributionQuery q = AttributionQuery.builder()
                    .model(ModelId.of("bench"))
                    .outputTokens(new int[] {1, 2, 3})
                    .trainedOn(List.of(v))
                    .build();
            engine.attribute(q);
            int reps = 5;
            long d0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                engine.attribute(q);
            }
            dataInfMs = (System.nanoTime() - d0) / 1e6 / reps;
        }
        System.out.printf(
                Locale.ROOT,
                "DataInf: %d records x %,d LoRA gradient values (%d layers): %.1f ms/query; query backward %.1f ms%n",
                n,
                dims,
                shapes.size(),
                dataInfMs,
                queryGradMs);
        System.out.printf(
                Locale.ROOT,
                "{\"bench\":\"factory\",\"params\":%d,\"train_tokens_per_s\":%.1f,\"datainf_records\":%d,\"lora_grad_dims\":%d,"
                        + "\"datainf_ms_per_query\":%.2f,\"query_backward_ms\":%.2f}%n",
                cfg.parameterCount(),
                tokensPerSecond,
                n,
                dims,
                dataInfMs,
                queryGradMs);
    }
}
