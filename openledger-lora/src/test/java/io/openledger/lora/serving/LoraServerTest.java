package io.openledger.lora.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.AdapterId;
import io.openledger.core.Address;
import io.openledger.lora.DType;
import io.openledger.lora.Sampler;
import io.openledger.lora.TestModels;
import io.openledger.lora.WeightFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraServerTest {
    private static final Fixture F = Fixture.shared();
    private static final AdapterRegistry REGISTRY = F.registry();
    private static final LoraServer SERVER = LoraServer.builder(
                    F.model, AdapterCache.builder(REGISTRY).budgetBytes(1 << 20).build())
            .threads(2)
            .maxBatch(4)
            .build();

    @AfterAll
    static void close() {
        SERVER.close();
    }

    @Test
    void recordCarriesModelAdapterCallerTokensAndTimings() {
        Address caller = Address.fromHex("0x0000000000000000000000000000000000000bee");
        GenerationResult r = SERVER.generate(GenerationRequest.builder(1, 2, 3)
                .adapter(Fixture.id(1))
                .maxTokens(5)
                .caller(caller)
                .build());
        assertThat(r.tokens()).hasSize(5);
        assertThat(r.record().model().value()).isEqualTo("test-base");
        assertThat(r.record().adapter()).isEqualTo(Fixture.id(1));
        assertThat(r.record().caller()).isEqualTo(caller);
        assertThat(r.record().promptTokens()).containsExactly(1, 2, 3);
        assertThat(r.record().outputTokens()).isEqualTo(r.tokens());
        InferenceTimingsCheck.check(r);
    }

    static final class InferenceTimingsCheck {
        static void check(GenerationResult r) {
            var t = r.record().timings();
            assertThat(t.queued()).isLessThanOrEqualTo(t.firstToken());
            assertThat(t.firstToken()).isLessThanOrEqualTo(t.total());
        }
    }

    @Test
    void submitAllStartsTheBatchInOnePassAndQueuesNothingIfOneRequestIsInvalid() {
        AdapterCache cache = AdapterCache.builder(REGISTRY).budgetBytes(1 << 20).build();
        try (LoraServer server =
                LoraServer.builder(F.model, cache).threads(2).maxBatch(8).build()) {
            cache.preload(List.of(Fixture.id(1), Fixture.id(2))); // resident: no request waits on a load
            List<GenerationRequest> reqs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                reqs.add(GenerationRequest.builder(1 + i, 2, 3)
                        .adapter(i % 3 == 0 ? null : Fixture.id(i % 3))
                        .maxTokens(4)
                        .build());
            }
            List<GenerationHandle> hs = server.submitAll(reqs);
            assertThat(hs).hasSize(6);
            for (int i = 0; i < 6; i++) {
                GenerationResult r = hs.get(i).result().join();
                // the same tokens as the request served alone
                assertThat(r.tokens()).isEqualTo(SERVER.generate(reqs.get(i)).tokens());
            }
            // taken in together: one pass prefills all six, three more decode them (4 tokens each)
            assertThat(server.metrics().steps()).isEqualTo(4);
            long submitted = server.metrics().submitted();
            List<GenerationRequest> bad = List.of(
                    reqs.get(0),
                    GenerationRequest.builder(1)
                            .adapter(AdapterId.of("not-registered"))
                            .build());
            assertThatThrownBy(() -> server.submitAll(bad)).isInstanceOf(AdapterRejectedException.class);
            assertThat(server.metrics().submitted()).isEqualTo(submitted);
        }
    }

    @Test
    void stopTokenAndStopSequenceEndGeneration() {
        GenerationRequest base = GenerationRequest.builder(5, 6, 7).maxTokens(8).build();
        List<Integer> free = SERVER.generate(base).tokens();
        GenerationResult st = SERVER.generate(GenerationRequest.builder(5, 6, 7)
                .maxTokens(8)
                .stopTokens(Set.of(free.get(2)))
                .build());
        int firstHit = free.indexOf(free.get(2));
        assertThat(st.reason()).isEqualTo(FinishReason.STOP_TOKEN);
        assertThat(st.tokens()).isEqualTo(free.subList(0, firstHit + 1));
        GenerationResult seq = SERVER.generate(GenerationRequest.builder(5, 6, 7)
                .maxTokens(8)
                .stopSequence(free.get(3), free.get(4))
                .build());
        assertThat(seq.reason()).isIn(FinishReason.STOP_SEQUENCE);
        assertThat(seq.tokens().subList(seq.tokens().size() - 2, seq.tokens().size()))
                .containsExactly(free.get(3), free.get(4));
    }

    @Test
    void cancellationAndTimeoutFreeTheirResources() {
        GenerationHandle h =
                SERVER.submit(GenerationRequest.builder(1, 2).maxTokens(5000).build());
        h.cancel();
        GenerationResult c = h.result().join();
        assertThat(c.reason()).isEqualTo(FinishReason.CANCELLED);
        GenerationResult t = SERVER.generate(GenerationRequest.builder(1, 2)
                .adapter(Fixture.id(0))
                .maxTokens(100_000)
                .timeout(Duration.ofMillis(30))
                .build());
        assertThat(t.reason()).isEqualTo(FinishReason.TIMEOUT);
        assertThat(t.tokens().size()).isLessThan(100_000);
        // everything released: the next requests still get KV pages and adapters
        assertThat(SERVER.generate(GenerationRequest.builder(3)
                                .adapter(Fixture.id(0))
                                .maxTokens(2)
                                .build())
                        .tokens())
                .hasSize(2);
        assertThat(SERVER.cache().isLocked(Fixture.id(0))).isFalse();
    }

    @Test
    void aBf16CheckpointIsServedAsBf16WithTheF32Tokens(@TempDir Path dir) {
        // the fixture's adapters fit any base of its config; this one is stored in bfloat16
        Path bf16 = dir.resolve("bf16");
        TestModels.writeModel(bf16, F.cfg, 9, DType.BF16, 1);
        AdapterCache cache = AdapterCache.builder(REGISTRY).budgetBytes(1 << 20).build();
        List<List<Integer>> tokens = new ArrayList<>();
        List<Long> bytes = new ArrayList<>();
        for (boolean asStored : new boolean[] {true, false}) {
            LoraServer.Builder b = LoraServer.builder(bf16, cache).threads(2).maxBatch(16);
            try (LoraServer s = (asStored ? b : b.weights(WeightFormat.F32)).build()) {
                List<GenerationRequest> batch = new ArrayList<>();
                for (int i = 0; i < 10; i++) { // ten rows: the decode steps run the batch tile
                    batch.add(GenerationRequest.builder(1, 2, 3, 40 + i)
                            .adapter(Fixture.id(i % 4))
                            .maxTokens(6)
                            .build());
                }
                List<Integer> all = new ArrayList<>();
                for (GenerationHandle h : s.submitAll(batch)) {
                    all.addAll(h.result().join().tokens());
                }
                tokens.add(all);
                bytes.add(s.decodeBytes());
            }
        }
        assertThat(tokens.get(0)).isEqualTo(tokens.get(1));
        assertThat(bytes.get(0))
                .as("held as BF16: half the F32 bytes, and more")
                .isLessThan(bytes.get(1) * 3 / 4);
    }

    @Test
    void aBurstOnOneAdapterDoesNotStarveAnotherAdapter() {
        for (boolean fair : new boolean[] {true, false}) {
            AdapterCache cache =
                    AdapterCache.builder(REGISTRY).budgetBytes(1 << 20).build();
            cache.preload(List.of(Fixture.id(0), Fixture.id(1)));
            try (LoraServer one = LoraServer.builder(F.model, cache)
                    .threads(1)
                    .maxBatch(1)
                    .fairAcrossAdapters(fair)
                    .build()) {
                // one batch row at a time: completion order is admission order
                List<AdapterId> finished = java.util.Collections.synchronizedList(new ArrayList<>());
                List<GenerationHandle> hs = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    AdapterId id = i < 5 ? Fixture.id(0) : Fixture.id(1);
                    // the first request holds the only batch slot long enough for the rest to queue
                    GenerationHandle h = one.submit(GenerationRequest.builder(1, 2, 3)
                            .adapter(id)
                            .maxTokens(i == 0 ? 300 : 3)
                            .build());
                    h.result().thenRun(() -> finished.add(id));
                    hs.add(h);
                }
                hs.forEach(h -> h.result().join());
                int position = finished.indexOf(Fixture.id(1));
                if (fair) {
                    // after the running request, the other adapter's first request has the same turn
                    // as the burst's second and arrived later: it runs third at the latest
                    assertThat(position).as("fair order %s", finished).isLessThanOrEqualTo(2);
                } else {
                    assertThat(position).as("arrival order %s", finished).isEqualTo(5);
                }
            }
        }
    }

    @Test
    void fullQueueRefusesWithBackpressure() {
        AdapterCache cache = AdapterCache.builder(REGISTRY).budgetBytes(1 << 20).build();
        try (LoraServer small = LoraServer.builder(F.model, cache)
                .threads(1)
                .maxBatch(1)
                .maxQueued(2)
                .build()) {
            List<GenerationHandle> ok = new ArrayList<>();
            int refused = 0;
            for (int i = 0; i < 20; i++) {
                try {
                    ok.add(small.submit(
                            GenerationRequest.builder(1, 2, 3).maxTokens(4000).build()));
                } catch (ServerBusyException e) {
                    refused++;
                }
            }
            assertThat(refused).isPositive();
            assertThat(small.metrics().rejected()).isEqualTo(refused);
            ok.forEach(GenerationHandle::cancel);
            ok.forEach(h -> h.result().join());
        }
    }

    @Test
    void unknownAdapterAndBadTokensAreRefusedAtSubmit() {
        assertThatThrownBy(() -> SERVER.submit(GenerationRequest.builder(1)
                        .adapter(AdapterId.of("ghost"))
                        .build()))
                .isInstanceOf(AdapterRejectedException.class)
                .hasMessageContaining("ghost");
        assertThatThrownBy(
                        () -> SERVER.submit(GenerationRequest.builder(100_000).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vocabulary");
        assertThatThrownBy(() -> GenerationRequest.builder().build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GenerationRequest.builder(1).maxTokens(0)).hasMessageContaining("maxTokens");
    }

    @Test
    void streamDeliversTheSameTokensAsGenerate() {
        GenerationRequest req = GenerationRequest.builder(9, 8, 7)
                .adapter(Fixture.id(2))
                .maxTokens(6)
                .sampler(new Sampler(0.8, 0, 1, 42))
                .build();
        List<Integer> expected = SERVER.generate(req).tokens();
        List<Integer> got = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        SERVER.stream(req).subscribe(new Flow.Subscriber<Integer>() {
            Flow.Subscription s;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                this.s = s;
                s.request(1);
            }

            @Override
            public void onNext(Integer item) {
                got.add(item);
                s.request(1);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.join();
        assertThat(got).isEqualTo(expected);
        ServingMetrics m = SERVER.metrics();
        assertThat(m.generatedTokens()).isPositive();
        assertThat(m.ttftMillisP50()).isPositive();
        assertThat(m.cache().residentBytes()).isPositive();
    }
}
