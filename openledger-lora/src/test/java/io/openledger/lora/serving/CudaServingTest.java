package io.openledger.lora.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The server on {@link Backend#CUDA}: chosen through the builder, it serves a mixed batch with the
 * tokens each request gets alone, and records the same things the CPU backend does. On a machine
 * without CUDA the builder refuses it with the reason (that test runs everywhere; the others need a
 * GPU and are skipped without one).
 */
class CudaServingTest {
    private static final Fixture F = Fixture.shared();

    @Test
    void theCpuBackendIsAlwaysAvailable() {
        assertThat(Backend.CPU.unavailableReason()).isEmpty();
    }

    @Test
    void withoutCudaTheBuilderRefusesTheBackendAndSaysWhy() {
        String reason = Backend.CUDA.unavailableReason().orElse(null);
        assumeTrue(reason != null, "this machine has CUDA: the refusal is not reachable");
        AdapterCache cache =
                AdapterCache.builder(F.registry()).budgetBytes(1 << 20).build();
        assertThatThrownBy(() ->
                        LoraServer.builder(F.model, cache).backend(Backend.CUDA).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void aMixedBatchOnTheGpuGetsEachRequestsTokensAlone() {
        String reason = Backend.CUDA.unavailableReason().orElse(null);
        assumeTrue(reason == null, () -> "no usable CUDA device: " + reason);
        Random rnd = new Random(5);
        List<GenerationRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int[] prompt = new int[1 + rnd.nextInt(30)];
            for (int j = 0; j < prompt.length; j++) {
                prompt[j] = rnd.nextInt(F.cfg.vocabSize());
            }
            int a = rnd.nextInt(F.adapterDirs.size() + 1) - 1;
            reqs.add(GenerationRequest.builder(prompt)
                    .adapter(a < 0 ? null : Fixture.id(a))
                    .maxTokens(1 + rnd.nextInt(10))
                    .build());
        }
        AdapterCache cache =
                AdapterCache.builder(F.registry()).budgetBytes(8 << 20).build();
        try (LoraServer server = LoraServer.builder(F.model, cache)
                .backend(Backend.CUDA)
                .cudaDevice(0, 64L << 20)
                .maxBatch(16)
                .prefillChunk(8)
                .build()) {
            List<List<Integer>> alone = new ArrayList<>();
            for (GenerationRequest r : reqs) {
                alone.add(server.generate(r).tokens());
            }
            List<GenerationHandle> together = server.submitAll(reqs);
            for (int i = 0; i < reqs.size(); i++) {
                GenerationResult r = together.get(i).result().join();
                assertThat(r.tokens()).as("request %d", i).isEqualTo(alone.get(i));
                assertThat(r.tokens()).hasSize(reqs.get(i).maxTokens());
                assertThat(r.record().adapter()).isEqualTo(reqs.get(i).adapter());
            }
            assertThat(server.metrics().steps()).isPositive();
        }
    }
}
