package io.openledger.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.lora.ModelConfig.Architecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraAdapterTest {
    private static final ModelConfig BASE = TestModels.config(Architecture.LLAMA, 2, 64, 4, 2, 96, 300);

    @TempDir
    Path dir;

    private static final String PEFT_CONFIG = """
            {"alpha_pattern":{},"auto_mapping":null,"base_model_name_or_path":"meta-llama/Llama-3.2-1B",
             "bias":"none","fan_in_fan_out":false,"inference_mode":true,"init_lora_weights":true,
             "layer_replication":null,"layers_pattern":null,"layers_to_transform":null,"loftq_config":{},
             "lora_alpha":16,"lora_dropout":0.05,"megatron_config":null,"megatron_core":"megatron.core",
             "modules_to_save":null,"peft_type":"LORA","r":8,"rank_pattern":{},"revision":null,
             "target_modules":["v_proj","q_proj"],"task_type":"CAUSAL_LM","use_dora":false,"use_rslora":false}
            """;

    @Test
    void bf16ResidencyOfABf16FileIsExactIncludingPaddedRows() {
        // widths 48, 24 and 80 are not multiples of 32: the packed rows carry padding
        ModelConfig base = TestModels.config(Architecture.LLAMA, 2, 48, 4, 2, 80, 100);
        TestModels.writeAdapter(
                dir,
                base,
                AdapterConfig.of(
                        4,
                        8,
                        java.util.List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")),
                11,
                DType.BF16);
        LoraAdapter f32 = LoraAdapter.load(dir, base);
        LoraAdapter bf16 = LoraAdapter.load(dir, base, LoraAdapter.OWN_BF16);
        long words = 0;
        for (int l = 0; l < base.layers(); l++) {
            for (Projection p : Projection.values()) {
                LoraAdapter.Delta w = f32.delta(l, p);
                LoraAdapter.Delta g = bf16.delta(l, p);
                assertThat(w).isNotNull();
                assertThat(g.bf16()).isTrue();
                assertThat(g.a()).containsExactly(w.a());
                assertThat(g.b()).containsExactly(w.b());
                assertThat(g.scaling()).isEqualTo(w.scaling());
                words += 4L
                        * (LoraAdapter.words(p.inFeatures(base), true) + LoraAdapter.words(p.outFeatures(base), true));
            }
        }
        assertThat(bf16.bytes()).isEqualTo(4 * words).isLessThan(f32.bytes());
    }

    @Test
    void parsesARealPeftConfig() {
        AdapterConfig c = AdapterConfig.parse("cfg", PEFT_CONFIG);
        assertThat(c.r()).isEqualTo(8);
        assertThat(c.scalingOf("model.layers.0.self_attn.q_proj")).isEqualTo(2.0);
        assertThat(c.targets("model.layers.1.self_attn.v_proj")).isTrue();
        assertThat(c.targets("model.layers.1.self_attn.k_proj")).isFalse();
        assertThat(c.baseModelNameOrPath()).isEqualTo("meta-llama/Llama-3.2-1B");
        assertThat(AdapterConfig.parse("again", c.toJson())).isEqualTo(c);
    }

    @Test
    void scalingFollowsPeft() {
        // PEFT: scaling = alpha / r, or alpha / sqrt(r) with rsLoRA; patterns override per module
        AdapterConfig rs = AdapterConfig.parse(
                "cfg",
                PEFT_CONFIG
                        .replace("\"r\":8", "\"r\":16")
                        .replace("\"lora_alpha\":16", "\"lora_alpha\":32")
                        .replace("\"use_rslora\":false", "\"use_rslora\":true"));
        assertThat(rs.scalingOf("model.layers.0.self_attn.q_proj")).isEqualTo(8.0);
        AdapterConfig pat = AdapterConfig.parse(
                "cfg",
                PEFT_CONFIG
                        .replace("\"rank_pattern\":{}", "\"rank_pattern\":{\"layers.1.self_attn.v_proj\":4}")
                        .replace("\"alpha_pattern\":{}", "\"alpha_pattern\":{\"q_proj\":4}"));
        assertThat(pat.rankOf("model.layers.1.self_attn.v_proj")).isEqualTo(4);
        assertThat(pat.rankOf("model.layers.0.self_attn.v_proj")).isEqualTo(8);
        assertThat(pat.scalingOf("model.layers.1.self_attn.v_proj")).isEqualTo(4.0);
        assertThat(pat.scalingOf("model.layers.0.self_attn.q_proj")).isEqualTo(0.5);
    }

    private static AdapterConfig withRankPattern(String pattern) {
        return AdapterConfig.parse("cfg", PEFT_CONFIG.replace("\"rank_pattern\":{}", "\"rank_pattern\":" + pattern));
    }

    @Test
    void theFirstMatchingPatternKeyInTheFileDecidesAsInPeft() {
        // PEFT's get_pattern_key takes the first key of the dict, in the file's order, that matches
        AdapterConfig generalFirst = withRankPattern("{\"v_proj\":4,\"layers.1.self_attn.v_proj\":6}");
        assertThat(generalFirst.rankOf("model.layers.1.self_attn.v_proj")).isEqualTo(4);
        assertThat(generalFirst.rankOf("model.layers.0.self_attn.v_proj")).isEqualTo(4);
        AdapterConfig specificFirst = withRankPattern("{\"layers.1.self_attn.v_proj\":6,\"v_proj\":4}");
        assertThat(specificFirst.rankOf("model.layers.1.self_attn.v_proj")).isEqualTo(6);
        assertThat(specificFirst.rankOf("model.layers.0.self_attn.v_proj")).isEqualTo(4);
        // the order survives writing the config back out and reading it again
        AdapterConfig again = AdapterConfig.parse("again", specificFirst.toJson());
        assertThat(again.rankPattern().keySet()).containsExactly("layers.1.self_attn.v_proj", "v_proj");
        assertThat(again.rankOf("model.layers.1.self_attn.v_proj")).isEqualTo(6);
    }

    @Test
    void targetsAllLinearRegexAndLayerSubsets() {
        AdapterConfig all =
                AdapterConfig.parse("cfg", PEFT_CONFIG.replace("[\"v_proj\",\"q_proj\"]", "\"all-linear\""));
        for (Projection p : Projection.values()) {
            assertThat(all.targets(p.path(0))).isTrue();
        }
        assertThat(all.targets("lm_head")).isFalse();
        AdapterConfig re = AdapterConfig.parse(
                "cfg", PEFT_CONFIG.replace("[\"v_proj\",\"q_proj\"]", "\".*\\\\.layers\\\\.1\\\\..*(up|down)_proj\""));
        assertThat(re.targets("model.layers.1.mlp.up_proj")).isTrue();
        assertThat(re.targets("model.layers.0.mlp.up_proj")).isFalse();
        AdapterConfig sub = AdapterConfig.parse(
                "cfg", PEFT_CONFIG.replace("\"layers_to_transform\":null", "\"layers_to_transform\":[1]"));
        assertThat(sub.targets("model.layers.1.self_attn.q_proj")).isTrue();
        assertThat(sub.targets("model.layers.0.self_attn.q_proj")).isFalse();
    }

    @Test
    void loadsWithMixedRanksAndValidatesAgainstTheBase() {
        AdapterConfig cfg = new AdapterConfig(
                8,
                16,
                false,
                Map.of("down_proj", 2),
                Map.of(),
                List.of("q_proj", "k_proj", "down_proj"),
                null,
                List.of(),
                List.of(),
                false,
                "base");
        TestModels.writeAdapter(dir, BASE, cfg, 1, DType.F16);
        LoraAdapter a = LoraAdapter.load(dir, BASE);
        assertThat(a.modules()).hasSize(6);
        assertThat(a.delta(1, Projection.DOWN_PROJ).rank()).isEqualTo(2);
        assertThat(a.delta(1, Projection.DOWN_PROJ).scaling()).isEqualTo(8f);
        assertThat(a.delta(0, Projection.K_PROJ).b()).hasSize(32 * 8);
        assertThat(a.delta(0, Projection.V_PROJ)).isNull();
        // the same adapter against a base of another width fails with the tensor named
        ModelConfig wider = TestModels.config(Architecture.LLAMA, 2, 128, 4, 2, 96, 300);
        assertThatThrownBy(() -> LoraAdapter.load(dir, wider))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("but the base model and rank");
        ModelConfig shallow = TestModels.config(Architecture.LLAMA, 1, 64, 4, 2, 96, 300);
        assertThatThrownBy(() -> LoraAdapter.load(dir, shallow))
                .hasMessageContaining("is for layer 1 but the base has 1");
    }

    private void writeConfig(String json) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(LoraAdapter.CONFIG_FILE), json);
    }

    private void writeTensors(String... names) {
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (String n : names) {
            long rows = n.contains("lora_A") ? 8 : n.contains("q_proj") ? 64 : 32;
            long cols = n.contains("lora_A") ? 64 : 8;
            if (n.contains("magnitude") || n.contains("bias")) {
                w.add(n, DType.F32, new float[64], 64);
            } else {
                w.add(n, DType.F32, new float[(int) (rows * cols)], rows, cols);
            }
        }
        w.write(dir.resolve(LoraAdapter.WEIGHTS_FILE));
    }

    private static final String QA = "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight";
    private static final String QB = "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight";

    @Test
    void rejectsWhatCannotBeServedAsPlainLora() throws IOException {
        String oneLayer = PEFT_CONFIG
                .replace("[\"v_proj\",\"q_proj\"]", "[\"q_proj\"]")
                .replace("\"layers_to_transform\":null", "\"layers_to_transform\":[0]");
        writeConfig(PEFT_CONFIG.replace("\"use_dora\":false", "\"use_dora\":true"));
        assertThatThrownBy(() -> LoraAdapter.load(dir, BASE)).hasMessageContaining("DoRA");

        writeConfig(oneLayer);
        writeTensors(QA, QB, "base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector");
        assertThatThrownBy(() -> LoraAdapter.load(dir, BASE)).hasMessageContaining("DoRA magnitude");

        writeTensors(QA, QB, "base_model.model.model.embed_tokens.lora_embedding_A");
        assertThatThrownBy(() -> LoraAdapter.load(dir, BASE)).hasMessageContaining("embedding LoRA is not supported");

        writeTensors(QA, QB, "base_model.model.model.layers.0.self_attn.q_proj.base_layer.bias");
        assertThatThrownBy(() -> LoraAdapter.load(dir, BASE)).hasMessageContaining("is not a LoRA A/B weight");

        writeTensors(QA);
        assertThatThrownBy(() -> LoraAdapter.load(dir, BASE))
                .hasMessageContaining("target module 'model.layers.0.self_attn.q_proj' has no lora_B weight");

        writeTensors(QA, QB, "base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight");
        assertThatThrownBy(() -> LoraAdapter.load(dir, BASE))
                .hasMessageContaining("which target_modules does not select");

        writeConfig(PEFT_CONFIG.replace("[\"v_proj\",\"q_proj\"]", "[\"lm_head\"]"));
        writeTensors("base_model.model.lm_head.lora_A.weight");
        assertThatThrownBy(() -> LoraAdapter.load(dir, BASE)).hasMessageContaining("which the engine cannot adapt");

        writeConfig(PEFT_CONFIG.replace("\"bias\":\"none\"", "\"bias\":\"all\""));
        assertThatThrownBy(() -> LoraAdapter.load(dir, BASE)).hasMessageContaining("trained biases");
        writeConfig(PEFT_CONFIG.replace("\"modules_to_save\":null", "\"modules_to_save\":[\"lm_head\"]"));
        assertThatThrownBy(() -> LoraAdapter.load(dir, BASE)).hasMessageContaining("modules_to_save");
        writeConfig(PEFT_CONFIG.replace("\"LORA\"", "\"IA3\""));
        assertThatThrownBy(() -> LoraAdapter.load(dir, BASE)).hasMessageContaining("peft_type \"IA3\"");

        // a config targeting modules the file has no weights for is an error, not the base model served silently
        writeConfig(PEFT_CONFIG);
        writeTensors(QA, QB);
        assertThatThrownBy(() -> LoraAdapter.load(dir, BASE)).hasMessageContaining("has no lora_A weight");

        Files.delete(dir.resolve(LoraAdapter.WEIGHTS_FILE));
        Files.write(dir.resolve("adapter_model.bin"), new byte[16]);
        assertThatThrownBy(() -> LoraAdapter.load(dir, BASE))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("pickle adapters cannot be loaded safely");
    }

    @Test
    void acceptsKeysWithTheAdapterNameOrWithoutThePeftPrefix() throws IOException {
        writeConfig(PEFT_CONFIG
                .replace("[\"v_proj\",\"q_proj\"]", "[\"q_proj\"]")
                .replace("\"layers_to_transform\":null", "\"layers_to_transform\":[0]"));
        writeTensors("model.layers.0.self_attn.q_proj.lora_A.default.weight", QB);
        LoraAdapter a = LoraAdapter.load(dir, BASE);
        assertThat(a.modules()).containsExactly("model.layers.0.self_attn.q_proj");
    }
}
