package io.openledger.lora.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.AdapterId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-adapter usage: requests and tokens per adapter, the busiest first; base-model requests count for none. */
class AdapterUsageTest {
    private static final Fixture F = Fixture.shared();

    @Test
    void eachAdapterCountsItsOwnRequestsAndTokens() {
        AdapterCache cache =
                AdapterCache.builder(F.registry()).budgetBytes(8L << 20).build();
        try (LoraServer server = LoraServer.builder(F.model, cache).threads(1).build()) {
            List<GenerationRequest> reqs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                reqs.add(GenerationRequest.builder(1, 2, 3)
                        .adapter(Fixture.id(2))
                        .maxTokens(4)
                        .build());
            }
            reqs.add(GenerationRequest.builder(5, 6)
                    .adapter(Fixture.id(4))
                    .maxTokens(2)
                    .build());
            reqs.add(GenerationRequest.builder(5, 6, 7, 8).maxTokens(3).build()); // base model
            reqs.add(GenerationRequest.builder(9)
                    .adapter(Fixture.id(4))
                    .adapterScale(0f) // served by the base model
                    .maxTokens(3)
                    .build());
            server.submitAll(reqs).forEach(h -> h.result().join());

            AdapterUsage two = server.usage(Fixture.id(2)).orElseThrow();
            assertThat(two.requests()).isEqualTo(3);
            assertThat(two.promptTokens()).isEqualTo(9);
            assertThat(two.generatedTokens()).isEqualTo(12);
            AdapterUsage four = server.usage(Fixture.id(4)).orElseThrow();
            assertThat(four.requests()).isEqualTo(1);
            assertThat(four.promptTokens()).isEqualTo(2);
            assertThat(four.generatedTokens()).isEqualTo(2);
            assertThat(four.lastUsed()).isAfter(java.time.Instant.EPOCH);
            assertThat(server.usage(Fixture.id(0))).isEmpty();
            assertThat(server.topAdapters(5))
                    .extracting(AdapterUsage::adapter)
                    .containsExactly(Fixture.id(2), Fixture.id(4));
            assertThat(server.topAdapters(1)).hasSize(1);
            assertThat(server.topAdapters(0)).isEmpty();
            // the per-adapter counts add up to the server's, less the base model's requests
            assertThat(two.generatedTokens() + four.generatedTokens() + 3 + 3)
                    .isEqualTo(server.metrics().generatedTokens());
            assertThat(server.usage(AdapterId.of("never"))).isEmpty();
        }
    }
}
