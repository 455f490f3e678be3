package io.openledger.lora.serving;

import io.openledger.core.Hash;
import java.util.concurrent.CompletableFuture;

/** A submitted request: its id, its result, and a way to cancel it. Thread-safe. */
public final class GenerationHandle {
    private final Hash requestId;
    private final CompletableFuture<GenerationResult> result;
    private volatile boolean cancelled;

    GenerationHandle(Hash requestId, CompletableFuture<GenerationResult> result) {
        this.requestId = requestId;
        this.result = result;
    }

    /** The request id (also in the inference record). */
    public Hash requestId() {
        return requestId;
    }

    /**
     * Completes with the result (also for cancelled or timed-out requests, with reason CANCELLED or
     * TIMEOUT), or exceptionally if the request failed. Do not cancel this future; use {@link #cancel}.
     */
    public CompletableFuture<GenerationResult> result() {
        return result;
    }

    /** Asks the scheduler to stop the request at its next iteration; its KV pages and lease are freed. */
    public void cancel() {
        cancelled = true;
    }

    boolean cancelRequested() {
        return cancelled;
    }
}
