package io.openledger.benchmarks.lora;

import io.openledger.lora.DType;
import io.openledger.lora.LlamaModel;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.TestModels;
import io.openledger.lora.WeightFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-stream decode of a generated ~120M-parameter Llama (F32, BF16, Q8 weights) on the pure-Java
 * engine, against the machine's streaming read bandwidth measured in the same run and the same decode
 * through DJL PyTorch (float32, libtorch on CPU). Prints one JSON line last.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -Xmx8g -cp ... LoraDecodeBenchmark [tokens]}.
 */
public final class LoraDecodeBenchmark {
    private LoraDecodeBenchmark() {}

    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;

    /** Sum of a[from..to) with four vector accumulators: a compiled method, called per 4 MiB chunk. */
    static float sum(float[] a, int from, int to) {
        int l = SP.length();
        FloatVector a0 = FloatVector.zero(SP);
        FloatVector a1 = FloatVector.zero(SP);
        FloatVector a2 = FloatVector.zero(SP);
        FloatVector a3 = FloatVector.zero(SP);
        for (int i = from; i + 4 * l <= to; i += 4 * l) {
            a0 = a0.add(FloatVector.fromArray(SP, a, i));
            a1 = a1.add(FloatVector.fromArray(SP, a, i + l));
            a2 = a2.add(FloatVector.fromArray(SP, a, i + 2 * l));
            a3 = a3.add(FloatVector.fromArray(SP, a, i + 3 * l));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }

    /**
     * Streaming read bandwidth in bytes/s: the best of several passes summing a 1 GiB float array with
     * the Vector API on every core (the access pattern of the F32 matrix-vector kernel).
     */
    static double bandwidth(int threads) throws Exception {
        int n = 1 << 28;
        float[] data = new float[n];
        for (int i = 0; i < n; i += 1024) {
            data[i] = 1;
        }
        float warm = 0;
        for (int i = 0; i < 20_000; i++) {
            warm += sum(data, 0, 4096); // compile sum() before measuring
        }
        int chunk = 1 << 20;
        double best = 0;
        float[] sums = new float[threads];
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int rep = 0; rep < 8; rep++) {
                long t0 = System.nanoTime();
                Future<?>[] parts = new Future<?>[threads];
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    parts[t] = pool.submit(() -> {
                        int from = (int) ((long) n * id / threads);
                        int to = (int) ((long) n * (id + 1) / threads);
                        float s = 0;
                        for (int c = from; c < to; c += chunk) {
                            s += sum(data, c, Math.min(to, c + chunk));
                        }
                        sums[id] = s;
                    });
                }
                for (Future<?> f : parts) {
                    f.get();
                }
                best = Math.max(best, 4.0 * n / ((System.nanoTime() - t0) / 1e9));
            }
        }
        if (sums[0] + warm < 0) {
            System.err.println(sums[0]);
        }
        return best;
    }

    private static double decodeJava(LlamaModel m, int tokens) {
        LlamaModel.Session s = m.newSession(null);
        s.forward(new int[] {1, 2, 3, 4});
        for (int i = 0; i < 4; i++) {
            s.forward(new int[] {5 + i}); // warm-up
        }
        long t0 = System.nanoTime();
        int tok = 7;
        for (int i = 0; i < tokens; i++) {
            float[] logits = s.forward(new int[] {tok});
            tok = io.openledger.lora.Sampler.argmax(logits);
        }
        return tokens / ((System.nanoTime() - t0) / 1e9);
    }

    private static double decodeTorch(TorchDecoder d, int tokens) {
        for (int t : new int[] {1, 2, 3, 4, 5, 6, 7, 8}) {
            d.step(t);
        }
        long t0 = System.nanoTime();
        int tok = 7;
        for (int i = 0; i < tokens; i++) {
            tok = io.openledger.lora.Sampler.argmax(d.step(tok));
        }
        return tokens / ((System.nanoTime() - t0) / 1e9);
    }

    /** Entry point: optional argument = decode tokens per measurement (default 32). */
    public static void main(String[] args) throws Exception {
        int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int threads = Runtime.getRuntime().availableProcessors();
        Path dir = Files.createTempDirectory("lora-bench");
        System.setProperty("ai.djl.offline", "true");
        // libtorch gets the same number of threads as the Java engine
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        if (System.getProperty("DJL_CACHE_DIR") == null) {
            System.setProperty(
                    "DJL_CACHE_DIR",
                    Path.of("benchmarks/target/djl-cache").toAbsolutePath().toString());
            System.setProperty("ENGINE_CACHE_DIR", System.getProperty("DJL_CACHE_DIR"));
        }
        try {
            ModelConfig cfg = TestModels.config(ModelConfig.Architecture.LLAMA, 12, 768, 12, 4, 2048, 32000);
            TestModels.writeModel(dir, cfg, 1, DType.F32, 1);
            System.err.printf("model: %,d parameters, %d threads%n", cfg.parameterCount(), threads);
            // The machine is shared: measure bandwidth and each format in interleaved rounds and keep the
            // best of each, so that a burst of load elsewhere does not bias one number against another.
            Map<WeightFormat, LlamaModel> models = new java.util.EnumMap<>(WeightFormat.class);
            for (WeightFormat f : WeightFormat.values()) {
                models.put(f, LlamaModel.builder(dir).weights(f).build());
            }
            double bw = 0;
            Map<WeightFormat, Double> best = new java.util.EnumMap<>(WeightFormat.class);
            for (int round = 0; round < 3; round++) {
                bw = Math.max(bw, bandwidth(threads));
                for (WeightFormat f : WeightFormat.values()) {
                    best.merge(f, decodeJava(models.get(f), tokens), Math::max);
                }
            }
            System.err.printf(Locale.ROOT, "read bandwidth: %.2f GB/s%n", bw / 1e9);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("benchmark", "lora-decode");
            out.put("params", cfg.parameterCount());
            out.put("threads", threads);
            out.put("decode_tokens", tokens);
            out.put("bandwidth_gbs", round(bw / 1e9));
            for (WeightFormat f : WeightFormat.values()) {
                LlamaModel m = models.get(f);
                double tps = best.get(f);
                double frac = m.decodeBytes() * tps / bw;
                String k = f.name().toLowerCase(Locale.ROOT);
                out.put(k + "_tokens_per_s", round(tps));
                out.put(k + "_weight_mb", round(m.decodeBytes() / 1e6));
                out.put(k + "_bandwidth_fraction", round(frac));
                out.put("kernels", m.kernelsId());
                System.err.printf(Locale.ROOT, "%s: %.2f tok/s, %.0f%% of the bandwidth bound%n", f, tps, 100 * frac);
                m.close();
            }
            models.clear();
            System.gc();
            // libtorch at batch 1 is often faster on one thread than on two (OpenMP overhead): take its best
            double torch = 0;
            out.put("torch_version", TorchDecoder.version()); // starts the engine
            for (int t = threads; t >= 1; t = t == 1 ? 0 : 1) {
                ai.djl.pytorch.jni.JniUtils.setNumThreads(t);
                try (TorchDecoder d = new TorchDecoder(dir)) {
                    double tps = decodeTorch(d, tokens);
                    out.put("djl_pytorch_f32_" + t + "t_tokens_per_s", round(tps));
                    System.err.printf(Locale.ROOT, "DJL PyTorch F32, %d threads: %.2f tok/s%n", t, tps);
                    torch = Math.max(torch, tps);
                }
            }
            System.err.printf(Locale.ROOT, "DJL PyTorch F32: %.2f tok/s%n", torch);
            out.put("djl_pytorch_f32_tokens_per_s", round(torch));
            for (String k : new String[] {"f32", "bf16", "q8"}) {
                out.put(k + "_vs_djl_pytorch", round((double) out.get(k + "_tokens_per_s") / torch));
            }
            StringBuilder json = new StringBuilder("{");
            out.forEach((k, v) -> json.append(json.length() > 1 ? "," : "")
                    .append('"')
                    .append(k)
                    .append("\":")
                    .append(v instanceof String ? "\"" + v + "\"" : v));
            System.out.println(json.append('}'));
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
