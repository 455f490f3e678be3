package io.openledger.lora.serving;

/**
 * A snapshot of a server's counters and latency percentiles since it started.
 *
 * @param submitted requests accepted
 * @param rejected requests refused by backpressure
 * @param denied requests refused because their caller may not use their (private) adapter
 * @param resolved adapters registered on first use through the server's {@link AdapterResolver}
 * @param completed requests finished normally (stop or length)
 * @param cancelled requests cancelled
 * @param timedOut requests that timed out
 * @param failed requests that failed
 * @param promptTokens prompt tokens processed
 * @param generatedTokens tokens generated
 * @param steps batched forward passes
 * @param meanBatchRows mean rows (tokens) per pass
 * @param tokensPerSecond generated tokens per second of busy (non-idle) scheduler time
 * @param ttftMillisP50 median time from submission to first token
 * @param ttftMillisP99 99th percentile time to first token
 * @param queueMillisP50 median time from submission to admission
 * @param queueMillisP99 99th percentile queue time
 * @param waiting requests queued now
 * @param running requests in the batch now
 * @param kvPagesReserved KV pages reserved now
 * @param kvPagesTotal KV pages in the pool
 * @param kvPageBytes bytes per KV page
 * @param cache the adapter cache's counters (hits, misses, load latency, resident bytes)
 */
public record ServingMetrics(
        long submitted,
        long rejected,
        long denied,
        long resolved,
        long completed,
        long cancelled,
        long timedOut,
        long failed,
        long promptTokens,
        long generatedTokens,
        long steps,
        double meanBatchRows,
        double tokensPerSecond,
        double ttftMillisP50,
        double ttftMillisP99,
        double queueMillisP50,
        double queueMillisP99,
        int waiting,
        int running,
        int kvPagesReserved,
        int kvPagesTotal,
        long kvPageBytes,
        AdapterCache.Stats cache) {}
