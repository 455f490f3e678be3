package io.openledger.lora.factory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDScope;
import io.openledger.core.contract.LayerGradients;
import io.openledger.lora.AdapterConfig;
import io.openledger.lora.DType;
import io.openledger.lora.LoraAdapter;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.SafeTensors;
import io.openledger.lora.TestModels;
import io.openledger.lora.factory.internal.Encoded;
import io.openledger.lora.factory.internal.TorchLlama;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-example LoRA gradients against central finite differences of the same loss. */
class AdapterGradientsTest {
    @Test
    void gradientsMatchFiniteDifferences(@TempDir Path dir) {
        ModelConfig cfg = TestModels.config(ModelConfig.Architecture.LLAMA, 2, 32, 4, 2, 64, 300);
        Path base = dir.resolve("base");
        Path ad = dir.resolve("adapter");
        TestModels.writeModel(base, cfg, 3, DType.F32, 1);
        AdapterConfig ac = AdapterConfig.of(4, 8, List.of("q_proj", "v_proj", "down_proj"));
        TestModels.writeAdapter(ad, cfg, ac, 9, DType.F32);
        List<TrainingExample> records = List.of(
                new TrainingExample("a", "Question: who is paid?", " the contributors."),
                new TrainingExample("b", "", "A base model serves thousands of adapters."));
        try (AdapterGradients g = AdapterGradients.open(base, ad, records, 64)) {
            assertThat(g.layers()).hasSize(12).first().isEqualTo("model.layers.0.self_attn.q_proj.lora_A");
            assertThat(g.trainingIds()).containsExactly("a", "b");
            LayerGradients ga = g.training("a").orElseThrow();
            assertThat(g.training("zzz")).isEmpty();

            Map<String, float[]> weights = new HashMap<>();
            try (SafeTensors st = SafeTensors.open(ad.resolve(LoraAdapter.WEIGHTS_FILE))) {
                st.names().forEach(n -> weights.put(n, st.floats(n)));
            }
            Encoded enc = Encoded.of(
                    g.tokenizer(), "a", records.get(0).prompt(), records.get(0).completion(), 64);
            // layer 5 = model.layers.1.self_attn.q_proj.lora_B (layer-major order: q, v, down per layer, A then B)
            for (int layer : new int[] {0, 5, 11}) {
                String name = g.layers().get(layer);
                String tensor = "base_model.model." + name + ".weight";
                float[] grad = ga.layer(layer);
                int j = 0;
                for (int i = 1; i < grad.length; i++) {
                    if (Math.abs(grad[i]) > Math.abs(grad[j])) {
                        j = i;
                    }
                }
                double eps = 1e-2;
                double up = loss(base, cfg, ac, weights, tensor, j, eps, enc);
                double down = loss(base, cfg, ac, weights, tensor, j, -eps, enc);
                double fd = (up - down) / (2 * eps);
                assertThat(fd)
                        .as("%s[%d]", name, j)
                        .isCloseTo(grad[j], org.assertj.core.data.Percentage.withPercentage(5));
            }
            // a query is the same computation as a training record with that prompt and output
            LayerGradients q = g.query(
                    g.tokenizer().encode("Question: who is paid?", true),
                    g.tokenizer().encode(" the contributors.", false));
            assertThat(q).isEqualTo(ga);
            assertThatThrownBy(() -> g.query(new int[] {1}, new int[0])).hasMessageContaining("outputTokens");
            assertThatThrownBy(() -> g.query(new int[] {1}, new int[] {300})).hasMessageContaining("vocabulary");
        }
    }

    private static double loss(
            Path base,
            ModelConfig cfg,
            AdapterConfig ac,
            Map<String, float[]> w,
            String tensor,
            int j,
            double delta,
            Encoded e) {
        Map<String, float[]> copy = new HashMap<>(w);
        float[] t = w.get(tensor).clone();
        t[j] += (float) delta;
        copy.put(tensor, t);
        try (TorchLlama m = TorchLlama.load(base, cfg, false);
                NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            m.addLora(ac, new SplittableRandom(0), copy);
            return e.loss(m, 1f / e.targets(), 0f, null).getFloat();
        }
    }
}
