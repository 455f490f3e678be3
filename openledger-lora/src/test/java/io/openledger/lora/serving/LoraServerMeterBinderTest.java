package io.openledger.lora.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoraServerMeterBinderTest {
    private static final Fixture F = Fixture.shared();

    @Test
    void metersReportTheServersCountersAndGauges() {
        AdapterRegistry registry = F.registry();
        try (LoraServer server = LoraServer.builder(
                        F.model,
                        AdapterCache.builder(registry).budgetBytes(1 << 20).build())
                .threads(1)
                .maxBatch(4)
                .build()) {
            server.generate(GenerationRequest.builder(1, 2, 3)
                    .adapter(Fixture.id(1))
                    .maxTokens(4)
                    .build());
            server.generate(GenerationRequest.builder(4, 5).maxTokens(3).build());
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            new LoraServerMeterBinder(server, Tags.of("model", "test")).bindTo(meters);
            ServingMetrics m = server.metrics();

            assertThat(meters.get("openledger.lora.tokens")
                            .tags("kind", "generated", "model", "test")
                            .functionCounter()
                            .count())
                    .isEqualTo(7.0)
                    .isEqualTo((double) m.generatedTokens());
            assertThat(meters.get("openledger.lora.tokens")
                            .tag("kind", "prompt")
                            .functionCounter()
                            .count())
                    .isEqualTo(5.0);
            assertThat(meters.get("openledger.lora.requests")
                            .tag("outcome", "completed")
                            .functionCounter()
                            .count())
                    .isEqualTo(2.0);
            assertThat(meters.get("openledger.lora.requests")
                            .tag("outcome", "failed")
                            .functionCounter()
                            .count())
                    .isZero();
            assertThat(meters.get("openledger.lora.adapter.cache.requests")
                            .tag("result", "miss")
                            .functionCounter()
                            .count())
                    .isEqualTo((double) m.cache().misses())
                    .isPositive();
            assertThat(meters.get("openledger.lora.adapter.resident")
                            .tag("state", "resident")
                            .gauge()
                            .value())
                    .isEqualTo((double) m.cache().residentBytes())
                    .isPositive();
            assertThat(meters.get("openledger.lora.time.to.first.token")
                            .tag("quantile", "0.5")
                            .timeGauge()
                            .value(TimeUnit.MILLISECONDS))
                    // the registry stores seconds, so milliseconds come back through two
                    // divisions: equal up to the last bits of a double, not bit for bit
                    .isCloseTo(m.ttftMillisP50(), within(1e-9 * Math.max(1.0, m.ttftMillisP50())))
                    .isPositive();
            assertThat(meters.get("openledger.lora.kv.pages")
                            .tag("state", "total")
                            .gauge()
                            .value())
                    .isEqualTo((double) m.kvPagesTotal());
        }
    }
}
