package io.openledger.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.lora.ModelConfig.Architecture;
import org.junit.jupiter.api.Test;

/** config.json texts as published for real checkpoints (sizes from their Hugging Face repos). */
class ModelConfigTest {
    static final String LLAMA_32_1B = """
            {"architectures":["LlamaForCausalLM"],"attention_bias":false,"attention_dropout":0.0,"bos_token_id":128000,
             "eos_token_id":128001,"head_dim":64,"hidden_act":"silu","hidden_size":2048,"initializer_range":0.02,
             "intermediate_size":8192,"max_position_embeddings":131072,"mlp_bias":false,"model_type":"llama",
             "num_attention_heads":32,"num_hidden_layers":16,"num_key_value_heads":8,"pretraining_tp":1,
             "rms_norm_eps":1e-05,"rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,
             "original_max_position_embeddings":8192,"rope_type":"llama3"},"rope_theta":500000.0,
             "tie_word_embeddings":true,"torch_dtype":"bfloat16","transformers_version":"4.45.0.dev0",
             "use_cache":true,"vocab_size":128256}
            """;
    static final String MISTRAL_7B = """
            {"architectures":["MistralForCausalLM"],"bos_token_id":1,"eos_token_id":2,"hidden_act":"silu",
             "hidden_size":4096,"initializer_range":0.02,"intermediate_size":14336,"max_position_embeddings":32768,
             "model_type":"mistral","num_attention_heads":32,"num_hidden_layers":32,"num_key_value_heads":8,
             "rms_norm_eps":1e-05,"rope_theta":10000.0,"sliding_window":4096,"tie_word_embeddings":false,
             "torch_dtype":"bfloat16","transformers_version":"4.34.0.dev0","use_cache":true,"vocab_size":32000}
            """;
    static final String QWEN25_05B = """
            {"architectures":["Qwen2ForCausalLM"],"attention_dropout":0.0,"bos_token_id":151643,"eos_token_id":151643,
             "hidden_act":"silu","hidden_size":896,"initializer_range":0.02,"intermediate_size":4864,
             "max_position_embeddings":32768,"max_window_layers":24,"model_type":"qwen2","num_attention_heads":14,
             "num_hidden_layers":24,"num_key_value_heads":2,"rms_norm_eps":1e-06,"rope_theta":1000000.0,
             "sliding_window":32768,"tie_word_embeddings":true,"torch_dtype":"bfloat16",
             "transformers_version":"4.40.1","use_cache":true,"use_sliding_window":false,"vocab_size":151936}
            """;

    @Test
    void parsesLlama32() {
        ModelConfig c = ModelConfig.parse("llama", LLAMA_32_1B);
        assertThat(c.architecture()).isEqualTo(Architecture.LLAMA);
        assertThat(c.kvHeads()).isEqualTo(8);
        assertThat(c.headDim()).isEqualTo(64);
        assertThat(c.tieWordEmbeddings()).isTrue();
        assertThat(c.ropeScaling()).isEqualTo(new ModelConfig.RopeScaling("llama3", 32, 1, 4, 8192));
        assertThat(c.parameterCount()).isEqualTo(1_235_814_400L);
        assertThat(ModelConfig.parse("again", c.toJson())).isEqualTo(c);
    }

    @Test
    void parsesMistralWithSlidingWindow() {
        ModelConfig c = ModelConfig.parse("mistral", MISTRAL_7B);
        assertThat(c.architecture()).isEqualTo(Architecture.MISTRAL);
        assertThat(c.slidingWindow()).isEqualTo(4096);
        assertThat(c.headDim()).isEqualTo(128);
        assertThat(c.parameterCount()).isEqualTo(7_241_732_096L);
        assertThat(ModelConfig.parse("again", c.toJson())).isEqualTo(c);
    }

    @Test
    void parsesQwen2WithBiasesAndNoWindow() {
        ModelConfig c = ModelConfig.parse("qwen", QWEN25_05B);
        assertThat(c.attentionBias()).isTrue();
        assertThat(c.slidingWindow()).isZero();
        assertThat(c.rmsNormEps()).isEqualTo(1e-6);
        assertThat(c.parameterCount()).isEqualTo(494_032_768L);
        assertThat(ModelConfig.parse("again", c.toJson())).isEqualTo(c);
    }

    @Test
    void rejectsOtherArchitecturesAndBadFields() {
        assertThatThrownBy(() -> ModelConfig.parse("cfg", LLAMA_32_1B.replace("LlamaForCausalLM", "GemmaForCausalLM")))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("unsupported architecture \"GemmaForCausalLM\"")
                .hasMessageContaining("LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM");
        assertThatThrownBy(() -> ModelConfig.parse(
                        "cfg", MISTRAL_7B.replace("\"num_key_value_heads\":8", "\"num_key_value_heads\":5")))
                .hasMessageContaining("not a multiple of num_key_value_heads 5");
        assertThatThrownBy(() -> ModelConfig.parse("cfg", MISTRAL_7B.replace("\"hidden_size\":4096,", "")))
                .hasMessageContaining("missing \"hidden_size\"");
        assertThatThrownBy(() -> ModelConfig.parse("cfg", MISTRAL_7B.replace("\"silu\"", "\"gelu\"")))
                .hasMessageContaining("hidden_act \"gelu\"");
        assertThatThrownBy(() -> ModelConfig.parse("cfg", LLAMA_32_1B.replace("\"llama3\"", "\"yarn\"")))
                .hasMessageContaining("rope_scaling type \"yarn\"");
        assertThatThrownBy(() -> ModelConfig.parse("cfg", "{nope")).hasMessageContaining("invalid JSON");
    }
}
