/**
 * OpenLoRA serving: many LoRA adapters on one base model. An {@link
 * io.openledger.lora.serving.AdapterRegistry} persisted in a core key-value store, a byte-budgeted
 * {@link io.openledger.lora.serving.AdapterCache} (Caffeine W-TinyLFU, pinning, single-flight loads,
 * leases) and a {@link io.openledger.lora.serving.LoraServer} that batches requests for different
 * adapters into one pass over the base weights (continuous batching, chunked prefill, paged KV cache).
 *
 * <p>A host wires them once (the test {@code PackageExampleTest} runs this code):
 *
 * {@snippet :
 * try (KeyValueStore store = RocksDbKeyValueStore.open(dataDir)) {
 *     AdapterRegistry registry =
 *             new AdapterRegistry(store, ModelId.of("my-llama"), ModelConfig.read(baseDir), Clock.system());
 *     // validated against the base now; refused with a clear AdapterRejectedException if it does not fit
 *     registry.register(AdapterId.of("legal-v1"), adapterDir, owner, Map.of("licence", "CC-BY-4.0"));
 *     AdapterCache cache = AdapterCache.builder(registry).budgetBytes(256L << 20).build();
 *     try (LoraServer server = LoraServer.builder(baseDir, cache)
 *             .resolver(AdapterResolver.directory(adaptersRoot, owner)) // others on first use
 *             .build()) {
 *         GenerationResult result = server.generate(GenerationRequest.builder(promptTokens)
 *                 .adapter(AdapterId.of("legal-v1"))
 *                 .adapterScale(0.8f) // optional: how strongly the adapter applies
 *                 .caller(user) // checked against a private adapter's access
 *                 .maxTokens(64)
 *                 .build());
 *         InferenceRecord record = result.record(); // for attribution and settlement
 *     }
 * }
 * }
 *
 * <p>A request may instead mix registered adapters ({@link io.openledger.lora.serving.AdapterMix}):
 * a server built with {@code mixes(dir, owner)} merges each new mix once ({@link
 * io.openledger.lora.AdapterMerge}), registers it with its parts ({@link
 * io.openledger.lora.serving.AdapterRecord#mergedFrom}) and batches it like any adapter. A server's
 * {@code defaultAdapter} serves requests that name no adapter; {@code baseModel()} opts out.
 */
@NullMarked
package io.openledger.lora.serving;

import org.jspecify.annotations.NullMarked;
