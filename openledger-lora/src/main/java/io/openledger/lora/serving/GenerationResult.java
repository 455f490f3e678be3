package io.openledger.lora.serving;

import io.openledger.core.contract.InferenceRecord;
import java.util.List;

/**
 * A finished request.
 *
 * @param tokens the generated tokens (a stop token or stop sequence included)
 * @param reason why it ended
 * @param record the inference record for attribution and settlement (model, adapter, caller,
 *     prompt and output tokens, queue / first-token / total timings)
 */
public record GenerationResult(List<Integer> tokens, FinishReason reason, InferenceRecord record) {
    /** Copies the token list. */
    public GenerationResult {
        tokens = List.copyOf(tokens);
    }
}
