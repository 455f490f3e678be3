/**
 * OpenLoRA: safetensors (memory-mapped through FFM), Hugging Face Llama-family configs and
 * checkpoints, PEFT LoRA adapters, tokenizer.json tokenizers and a pure-Java CPU engine. The Vector
 * API is optional: {@code --add-modules jdk.incubator.vector} enables the vector kernels. The
 * trainer ({@code io.openledger.lora.factory}) needs DJL's PyTorch engine and the progress bar,
 * both optional: the engine and serving run without them. So is Micrometer, which only {@code
 * LoraServerMeterBinder} uses, and JCuda, which only the CUDA engine ({@code Backend.CUDA}) uses.
 */
// Micrometer's types appear in LoraServerMeterBinder's API; its jar is an automatic module
@SuppressWarnings("requires-transitive-automatic")
module io.openledger.lora {
    requires transitive io.openledger.core;
    requires com.fasterxml.jackson.databind;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;
    requires static org.jspecify;
    requires static jdk.incubator.vector;
    requires static ai.djl.api;
    requires static me.tongfei.progressbar;
    requires static transitive micrometer.core;
    requires static jcuda;

    exports io.openledger.lora;
    exports io.openledger.lora.serving;
    exports io.openledger.lora.factory;
}
