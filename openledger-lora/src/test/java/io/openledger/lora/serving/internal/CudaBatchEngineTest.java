package io.openledger.lora.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.openledger.core.FileTrees;
import io.openledger.lora.AdapterConfig;
import io.openledger.lora.DType;
import io.openledger.lora.LoraAdapter;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.TestModels;
import io.openledger.lora.WeightFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CUDA engine against the CPU engine, and against itself in other batches. Needs an NVIDIA GPU
 * and driver: without one every test but {@link #refusesToStartWithoutCuda} is skipped, with the
 * reason {@link CudaSupport} gives.
 */
class CudaBatchEngineTest {
    private static final Optional<String> UNAVAILABLE = CudaSupport.unavailableReason();
    private static Path root;
    private static ModelConfig cfg;
    private static final List<LoraAdapter> F32_ADAPTERS = new ArrayList<>();
    private static final List<LoraAdapter> BF16_ADAPTERS = new ArrayList<>();

    @BeforeAll
    static void models() throws IOException {
        root = Files.createTempDirectory("cuda-engine");
        // grouped-query attention (4 query heads on 2 KV heads), q/k/v biases (Qwen2), a head dim of 16
        cfg = TestModels.config(ModelConfig.Architecture.QWEN2, 2, 64, 4, 2, 128, 300);
        TestModels.writeModel(root.resolve("f32"), cfg, 7, DType.F32, 1);
        TestModels.writeModel(root.resolve("bf16"), cfg, 7, DType.BF16, 1);
        int[] ranks = {2, 8, 16, 5};
        List<String> all = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
        for (int i = 0; i < ranks.length; i++) {
            Path d = root.resolve("adapter-" + i);
            List<String> targets = i == 3 ? List.of("q_proj", "v_proj", "down_proj") : all;
            TestModels.writeAdapter(d, cfg, AdapterConfig.of(ranks[i], 4.0 * ranks[i], targets), 100 + i, DType.F32);
            F32_ADAPTERS.add(LoraAdapter.load(d, cfg));
            BF16_ADAPTERS.add(LoraAdapter.load(d, cfg, LoraAdapter.OWN_BF16));
        }
    }

    @AfterAll
    static void clean() {
        FileTrees.deleteQuietly(root);
    }

    private static void assumeCuda() {
        assumeTrue(UNAVAILABLE.isEmpty(), () -> "no usable CUDA device: " + UNAVAILABLE.orElse(""));
    }

    private static CudaBatchEngine cuda(String form, long adapterBytes) {
        return new CudaBatchEngine(root.resolve(form), null, 0, 8L << 20, 8, adapterBytes);
    }

    private static CpuBatchEngine cpu(String form) {
        return new CpuBatchEngine(root.resolve(form), null, 2, 8L << 20, 8);
    }

    /** A request of the test: its adapter (index, or -1 for none) and prompt. */
    private record Req(int adapter, int[] prompt) {}

    private static List<Req> requests(long seed, int count) {
        Random rnd = new Random(seed);
        List<Req> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] prompt = new int[1 + rnd.nextInt(20)];
            for (int j = 0; j < prompt.length; j++) {
                prompt[j] = rnd.nextInt(cfg.vocabSize());
            }
            out.add(new Req(rnd.nextInt(F32_ADAPTERS.size() + 1) - 1, prompt));
        }
        return out;
    }

    private static @Nullable LoraAdapter adapter(Req r, List<LoraAdapter> adapters) {
        return r.adapter() < 0 ? null : adapters.get(r.adapter());
    }

    /**
     * Runs the requests on {@code engine} together, teacher-forced: the prompts in one batch (in
     * chunks of at most {@code chunk}), then {@code steps} decode steps feeding each sequence the
     * token {@code feed} gives it. Returns, per request, its logits after the prompt and after each step.
     */
    private static List<List<float[]>> run(
            BatchEngine engine, List<Req> reqs, List<LoraAdapter> adapters, int chunk, int steps, int[][] feed) {
        List<Sequence> seqs = new ArrayList<>();
        List<List<float[]>> logits = new ArrayList<>();
        for (Req r : reqs) {
            Sequence s = new Sequence();
            assertThat(engine.kv().reserve(s, r.prompt().length + steps + 1)).isTrue();
            seqs.add(s);
            logits.add(new ArrayList<>());
        }
        try {
            int[] done = new int[reqs.size()];
            for (boolean more = true; more; ) {
                List<BatchEngine.Work> batch = new ArrayList<>();
                List<Integer> who = new ArrayList<>();
                for (int i = 0; i < reqs.size(); i++) {
                    int[] p = reqs.get(i).prompt();
                    if (done[i] < p.length) {
                        int n = Math.min(chunk, p.length - done[i]);
                        int[] part = Arrays.copyOfRange(p, done[i], done[i] + n);
                        done[i] += n;
                        batch.add(new BatchEngine.Work(
                                seqs.get(i), part, adapter(reqs.get(i), adapters), done[i] == p.length));
                        who.add(i);
                    }
                }
                more = !batch.isEmpty();
                if (more) {
                    engine.step(batch);
                    for (int b = 0; b < batch.size(); b++) {
                        if (batch.get(b).wantLogits) {
                            logits.get(who.get(b)).add(batch.get(b).logits().clone());
                        }
                    }
                }
            }
            for (int s = 0; s < steps; s++) {
                List<BatchEngine.Work> batch = new ArrayList<>();
                for (int i = 0; i < reqs.size(); i++) {
                    batch.add(new BatchEngine.Work(
                            seqs.get(i), new int[] {feed[i][s]}, adapter(reqs.get(i), adapters), true));
                }
                engine.step(batch);
                for (int i = 0; i < reqs.size(); i++) {
                    logits.get(i).add(batch.get(i).logits().clone());
                }
            }
        } finally {
            seqs.forEach(engine.kv()::release);
        }
        return logits;
    }

    /** Request i alone, each in a batch of its own, in prompt chunks of {@code chunk}. */
    private static List<List<float[]>> alone(
            BatchEngine engine, List<Req> reqs, List<LoraAdapter> adapters, int chunk, int steps, int[][] feed) {
        List<List<float[]>> out = new ArrayList<>();
        for (int i = 0; i < reqs.size(); i++) {
            out.add(run(engine, List.of(reqs.get(i)), adapters, chunk, steps, new int[][] {feed[i]})
                    .getFirst());
        }
        return out;
    }

    private static void assertSameBits(List<List<float[]>> actual, List<List<float[]>> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("request %d", i).hasSameSizeAs(expected.get(i));
            for (int s = 0; s < expected.get(i).size(); s++) {
                assertThat(actual.get(i).get(s))
                        .as("request %d, logits %d", i, s)
                        .containsExactly(expected.get(i).get(s));
            }
        }
    }

    private static int[][] feed(long seed, int requests, int steps) {
        Random rnd = new Random(seed);
        int[][] f = new int[requests][steps];
        for (int[] row : f) {
            for (int s = 0; s < steps; s++) {
                row[s] = rnd.nextInt(cfg.vocabSize());
            }
        }
        return f;
    }

    @ParameterizedTest
    @EnumSource(
            value = WeightFormat.class,
            names = {"F32", "BF16"})
    void agreesWithTheCpuEngine(WeightFormat form) {
        assumeCuda();
        String dir = form == WeightFormat.F32 ? "f32" : "bf16";
        for (List<LoraAdapter> adapters : List.of(F32_ADAPTERS, BF16_ADAPTERS)) {
            List<Req> reqs = requests(11, 9);
            int[][] feed = feed(12, reqs.size(), 6);
            List<List<float[]>> expected;
            try (CpuBatchEngine c = cpu(dir)) {
                assertThat(c.weights()).isEqualTo(form);
                expected = run(c, reqs, adapters, 7, 6, feed);
            }
            List<List<float[]>> actual;
            try (CudaBatchEngine g = cuda(dir, 64L << 20)) {
                assertThat(g.weights()).isEqualTo(form);
                actual = run(g, reqs, adapters, 7, 6, feed);
            }
            assertThat(actual).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                for (int s = 0; s < expected.get(i).size(); s++) {
                    float[] e = expected.get(i).get(s);
                    float[] a = actual.get(i).get(s);
                    float scale = 0;
                    float worst = 0;
                    for (int j = 0; j < e.length; j++) {
                        scale = Math.max(scale, Math.abs(e[j]));
                        worst = Math.max(worst, Math.abs(e[j] - a[j]));
                    }
                    // float32 summed in another order: agreement to a few units in the 5th digit
                    assertThat(worst)
                            .as("request %d, logits %d: worst difference against a largest logit of %s", i, s, scale)
                            .isLessThanOrEqualTo(2e-4f * Math.max(1f, scale));
                    assertThat(argmax(a))
                            .as("request %d, greedy token %d", i, s)
                            .isEqualTo(argmax(e));
                }
            }
        }
    }

    @Test
    void aRequestGetsTheSameBitsAloneAndInAnyBatch() {
        assumeCuda();
        List<Req> reqs = requests(21, 12);
        int[][] feed = feed(22, reqs.size(), 5);
        try (CudaBatchEngine g = cuda("bf16", 64L << 20)) {
            List<List<float[]>> together = run(g, reqs, BF16_ADAPTERS, 5, 5, feed);
            // alone, with the whole prompt in one chunk: the same bits after the prompt and each step
            assertSameBits(alone(g, reqs, BF16_ADAPTERS, 64, 5, feed), together);
            // and in another mix: the same requests shuffled, with prompts in chunks of 3
            List<Req> shuffled = new ArrayList<>(reqs);
            java.util.Collections.shuffle(shuffled, new Random(23));
            int[][] shuffledFeed = new int[reqs.size()][];
            for (int i = 0; i < reqs.size(); i++) {
                shuffledFeed[i] = feed[reqs.indexOf(shuffled.get(i))];
            }
            List<List<float[]>> mixed = run(g, shuffled, BF16_ADAPTERS, 3, 5, shuffledFeed);
            List<List<float[]>> back = new ArrayList<>();
            for (Req r : reqs) {
                back.add(mixed.get(shuffled.indexOf(r)));
            }
            assertSameBits(back, together);
        }
    }

    @Test
    void replayedGraphsGiveTheBitsOfKernelByKernelLaunches() {
        assumeCuda();
        List<Req> reqs = requests(41, 10);
        int[][] feed = feed(42, reqs.size(), 8);
        List<List<float[]>> launched;
        try (CudaBatchEngine g = new CudaBatchEngine(root.resolve("bf16"), null, 0, 8L << 20, 8, 64L << 20, false)) {
            launched = run(g, reqs, BF16_ADAPTERS, 6, 8, feed);
            assertThat(g.graphLaunches()).isZero();
        }
        try (CudaBatchEngine g = cuda("bf16", 64L << 20)) {
            // twice, so that the prompt passes' shapes repeat too
            run(g, reqs, BF16_ADAPTERS, 6, 8, feed);
            List<List<float[]>> replayed = run(g, reqs, BF16_ADAPTERS, 6, 8, feed);
            // the 8 decode steps of each run share one shape: all but the first two ran as a graph
            assertThat(g.graphLaunches()).isGreaterThanOrEqualTo(6 + 8);
            assertSameBits(replayed, launched);
        }
    }

    @Test
    void aSmallDeviceBudgetEvictsCopiesButNeverOneInTheBatch() {
        assumeCuda();
        List<Req> reqs = requests(31, 8);
        int[][] feed = feed(32, reqs.size(), 3);
        List<List<float[]>> roomy;
        try (CudaBatchEngine g = cuda("f32", 64L << 20)) {
            roomy = run(g, reqs, F32_ADAPTERS, 4, 3, feed);
            assertThat(g.adapterUploads()).isLessThanOrEqualTo(F32_ADAPTERS.size());
        }
        // room for adapters 1 and 2 (ranks 8 and 16) but not for 0, 1 and 2 together
        long two = 0;
        for (int i = 1; i <= 2; i++) {
            two += F32_ADAPTERS.get(i).floats() * Float.BYTES + 4096;
        }
        try (CudaBatchEngine g = cuda("f32", two)) {
            List<List<float[]>> tight = new ArrayList<>();
            for (int i = 0; i < reqs.size(); i++) {
                tight.add(run(g, List.of(reqs.get(i)), F32_ADAPTERS, 4, 3, new int[][] {feed[i]})
                        .getFirst());
                assertThat(g.adapterBytes()).isLessThanOrEqualTo(two);
            }
            assertSameBits(tight, roomy);
            List<Req> three = List.of(new Req(0, new int[] {1}), new Req(1, new int[] {2}), new Req(2, new int[] {3}));
            long before = g.adapterUploads();
            assertThatThrownBy(() -> run(g, three, F32_ADAPTERS, 4, 0, new int[3][0]))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("adapter budget");
            // cycling three adapters through room for two copied some of them again
            List<Req> cycle = List.of(
                    new Req(0, new int[] {1}),
                    new Req(1, new int[] {2}),
                    new Req(2, new int[] {3}),
                    new Req(0, new int[] {4}));
            alone(g, cycle, F32_ADAPTERS, 4, 1, new int[][] {new int[] {5}, new int[] {6}, new int[] {7}, new int[] {8}
            });
            assertThat(g.adapterUploads()).isGreaterThan(before);
            assertThat(g.adapterBytes()).isLessThanOrEqualTo(two);
        }
    }

    @Test
    void refusesToStartWithoutCuda() {
        assumeTrue(UNAVAILABLE.isPresent(), "this machine has CUDA: the refusal is not reachable");
        assertThatThrownBy(() -> cuda("f32", 64L << 20))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CUDA backend is unavailable")
                .hasMessageContaining(UNAVAILABLE.get());
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
