package io.openledger.lora.serving;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Binds a {@link LoraServer}'s {@link ServingMetrics} to a Micrometer {@link MeterRegistry}, for hosts
 * that export metrics through Micrometer (Prometheus, OTLP, JMX, ...). Micrometer is an optional
 * dependency: only this class needs {@code micrometer-core} on the class path.
 *
 * <p>Meters, all under {@code openledger.lora} and tagged with the given tags:
 *
 * <ul>
 *   <li>{@code requests} (counter, tag {@code outcome}: submitted, rejected, denied, completed, cancelled,
 *       timed_out, failed), {@code tokens} (counter, tag {@code kind}: prompt, generated), {@code
 *       steps} (counter of batched passes), {@code adapters.resolved} (counter of adapters
 *       registered on first use);
 *   <li>{@code batch.rows.mean}, {@code tokens.per.second}, {@code requests.waiting}, {@code
 *       requests.running}, {@code kv.pages} (tag {@code state}: reserved, total) gauges;
 *   <li>{@code time.to.first.token} and {@code queue.time} (time gauges, tag {@code quantile}: 0.5,
 *       0.99);
 *   <li>adapter cache: {@code adapter.cache.requests} (counter, tag {@code result}: hit, miss),
 *       {@code adapter.loads} (counter, tag {@code result}: success, failure), {@code
 *       adapter.evictions}, {@code adapter.budget.refusals}, {@code adapter.mapped.loads} (counter,
 *       tag {@code result}: hit, open), {@code adapter.load.time} (time gauge by quantile), {@code
 *       adapter.resident} (bytes, tag {@code state}: resident, peak, locked, pool) and {@code
 *       adapter.resident.count} gauges.
 * </ul>
 *
 * <p>The server computes its percentiles over a snapshot, so the binder reads one snapshot at most
 * once a second however many meters a scrape reads. Micrometer's function meters hold their state
 * object weakly: here that is the server, which its host keeps while it serves, and each meter holds
 * the binder strongly, so {@code new LoraServerMeterBinder(server).bindTo(registry)} needs no kept
 * reference to the binder. Thread-safe.
 */
public final class LoraServerMeterBinder implements MeterBinder {
    private static final String P = "openledger.lora.";
    private static final long SNAPSHOT_NANOS = 1_000_000_000L;

    private final LoraServer server;
    private final Tags tags;
    private @Nullable ServingMetrics last;
    private long lastNanos;

    /** A binder for {@code server}'s metrics, each meter tagged with {@code tags}. */
    public LoraServerMeterBinder(LoraServer server, Iterable<Tag> tags) {
        this.server = server;
        this.tags = Tags.of(tags);
    }

    /** A binder for {@code server}'s metrics without extra tags. */
    public LoraServerMeterBinder(LoraServer server) {
        this(server, Tags.empty());
    }

