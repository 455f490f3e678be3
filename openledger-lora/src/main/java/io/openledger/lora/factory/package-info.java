/**
 * ModelFactory: LoRA fine-tuning and small-model pre-training on DJL's PyTorch engine, PEFT adapter
 * output with a provenance manifest, and per-example LoRA gradients for influence attribution. This
 * package needs DJL ({@code ai.djl.api}, the PyTorch engine and its natives) and
 * {@code me.tongfei.progressbar} at run time; the rest of the module does not.
 */
@NullMarked
package io.openledger.lora.factory;

import org.jspecify.annotations.NullMarked;
