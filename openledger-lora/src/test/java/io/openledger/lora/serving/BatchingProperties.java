package io.openledger.lora.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.AdapterId;
import io.openledger.lora.LlamaModel;
import io.openledger.lora.LoraAdapter;
import io.openledger.lora.Sampler;
import io.openledger.lora.WeightFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The central correctness property of multi-adapter serving: whatever a request is batched with
 * (other adapters, other ranks, base-only rows, prompts being prefilled in chunks, arrivals while
 * others decode), its greedy tokens are exactly those the single-request engine (LoRA I's
 * LlamaModel with the adapter unmerged) produces for it alone.
 */
class BatchingProperties {
    private static final Fixture F = Fixture.shared();
    private static final AdapterRegistry REGISTRY = F.registry();
    private static final Map<WeightFormat, LlamaModel> SINGLE = new java.util.EnumMap<>(WeightFormat.class);
    private static final Map<String, List<Integer>> EXPECTED = new HashMap<>();

    @AfterContainer
    static void close() {
        SINGLE.values().forEach(LlamaModel::close);
    }

    /**
     * adapter: -1 = base only; delayMicros: submitted that long after the previous request; scale:
     * the request's adapter scale (1 for base-only requests).
     */
    record Req(int adapter, int[] prompt, int maxTokens, int delayMicros, float scale) {
        Req {
            scale = adapter < 0 ? 1f : scale;
        }
    }