    private synchronized ServingMetrics snapshot() {
        long now = System.nanoTime();
        ServingMetrics m = last;
        if (m == null || now - lastNanos >= SNAPSHOT_NANOS) {
            m = server.metrics();
            last = m;
            lastNanos = now;
        }
        return m;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(
                registry,
                "requests",
                "Generation requests by outcome",
                "outcome",
                "submitted",
                ServingMetrics::submitted);
        counter(
                registry,
                "requests",
                "Generation requests by outcome",
                "outcome",
                "rejected",
                ServingMetrics::rejected);
        counter(registry, "requests", "Generation requests by outcome", "outcome", "denied", ServingMetrics::denied);
        counter(
                registry,
                "adapters.resolved",
                "Adapters registered on first use through the resolver",
                null,
                null,
                ServingMetrics::resolved);
        counter(
                registry,
                "requests",
                "Generation requests by outcome",
                "outcome",
                "completed",
                ServingMetrics::completed);
        counter(
                registry,
                "requests",
                "Generation requests by outcome",
                "outcome",
                "cancelled",
                ServingMetrics::cancelled);
        counter(
                registry,
                "requests",
                "Generation requests by outcome",
                "outcome",
                "timed_out",
                ServingMetrics::timedOut);
        counter(registry, "requests", "Generation requests by outcome", "outcome", "failed", ServingMetrics::failed);
        counter(registry, "tokens", "Tokens processed", "kind", "prompt", ServingMetrics::promptTokens);
        counter(registry, "tokens", "Tokens processed", "kind", "generated", ServingMetrics::generatedTokens);
        counter(registry, "steps", "Batched forward passes", null, null, ServingMetrics::steps);

        gauge(
                registry,
                "batch.rows.mean",
                "Mean rows per batched pass",
                null,
                null,
                null,
                ServingMetrics::meanBatchRows);
        gauge(
                registry,
                "tokens.per.second",
                "Generated tokens per busy second",
                null,
                null,
                null,
                ServingMetrics::tokensPerSecond);
        gauge(registry, "requests.waiting", "Requests queued", null, null, null, ServingMetrics::waiting);
        gauge(registry, "requests.running", "Requests in the batch", null, null, null, ServingMetrics::running);
        gauge(registry, "kv.pages", "KV-cache pages", "state", "reserved", null, ServingMetrics::kvPagesReserved);
        gauge(registry, "kv.pages", "KV-cache pages", "state", "total", null, ServingMetrics::kvPagesTotal);

        timeGauge(registry, "time.to.first.token", "Submission to first token", "0.5", ServingMetrics::ttftMillisP50);
        timeGauge(registry, "time.to.first.token", "Submission to first token", "0.99", ServingMetrics::ttftMillisP99);
        timeGauge(registry, "queue.time", "Submission to admission", "0.5", ServingMetrics::queueMillisP50);
        timeGauge(registry, "queue.time", "Submission to admission", "0.99", ServingMetrics::queueMillisP99);

        String cacheHelp = "Adapter acquires by result";
        counter(registry, "adapter.cache.requests", cacheHelp, "result", "hit", m -> m.cache()
                .hits());
        counter(registry, "adapter.cache.requests", cacheHelp, "result", "miss", m -> m.cache()
                .misses());
        counter(registry, "adapter.loads", "Adapter loads by result", "result", "success", m -> m.cache()
                .loads());
        counter(registry, "adapter.loads", "Adapter loads by result", "result", "failure", m -> m.cache()
                .loadFailures());
        counter(registry, "adapter.evictions", "Adapters evicted to make room", null, null, m -> m.cache()
                .evictions());
        counter(registry, "adapter.budget.refusals", "Acquires refused for lack of room", null, null, m -> m.cache()
                .budgetRefusals());
        String mappedHelp = "Adapter loads by whether the mapped tier held the files";
        counter(registry, "adapter.mapped.loads", mappedHelp, "result", "hit", m -> m.cache()
                .mappedHits());
        counter(registry, "adapter.mapped.loads", mappedHelp, "result", "open", m -> m.cache()
                .mappedOpens());
        timeGauge(registry, "adapter.load.time", "Adapter load latency", "0.5", m -> m.cache()
                .loadMillisP50());
        timeGauge(registry, "adapter.load.time", "Adapter load latency", "0.99", m -> m.cache()
                .loadMillisP99());
        String bytesHelp = "Adapter memory";
        gauge(registry, "adapter.resident", bytesHelp, "state", "resident", BaseUnits.BYTES, m -> m.cache()
                .residentBytes());
        gauge(registry, "adapter.resident", bytesHelp, "state", "peak", BaseUnits.BYTES, m -> m.cache()
                .peakResidentBytes());
        gauge(registry, "adapter.resident", bytesHelp, "state", "locked", BaseUnits.BYTES, m -> m.cache()
                .lockedBytes());
        gauge(registry, "adapter.resident", bytesHelp, "state", "pool", BaseUnits.BYTES, m -> m.cache()
                .poolBytes());
        gauge(registry, "adapter.resident.count", "Adapters resident or loading", null, null, null, m -> m.cache()
                .residentAdapters());
    }

    private Tags tags(@Nullable String key, @Nullable String value) {
        return key == null || value == null ? tags : tags.and(key, value);
    }

    private void counter(
            MeterRegistry r,
            String name,
            String help,
            @Nullable String key,
            @Nullable String value,
            ToDoubleFunction<ServingMetrics> f) {
        FunctionCounter.builder(P + name, server, s -> f.applyAsDouble(snapshot()))
                .description(help)
                .tags(tags(key, value))
                .register(r);
    }

    private void gauge(
            MeterRegistry r,
            String name,
            String help,
            @Nullable String key,
            @Nullable String value,
            @Nullable String unit,
            ToDoubleFunction<ServingMetrics> f) {
        Gauge.Builder<LoraServer> b = Gauge.builder(P + name, server, s -> f.applyAsDouble(snapshot()))
                .description(help)
                .tags(tags(key, value));
        if (unit != null) {
            b = b.baseUnit(unit);
        }
        b.register(r);
    }

    private void timeGauge(
            MeterRegistry r, String name, String help, String quantile, ToDoubleFunction<ServingMetrics> millis) {
        TimeGauge.builder(P + name, server, TimeUnit.MILLISECONDS, s -> millis.applyAsDouble(snapshot()))
                .description(help)
                .tags(tags("quantile", quantile))
                .register(r);
    }
}
