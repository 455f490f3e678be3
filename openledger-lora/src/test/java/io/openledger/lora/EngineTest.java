package io.openledger.lora;

import static io.openledger.lora.Numerics.relErr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.lora.ModelConfig.Architecture;
import io.openledger.lora.internal.KernelProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EngineTest {
    @TempDir
    static Path tmp;

    static Path model;
    static Path adapterDir;
    static ModelConfig cfg;
    static final int[] PROMPT = {1, 2, 3, 250, 17, 99, 4, 8, 15, 16, 23, 42};

    @BeforeAll
    static void generate() {
        cfg = TestModels.config(Architecture.QWEN2, 2, 128, 8, 2, 256, 512);
        model = tmp.resolve("m");
        adapterDir = tmp.resolve("a");
        TestModels.writeModel(model, cfg, 11, DType.F32, 1);
        TestModels.writeAdapter(
                adapterDir, cfg, AdapterConfig.of(8, 16, List.of("q_proj", "v_proj", "down_proj")), 3, DType.F32);
    }

    @ParameterizedTest
    @EnumSource(WeightFormat.class)
    void vectorAndScalarPathsAgree(WeightFormat f) {
        LoraAdapter a = LoraAdapter.load(adapterDir, cfg);
        try (LlamaModel v = LlamaModel.builder(model)
                        .weights(f)
                        .kernels(KernelChoice.VECTOR)
                        .build();
                LlamaModel s = LlamaModel.builder(model)
                        .weights(f)
                        .kernels(KernelChoice.SCALAR)
                        .threads(1)
                        .build()) {
            assertThat(v.kernelsId()).startsWith("vector(");
            assertThat(s.kernelsId()).isEqualTo("scalar");
            assertThat(relErr(v.logits(PROMPT, null), s.logits(PROMPT, null))).isLessThan(1e-5);
            assertThat(relErr(v.logits(PROMPT, a), s.logits(PROMPT, a))).isLessThan(1e-5);
            assertThat(v.generate(PROMPT, a, 8, Sampler.greedy(), Set.of()))
                    .isEqualTo(s.generate(PROMPT, a, 8, Sampler.greedy(), Set.of()));
        }
    }

    @Test
    void aBf16CheckpointLoadsAsBf16WithTheF32Bits() {
        // bfloat16 on disk: held as BF16 unless told otherwise, and since the BF16 kernels keep the
        // F32 kernels' order, every logit has the F32 bits (the 12-token prompt runs the batch tile)
        Path bf16 = tmp.resolve("bf16");
        TestModels.writeModel(bf16, cfg, 12, DType.BF16, 2);
        LoraAdapter a = LoraAdapter.load(adapterDir, cfg);
        try (LlamaModel asStored = LlamaModel.load(bf16);
                LlamaModel f32 =
                        LlamaModel.builder(bf16).weights(WeightFormat.F32).build()) {
            assertThat(asStored.format()).isEqualTo(WeightFormat.BF16);
            assertThat(asStored.logits(PROMPT, null)).containsExactly(f32.logits(PROMPT, null));
            assertThat(asStored.logits(PROMPT, a)).containsExactly(f32.logits(PROMPT, a));
            assertThat(asStored.generate(PROMPT, a, 8, Sampler.greedy(), Set.of()))
                    .isEqualTo(f32.generate(PROMPT, a, 8, Sampler.greedy(), Set.of()));
        }
        // float32 on disk stays F32
        try (LlamaModel m = LlamaModel.load(model)) {
            assertThat(m.format()).isEqualTo(WeightFormat.F32);
        }
    }

    @Test
    void selectorFallsBackToScalarWithoutTheVectorModule() throws Exception {
        assertThat(probe(true)).startsWith("vector(");
        assertThat(probe(false)).isEqualTo("scalar");
    }

    private static String probe(boolean withVector) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (withVector) {
            cmd.add("--add-modules");
            cmd.add("jdk.incubator.vector");
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(KernelProbe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).isZero();
        return out;
    }

    @Test
    void prefillInChunksEqualsOneShotAndThreadsDoNotChangeResults() {
        try (LlamaModel one = LlamaModel.builder(model).threads(1).build();
                LlamaModel two = LlamaModel.builder(model).threads(2).build()) {
            float[] full = one.logits(PROMPT, null);
            LlamaModel.Session s = two.newSession(null);
            s.forward(java.util.Arrays.copyOfRange(PROMPT, 0, 5));
            float[] chunked = s.forward(java.util.Arrays.copyOfRange(PROMPT, 5, PROMPT.length));
            assertThat(s.position()).isEqualTo(PROMPT.length);
            assertThat(relErr(chunked, full)).isLessThan(1e-5);
            // the KV cache grows past its initial 64 positions
            LlamaModel.Session longer = two.newSession(null);
            int[] many = new int[150];
            for (int i = 0; i < many.length; i++) {
                many[i] = (i * 37) % cfg.vocabSize();
            }
            float[] a = longer.forward(many);
            assertThat(relErr(a, one.logits(many, null))).isLessThan(1e-5);
        }
    }

    @Test
    void samplingIsSeededAndRespectsTopKAndTopP() {
        float[] logits = {0f, 5f, 4.9f, -3f, 1f};
        assertThat(Sampler.greedy().sample(logits, new SplittableRandom(1))).isEqualTo(1);
        Sampler topK2 = new Sampler(1.0, 2, 1.0, 7);
        SplittableRandom r = topK2.newRandom();
        Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < 500; i++) {
            seen.add(topK2.sample(logits, r));
        }
        assertThat(seen).containsExactlyInAnyOrder(1, 2);
        Sampler nucleus = new Sampler(1.0, 0, 0.3, 7);
        SplittableRandom r2 = nucleus.newRandom();
        for (int i = 0; i < 100; i++) {
            assertThat(nucleus.sample(logits, r2)).isEqualTo(1);
        }
        // very hot sampling reaches every token
        Sampler hot = new Sampler(100.0, 0, 1.0, 3);
        SplittableRandom r3 = hot.newRandom();
        Set<Integer> all = new java.util.HashSet<>();
        for (int i = 0; i < 2000; i++) {
            all.add(hot.sample(logits, r3));
        }
        assertThat(all).hasSize(5);
        assertThatThrownBy(() -> new Sampler(-1, 0, 1, 0)).hasMessageContaining("temperature must be >= 0");
        assertThatThrownBy(() -> new Sampler(1, 0, 0, 0)).hasMessageContaining("topP must be in (0, 1]");
        try (LlamaModel m = LlamaModel.load(model)) {
            Sampler s = new Sampler(0.8, 40, 0.95, 1234);
            assertThat(m.generate(PROMPT, null, 10, s, Set.of())).isEqualTo(m.generate(PROMPT, null, 10, s, Set.of()));
            List<Integer> greedy = m.generate(PROMPT, null, 10, Sampler.greedy(), Set.of());
            assertThat(greedy).hasSize(10);
            assertThat(m.generate(PROMPT, null, 10, Sampler.greedy(), Set.of(greedy.get(2))))
                    .isEqualTo(greedy.subList(0, 3));
        }
    }

    @Test
    void mismatchedOrCorruptModelFilesFailClearly() throws IOException {
        Path bad = tmp.resolve("bad");
        TestModels.writeModel(bad, cfg, 1, DType.F32, 1);
        // config says more layers than the weights hold
        Files.writeString(
                bad.resolve("config.json"),
                Files.readString(bad.resolve("config.json"))
                        .replace("\"num_hidden_layers\" : 2", "\"num_hidden_layers\" : 3"));
        assertThatThrownBy(() -> LlamaModel.load(bad))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("missing tensor 'model.layers.2.self_attn.q_proj.weight'");
        // config with a different width than the weights
        Files.writeString(
                bad.resolve("config.json"),
                Files.readString(bad.resolve("config.json"))
                        .replace("\"num_hidden_layers\" : 3", "\"num_hidden_layers\" : 2")
                        .replace("\"intermediate_size\" : 256", "\"intermediate_size\" : 192"));
        assertThatThrownBy(() -> LlamaModel.load(bad))
                .hasMessageContaining("has shape [256, 128], expected [192, 128]");
        // truncated weights file
        Path st = bad.resolve("model.safetensors");
        byte[] all = Files.readAllBytes(st);
        Files.write(st, java.util.Arrays.copyOf(all, all.length - 10));
        assertThatThrownBy(() -> LlamaModel.load(bad)).hasMessageContaining("data buffer holds");
        try (LlamaModel m = LlamaModel.load(model)) {
            assertThatThrownBy(() -> m.logits(new int[] {512}, null))
                    .hasMessageContaining("token 512 outside vocabulary");
            assertThatThrownBy(() -> m.logits(new int[0], null)).hasMessageContaining("must not be empty");
        }
        assertThatThrownBy(() -> LlamaModel.builder(model).threads(0))
                .hasMessageContaining("threads must be in 1..1024");
    }

    @Test
    void loadsTheGeneratedTokenizerAndDecodesGeneratedText() {
        Tokenizer tok = Tokenizer.load(model);
        int[] ids = tok.encode("What is a datanet?", true);
        try (LlamaModel m = LlamaModel.load(model)) {
            LoraAdapter a = LoraAdapter.load(adapterDir, cfg);
            List<Integer> base = m.generate(ids, null, 12, Sampler.greedy(), tok.specialIds());
            List<Integer> tuned = m.generate(ids, a, 12, Sampler.greedy(), tok.specialIds());
            assertThat(tuned).isNotEqualTo(base);
            String text = tok.decode(base.stream().mapToInt(Integer::intValue).toArray(), true);
            assertThat(text).isNotNull();
        }
    }
}