    @Provide
    Arbitrary<List<Req>> requests() {
        Arbitrary<Integer> adapter = Arbitraries.integers().between(-1, F.adapterDirs.size() - 1);
        Arbitrary<int[]> prompt = Arbitraries.integers()
                .between(0, F.cfg.vocabSize() - 1)
                .array(int[].class)
                .ofMinSize(1)
                .ofMaxSize(24);
        Arbitrary<Integer> max = Arbitraries.integers().between(1, 8);
        Arbitrary<Integer> delay = Arbitraries.integers().between(0, 3000);
        // mostly the adapter as it is; otherwise off, halved, doubled, subtracted or a fraction
        Arbitrary<Float> scale = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(1f)), Tuple.of(1, Arbitraries.of(0f, 0.5f, 2f, -1f, 0.3f)));
        return Combinators.combine(adapter, prompt, max, delay, scale)
                .as(Req::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(12);
    }

    private static GenerationRequest request(Req r) {
        return GenerationRequest.builder(r.prompt())
                .adapter(r.adapter() < 0 ? null : Fixture.id(r.adapter()))
                .adapterScale(r.scale())
                .maxTokens(r.maxTokens())
                .build();
    }

    private static List<Integer> alone(Req r) {
        return alone(r, WeightFormat.F32);
    }

    private static List<Integer> alone(Req r, WeightFormat format) {
        return alone(r, format, false);
    }

    // the single-request engine with the adapter in the form the cache keeps it in
    private static List<Integer> alone(Req r, WeightFormat format, boolean bf16Adapters) {
        String key = format + ":" + bf16Adapters + ":" + r.adapter() + "*" + r.scale() + ":"
                + java.util.Arrays.toString(r.prompt()) + ":" + r.maxTokens();
        synchronized (EXPECTED) {
            return EXPECTED.computeIfAbsent(key, k -> {
                LoraAdapter a = r.adapter() < 0
                        ? null
                        : LoraAdapter.load(
                                        F.adapterDirs.get(r.adapter()),
                                        F.cfg,
                                        bf16Adapters ? LoraAdapter.OWN_BF16 : LoraAdapter.OWN_ARRAY)
                                .scaled(r.scale());
                LlamaModel single = SINGLE.computeIfAbsent(
                        format,
                        f -> LlamaModel.builder(F.model).weights(f).threads(1).build());
                return single.generate(r.prompt(), a, r.maxTokens(), Sampler.greedy(), Set.of());
            });
        }
    }

    @net.jqwik.api.Example
    void mixedBatchesReallyShareAPassAndAdaptersReallyMatter() {
        AdapterCache cache =
                AdapterCache.builder(REGISTRY).budgetBytes(8L << 20).build();
        cache.preload(REGISTRY.list().stream().map(AdapterRecord::id).toList());
        List<Req> reqs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            reqs.add(new Req(i % 7 - 1, new int[] {1 + i, 2, 3 + 2 * i}, 40, 0, 1f));
        }
        try (LoraServer server =
                LoraServer.builder(F.model, cache).threads(1).maxBatch(8).build()) {
            // the other seven are submitted from the first one's first token (on the scheduler
            // thread), so all of them are queued when the next iteration admits: deterministic batching
            GenerationHandle[] handles = new GenerationHandle[reqs.size()];
            handles[0] = server.submit(request(reqs.getFirst()), new GenerationListener() {
                private boolean once;

                @Override
                public void onToken(int token) {
                    if (!once) {
                        once = true;
                        for (int i = 1; i < reqs.size(); i++) {
                            handles[i] = server.submit(request(reqs.get(i)));
                        }
                    }
                }
            });
            handles[0].result().join();
            List<GenerationHandle> hs = List.of(handles);
            for (int i = 0; i < reqs.size(); i++) {
                assertThat(hs.get(i).result().join().tokens()).isEqualTo(alone(reqs.get(i)));
            }
            assertThat(server.metrics().meanBatchRows())
                    .as(server.metrics().toString())
                    .isGreaterThan(3.0);
        }
        // the adapters change the output (so the property above is not vacuous)
        Req base = new Req(-1, new int[] {5, 6, 7}, 8, 0, 1f);
        int differing = 0;
        for (int a = 0; a < F.adapterDirs.size(); a++) {
            if (!alone(new Req(a, base.prompt(), 8, 0, 1f)).equals(alone(base))) {
                differing++;
            }
        }
        assertThat(differing).isGreaterThanOrEqualTo(F.adapterDirs.size() - 1);
    }

    @Property(tries = 25)
    void batchedGreedyEqualsEachRequestAlone(
            @ForAll("requests") List<Req> reqs,
            @ForAll @IntRange(min = 1, max = 12) int maxBatch,
            @ForAll @IntRange(min = 1, max = 9) int prefillChunk,
            @ForAll @IntRange(min = 1, max = 8) int pageTokens,
            @ForAll @IntRange(min = 1, max = 3) int budgetAdapters,
            @ForAll WeightFormat format,
            @ForAll boolean bf16Adapters) {
        // a budget of a few rank-16 adapters: forces evictions and reloads during the run
        AdapterCache cache0 = AdapterCache.builder(REGISTRY)
                .budgetBytes(1024)
                .residentFormat(bf16Adapters ? WeightFormat.BF16 : WeightFormat.F32)
                .build();
        long budget = budgetAdapters
                * cache0.residentBytes(REGISTRY.get(Fixture.id(3)).orElseThrow());
        AdapterCache cache = AdapterCache.builder(REGISTRY)
                .budgetBytes(budget)
                .residentFormat(bf16Adapters ? WeightFormat.BF16 : WeightFormat.F32)
                .build();
        List<GenerationHandle> handles = new ArrayList<>();
        try (LoraServer server = LoraServer.builder(F.model, cache)
                .weights(format)
                .threads(2)
                .maxBatch(maxBatch)
                .prefillChunk(prefillChunk)
                .maxBatchTokens(maxBatch + prefillChunk)
                .pageTokens(pageTokens)
                .kvCacheBytes(256L << 10)
                .build()) {
            for (Req r : reqs) {
                LockSupport.parkNanos(r.delayMicros() * 1000L);
                AdapterId id = r.adapter() < 0 ? null : Fixture.id(r.adapter());
                handles.add(server.submit(GenerationRequest.builder(r.prompt())
                        .adapter(id)
                        .adapterScale(r.scale())
                        .maxTokens(r.maxTokens())
                        .build()));
            }
            for (int i = 0; i < reqs.size(); i++) {
                GenerationResult res = handles.get(i).result().join();
                assertThat(res.tokens())
                        .as("request %d %s (%s, BF16 adapters %s)", i, reqs.get(i), format, bf16Adapters)
                        .isEqualTo(alone(reqs.get(i), format, bf16Adapters));
                assertThat(res.reason()).isEqualTo(FinishReason.LENGTH);
                assertThat(res.record().adapter())
                        .isEqualTo(
                                reqs.get(i).adapter() < 0 || reqs.get(i).scale() == 0f
                                        ? null
                                        : Fixture.id(reqs.get(i).adapter()));
            }
            ServingMetrics m = server.metrics();
            assertThat(m.cache().peakResidentBytes()).isLessThanOrEqualTo(budget);
            assertThat(m.kvPagesReserved()).isZero();
            assertThat(m.completed()).isEqualTo(reqs.size());
        }
    }
}
