/**
 * OpenLoRA: safetensors (memory-mapped through FFM), Hugging Face Llama-family configs and
 * checkpoints, PEFT LoRA adapters, tokenizer.json tokenizers and a pure-Java CPU engine. The Vector
 * API is optional: {@code --add-modules jdk.incubator.vector} enables the vector kernels.
 */
module io.openledger.lora {
    requires transitive io.openledger.core;
    requires com.fasterxml.jackson.databind;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;
    requires static org.jspecify;
    requires static jdk.incubator.vector;

    exports io.openledger.lora;
    exports io.openledger.lora.serving;
}
