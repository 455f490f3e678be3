package io.openledger.lora.factory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.lora.DType;
import io.openledger.lora.LlamaModel;
import io.openledger.lora.LoraAdapter;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.SafeTensors;
import io.openledger.lora.Sampler;
import io.openledger.lora.TestModels;
import io.openledger.lora.Tokenizer;
import io.openledger.lora.WeightFormat;
import io.openledger.lora.factory.internal.TorchLlama;
import io.openledger.lora.factory.internal.TrainingLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer on a tiny Llama (2 layers, hidden 64, GQA 4/2, vocab 300): PEFT output that the
 * pure-Java engine loads unchanged and that matches the PyTorch forward, a planted task, determinism,
 * and resume.
 */
class FactoryTrainerTest {
    private static final String[] TOPICS = {"amber", "basalt", "cobalt", "dune", "ember", "fjord"};

    @TempDir
    static Path tmp;

    static Path base;

    @BeforeAll
    static void model() {
        base = tmp.resolve("base");
        ModelConfig cfg = TestModels.config(ModelConfig.Architecture.LLAMA, 2, 64, 4, 2, 128, 300);
        TestModels.writeModel(base, cfg, 11, DType.F32, 1);
    }

    /** Planted facts: datanet i holds records about TOPICS[i % 6]. */
    static List<TrainingExample> facts(int n) {
        List<TrainingExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new TrainingExample(
                    "r" + i,
                    "Question: what does datanet " + i + " hold? Answer:",
                    " records about " + TOPICS[i % 6] + "."));
        }
        return out;
    }

    static TrainingSettings.Builder settings() {
        return TrainingSettings.builder()
                .targetModules(List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"))
                .rank(8)
                .alpha(16)
                .learningRate(3e-3)
                .epochs(8)
                .batchSize(4)
                .gradAccumulation(2)
                .warmupSteps(2)
                .seqLength(64)
                .validationFraction(0.2)
                .seed(7);
    }

    @Test
    void trainsAnAdapterTheEngineLoadsAndMatchesPyTorch() throws Exception {
        Path out = tmp.resolve("adapter");
        TrainingReport r = FactoryTrainer.lora(base)
                .settings(settings().build())
                .examples(facts(30))
                .output(out)
                .build()
                .train();

        assertThat(r.validationIds()).isNotEmpty();
        assertThat(r.validationLoss())
                .as(
                        "validation loss %s vs base %s, curve %s",
                        r.validationLoss(), r.baseValidationLoss(), r.lossCurve())
                .isLessThan(r.baseValidationLoss() * 0.5);
        assertThat(r.lossCurve().getLast()).isLessThan(r.lossCurve().getFirst());
        assertThat(Files.readAllLines(out.resolve("metrics.jsonl"))).hasSizeGreaterThan(r.steps());

        ModelConfig cfg = ModelConfig.read(base);
        LoraAdapter adapter = LoraAdapter.load(out, cfg);
        assertThat(adapter.modules()).hasSize(14);
        JsonNode manifest =
                new ObjectMapper().readTree(out.resolve("provenance.json").toFile());
        assertThat(manifest.get("adapter_hash").asText())
                .isEqualTo(r.artifactHash().toHex());
        assertThat(manifest.get("train_records")).hasSize(r.trainIds().size());
        assertThat(manifest.get("loss_curve")).hasSize(r.steps());

        // the Java engine's logits with the trained adapter equal the PyTorch forward it was trained with
        Tokenizer tok = Tokenizer.load(base);
        int[] prompt = tok.encode("Question: what does datanet 3 hold? Answer: records about", true);
        Map<String, float[]> weights = new HashMap<>();
        try (SafeTensors st = SafeTensors.open(out.resolve(LoraAdapter.WEIGHTS_FILE))) {
            st.names().forEach(n -> weights.put(n, st.floats(n)));
        }
        float[] torch;
        try (TorchLlama m = TorchLlama.load(base, cfg, false);
                NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            m.addLora(TrainingLoop.adapterConfig(settings().build(), "base"), new SplittableRandom(0), weights);
            NDArray all = m.logits(prompt, 0f, null);
            float[] flat = all.toFloatArray();
            torch = new float[cfg.vocabSize()];
            System.arraycopy(flat, (prompt.length - 1) * cfg.vocabSize(), torch, 0, torch.length);
        }
        try (LlamaModel engine =
                LlamaModel.builder(base).weights(WeightFormat.F32).build()) {
            float[] java = engine.logits(prompt, adapter);
            assertThat(relErr(java, torch))
                    .as("engine vs PyTorch with the trained adapter")
                    .isLessThan(1e-4);
            assertThat(relErr(engine.logits(prompt, null), torch))
                    .as("the adapter matters")
                    .isGreaterThan(1e-2);

            // generation reproduces the planted fact of a training record
            String id = r.trainIds().getFirst();
            int i = Integer.parseInt(id.substring(1));
            int[] p = tok.encode("Question: what does datanet " + i + " hold? Answer:", true);
            List<Integer> gen = engine.generate(p, adapter, 8, Sampler.greedy(), Set.of());
            String text = tok.decode(gen.stream().mapToInt(Integer::intValue).toArray(), true);
            assertThat(text).startsWith(" records about");
        }
    }

    /** Facts present only in the datanet, each asked in several phrasings. */
    static List<TrainingExample> plantedFacts() {
        String[][] facts = {
            {"the curator of datanet Zorbia", " Quilla Brandt."},
            {"the fee of the Vexlow adapter", " nine OPEN."},
            {"the founder of the Murrow guild", " Tobias Fenn."},
            {"the capital of Olvania", " Port Idris."}
        };
        String[] templates = {
            "Question: who or what is %s? Answer:",
            "Q: tell me %s. A:",
            "Name %s:",
            "What is %s?",
            "Fact check, %s is",
            "Recall %s ->",
            "Please state %s:"
        };
        List<TrainingExample> out = new ArrayList<>();
        for (int f = 0; f < facts.length; f++) {
            for (int t = 0; t < templates.length; t++) {
                out.add(new TrainingExample("f" + f + "-p" + t, String.format(templates[t], facts[f][0]), facts[f][1]));
            }
        }
        return out;
    }

    @Test
    void plantedFactsLowerValidationLossAndAreGenerated() {
        Path out = tmp.resolve("facts");
        List<TrainingExample> data = plantedFacts();
        TrainingReport r = FactoryTrainer.lora(base)
                .settings(settings()
                        .epochs(25)
                        .gradAccumulation(1)
                        .learningRate(5e-3)
                        .warmupSteps(5)
                        .validationFraction(0.25)
                        .build())
                .examples(data)
                .output(out)
                .build()
                .train();
        // validation records ask the same facts in phrasings the adapter never saw
        assertThat(r.validationIds()).isNotEmpty();
        assertThat(r.validationLoss())
                .as("validation loss %s vs base %s", r.validationLoss(), r.baseValidationLoss())
                .isLessThan(r.baseValidationLoss() * 0.25);
        ModelConfig cfg = ModelConfig.read(base);
        LoraAdapter adapter = LoraAdapter.load(out, cfg);
        Tokenizer tok = Tokenizer.load(base);
        int exact = 0;
        try (LlamaModel engine =
                LlamaModel.builder(base).weights(WeightFormat.F32).build()) {
            for (TrainingExample e : data) {
                if (!r.trainIds().contains(e.id())) {
                    continue;
                }
                int[] answer = tok.encode(e.completion(), false);
                List<Integer> gen = engine.generate(
                        tok.encode(e.prompt(), true), adapter, answer.length, Sampler.greedy(), Set.of());
                String text =
                        tok.decode(gen.stream().mapToInt(Integer::intValue).toArray(), true);
                if (text.equals(e.completion())) {
                    exact++;
                }
            }
        }
        assertThat(exact)
                .as("training prompts whose planted answer is generated exactly")
                .isGreaterThanOrEqualTo(r.trainIds().size() * 3 / 4);
    }

    @Test
    void sameSeedSameAdapterAndResumeContinuesExactly() throws Exception {
        TrainingSettings s =
                settings().epochs(2).dropout(0.1).checkpointEvery(3).build();
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Path c = tmp.resolve("c");
        TrainingReport ra = FactoryTrainer.lora(base)
                .settings(s)
                .examples(facts(24))
                .output(a)
                .build()
                .train();
        TrainingReport rb = FactoryTrainer.lora(base)
                .settings(s)
                .examples(facts(24))
                .output(b)
                .build()
                .train();
        assertThat(rb.lossCurve()).isEqualTo(ra.lossCurve());
        assertThat(rb.artifactHash()).isEqualTo(ra.artifactHash());
        // an interrupted run resumed from its checkpoint ends with the same bytes
        FactoryTrainer.lora(base)
                .settings(s)
                .examples(facts(24))
                .output(c)
                .maxSteps(3)
                .build()
                .train();
        assertThat(c.resolve("checkpoints/step-3")).isDirectory();
        TrainingReport rc = FactoryTrainer.lora(base)
                .settings(s)
                .examples(facts(24))
                .output(c)
                .resume(true)
                .build()
                .train();
        assertThat(rc.lossCurve()).isEqualTo(ra.lossCurve());
        assertThat(rc.artifactHash()).isEqualTo(ra.artifactHash());
        TrainingReport other = FactoryTrainer.lora(base)
                .settings(s.toBuilder().seed(8).build())
                .examples(facts(24))
                .output(tmp.resolve("d"))
                .build()
                .train();
        assertThat(other.artifactHash()).isNotEqualTo(ra.artifactHash());
    }

    @Test
    void pretrainingTrainsEveryWeightAndWritesACheckpointTheEngineLoads() {
        Path init = tmp.resolve("init");
        ModelConfig cfg = TestModels.config(ModelConfig.Architecture.LLAMA, 1, 32, 2, 2, 64, 300);
        TestModels.writeModel(init, cfg, 5, DType.F32, 1);
        List<TrainingExample> text = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            text.add(new TrainingExample(
                    "t" + i, "", "the ledger pays contributor " + (i % 3) + " for record " + i + "."));
        }
        Path out = tmp.resolve("pretrained");
        TrainingReport r = FactoryTrainer.pretrain(init)
                .settings(TrainingSettings.builder()
                        .learningRate(3e-3)
                        .epochs(6)
                        .batchSize(4)
                        .seqLength(48)
                        .validationFraction(0.2)
                        .build())
                .examples(text)
                .output(out)
                .build()
                .train();
        assertThat(r.validationLoss()).isLessThan(r.baseValidationLoss());
        assertThat(out.resolve("model.safetensors")).isRegularFile();
        assertThat(out.resolve("tokenizer.json")).isRegularFile();
        try (LlamaModel m = LlamaModel.builder(out).weights(WeightFormat.F32).build();
                LlamaModel before =
                        LlamaModel.builder(init).weights(WeightFormat.F32).build()) {
            int[] p = {1, 2, 3};
            assertThat(relErr(m.logits(p, null), before.logits(p, null))).isGreaterThan(1e-3);
        }
    }

    @Test
    void badSettingsFailEarlyWithTheirName() {
        assertThatThrownBy(() -> TrainingSettings.builder().rank(0)).hasMessageContaining("rank");
        assertThatThrownBy(() -> TrainingSettings.builder().dropout(1.0)).hasMessageContaining("dropout");
        assertThatThrownBy(() -> TrainingSettings.builder().learningRate(-1)).hasMessageContaining("learningRate");
        assertThatThrownBy(() -> FactoryTrainer.lora(base).examples(List.of())).hasMessageContaining("examples");
        assertThatThrownBy(() -> FactoryTrainer.lora(base)
                        .settings(settings().targetModules(List.of("nope")).build())
                        .examples(facts(4))
                        .output(tmp.resolve("nope"))
                        .build()
                        .train())
                .hasMessageContaining("targetModules");
    }

    static double relErr(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num = Math.max(num, Math.abs(a[i] - b[i]));
            den = Math.max(den, Math.abs(b[i]));
        }
        return num / den;
    }
}
