/**
 * OpenLoRA serving: many LoRA adapters on one base model. An {@link
 * io.openledger.lora.serving.AdapterRegistry} persisted in a core key-value store, a byte-budgeted
 * {@link io.openledger.lora.serving.AdapterCache} (Caffeine W-TinyLFU, pinning, single-flight loads,
 * leases) and a {@link io.openledger.lora.serving.LoraServer} that batches requests for different
 * adapters into one pass over the base weights (continuous batching, chunked prefill, paged KV cache).
 */
@NullMarked
package io.openledger.lora.serving;

import org.jspecify.annotations.NullMarked;
