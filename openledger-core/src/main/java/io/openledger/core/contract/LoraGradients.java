package io.openledger.core.contract;

import java.util.List;
import java.util.Optional;

/**
 * Per-example gradients of a causal language-model loss with respect to the trainable weights of
 * a fine-tuned model (for LoRA, every {@code lora_A} and {@code lora_B} matrix), one entry per
 * layer. A trainer produces them; influence-based attribution (DataInf) consumes them. The loss of
 * an example is the mean token cross-entropy over its output tokens (prompt tokens are masked).
 *
 * <p>Implementations must be deterministic (the same example gives the same gradient) and
 * thread-safe.
 */
public interface LoraGradients {
    /** Layer names in a stable order, for example {@code model.layers.0.self_attn.q_proj.lora_A}. */
    List<String> layers();

    /** Ids of the training records whose gradients this source holds, in a stable order. */
    List<String> trainingIds();

    /** The gradient of training record {@code recordId}'s loss, if this source holds that record. */
    Optional<LayerGradients> training(String recordId);

    /**
     * The gradient of the loss of {@code outputTokens} given {@code promptTokens} (a query: the
     * prompt a model saw and what it produced).
     *
     * @throws IllegalArgumentException if {@code outputTokens} is empty or a token id is out of range
     */
    LayerGradients query(int[] promptTokens, int[] outputTokens);
}
