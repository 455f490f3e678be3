/**
 * OpenLoRA: safetensors files (memory-mapped), Hugging Face Llama-family configs and checkpoints,
 * PEFT LoRA adapters, Hugging Face {@code tokenizer.json} tokenizers, and a pure-Java CPU engine.
 */
@NullMarked
package io.openledger.lora;

import org.jspecify.annotations.NullMarked;
