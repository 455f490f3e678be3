package io.openledger.lora.serving;

import io.openledger.core.AdapterId;
import java.time.Instant;

/**
 * What one adapter served since its server started: the per-adapter figures multi-LoRA servers
 * report (LoRAX's per-adapter counters, xLLM's {@code /v1/lora_stats}). A host turns the counts into
 * rates by sampling them. Immutable snapshot.
 *
 * @param adapter the adapter
 * @param requests requests on it that finished (completed, stopped, cancelled or timed out)
 * @param promptTokens their prompt tokens
 * @param generatedTokens the tokens generated for them
 * @param lastUsed when the last of them finished
 */
public record AdapterUsage(
        AdapterId adapter, long requests, long promptTokens, long generatedTokens, Instant lastUsed) {}
