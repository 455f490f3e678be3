package io.openledger.core.contract;

import io.openledger.core.AdapterId;
import io.openledger.core.Address;
import io.openledger.core.Hash;
import io.openledger.core.ModelId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What one finished inference leaves behind for attribution and settlement.
 *
 * @param requestId unique id of the request (e.g. keccak of its canonical form)
 * @param model the base or fine-tuned model that served it
 * @param adapter the LoRA adapter applied, or null for the base model alone
 * @param caller who asked (and pays)
 * @param promptTokens prompt token ids
 * @param outputTokens generated token ids
 * @param trainedOn datanet versions the model or adapter was trained on
 * @param timings queue, first-token and total latency
 * @param finishedAt when the inference finished
 */
public record InferenceRecord(
        Hash requestId,
        ModelId model,
        @Nullable AdapterId adapter,
        Address caller,
        List<Integer> promptTokens,
        List<Integer> outputTokens,
        List<DatanetVersionRef> trainedOn,
        Timings timings,
        Instant finishedAt) {

    /** Copies the lists. */
    public InferenceRecord {
        promptTokens = List.copyOf(promptTokens);
        outputTokens = List.copyOf(outputTokens);
        trainedOn = List.copyOf(trainedOn);
    }

    /** The adapter, if one was applied. */
    public Optional<AdapterId> adapterId() {
        return Optional.ofNullable(adapter);
    }

    /**
     * Latencies of one request.
     *
     * @param queued time waiting before its first scheduling
     * @param firstToken time from submission to the first output token
     * @param total time from submission to completion
     */
    public record Timings(Duration queued, Duration firstToken, Duration total) {}
}
