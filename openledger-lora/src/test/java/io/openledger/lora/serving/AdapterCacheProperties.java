package io.openledger.lora.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.AdapterId;
import io.openledger.core.Clock;
import io.openledger.core.ModelId;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.lora.AdapterConfig;
import io.openledger.lora.DType;
import io.openledger.lora.LoraAdapter;
import io.openledger.lora.Projection;
import io.openledger.lora.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdapterCacheProperties {
    private static final AdapterRegistry REGISTRY = Fixture.shared().registry();
    private static final int N = Fixture.shared().adapterDirs.size();

    record Op(int kind, int adapter) {}

    @Provide
    Arbitrary<List<Op>> ops() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 5),
                        Arbitraries.integers().between(0, N - 1))
                .as(Op::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(60);
    }

    private static long bytes(int i) {
        return REGISTRY.get(Fixture.id(i)).orElseThrow().residentBytes();
    }

    // Random acquire / release / pin / unpin / prefetch against a budget between the smallest adapter
    // and all of them: resident bytes never exceed the budget, and every leased or pinned adapter stays
    // resident (never evicted under its holder).
    @Property(tries = 200)
    void neverOverBudgetAndNeverEvictsInUse(
            @ForAll("ops") List<Op> ops, @ForAll @IntRange(min = 0, max = 100) int budgetPercent) {
        long min = Long.MAX_VALUE, all = 0;
        for (int i = 0; i < N; i++) {
            min = Math.min(min, bytes(i));
            all += bytes(i);
        }
        long budget = Math.max(1024, min + (all - min) * budgetPercent / 100);
        AdapterCache cache = AdapterCache.builder(REGISTRY)
                .budgetBytes(budget)
                .loadExecutor(Runnable::run)
                .build();
        List<AdapterCache.Lease> leases = new ArrayList<>();
        Set<Integer> pinned = new HashSet<>();
        for (Op op : ops) {
            AdapterId id = Fixture.id(op.adapter());
            switch (op.kind()) {
                case 0, 1 -> {
                    try {
                        leases.add(cache.acquire(id));
                    } catch (AdapterBudgetException | AdapterRejectedException e) {
                        assertThat(lockedBytes(leases, pinned) + bytes(op.adapter()))
                                .isGreaterThan(budget);
                    }
                }
                case 2 -> {
                    if (!leases.isEmpty()) {
                        leases.remove(op.adapter() % leases.size()).close();
                    }
                }
                case 3 -> {
                    try {
                        cache.pin(id);
                        pinned.add(op.adapter());
                    } catch (AdapterBudgetException | AdapterRejectedException e) {
                        assertThat(lockedBytes(leases, pinned) + bytes(op.adapter()))
                                .isGreaterThan(budget);
                    }
                }
                case 4 -> {
                    cache.unpin(id);
                    pinned.remove(op.adapter());
                }
                default -> cache.prefetch(id).exceptionally(t -> null).join();
            }
            assertThat(cache.residentBytes()).isLessThanOrEqualTo(budget);
            for (AdapterCache.Lease l : leases) {
                assertThat(cache.isResident(l.id())).isTrue();
                assertThat(cache.isLocked(l.id())).isTrue();
                // its region of the memory pool still holds exactly its own weights
                assertSameWeights(l.adapter(), reference(l.id()));
            }
            for (int p : pinned) {
                assertThat(cache.isResident(Fixture.id(p))).isTrue();
            }
        }
        leases.forEach(AdapterCache.Lease::close);
        AdapterCache.Stats s = cache.stats();
        assertThat(s.peakResidentBytes()).isLessThanOrEqualTo(budget);
        assertThat(s.residentBytes()).isEqualTo(cache.residentBytes());
    }

    private static final Map<AdapterId, LoraAdapter> REFERENCE = new java.util.concurrent.ConcurrentHashMap<>();

    private static LoraAdapter reference(AdapterId id) {
        return REFERENCE.computeIfAbsent(
                id, k -> LoraAdapter.load(REGISTRY.get(k).orElseThrow().dir(), REGISTRY.base()));
    }

    private static void assertSameWeights(LoraAdapter got, LoraAdapter want) {
        assertThat(got.released()).isFalse();
        assertThat(got.modules()).isEqualTo(want.modules());
        for (int l = 0; l < REGISTRY.base().layers(); l++) {
            for (Projection p : Projection.values()) {
                LoraAdapter.Delta g = got.delta(l, p);
                LoraAdapter.Delta w = want.delta(l, p);
                if (w != null) {
                    assertThat(g).isNotNull();
                    assertThat(g.a()).containsExactly(w.a());
                    assertThat(g.b()).containsExactly(w.b());
                }
            }
        }
    }

    @Test
    void anEvictedAdapterIsReleasedAndItsRegionReused() {
        long budget = bytes(0) + bytes(1); // room for two of the fixture's adapters at most
        AdapterCache cache = AdapterCache.builder(REGISTRY)
                .budgetBytes(budget)
                .loadExecutor(Runnable::run)
                .build();
        LoraAdapter first;
        try (AdapterCache.Lease l = cache.acquire(Fixture.id(0))) {
            first = l.adapter();
        }
        for (int i = 1; i < N && !first.released(); i++) {
            cache.acquire(Fixture.id(i)).close();
        }
        assertThat(first.released()).as("adapter 0 was evicted and released").isTrue();
        assertThatThrownBy(() -> first.delta(0, Projection.Q_PROJ))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("released");
        AdapterCache.Stats s = cache.stats();
        assertThat(s.ownArrays()).isZero();
        assertThat(s.poolBytes()).isLessThanOrEqualTo(budget);
        try (AdapterCache.Lease l = cache.acquire(Fixture.id(0))) {
            assertSameWeights(l.adapter(), reference(Fixture.id(0)));
        }
    }

    @Test
    void bf16ResidencyHalvesTheBytesAndRoundsEachWeightOnce() {
        AdapterCache cache = AdapterCache.builder(REGISTRY)
                .budgetBytes(1L << 24)
                .residentFormat(io.openledger.lora.WeightFormat.BF16)
                .loadExecutor(Runnable::run)
                .build();
        for (int i = 0; i < N; i++) {
            AdapterRecord rec = REGISTRY.get(Fixture.id(i)).orElseThrow();
            long bf16 = cache.residentBytes(rec);
            // every width in the fixture is a multiple of 32, so bfloat16 is exactly half
            assertThat(bf16 * 2).isEqualTo(rec.residentBytes());
            try (AdapterCache.Lease l = cache.acquire(rec.id())) {
                LoraAdapter got = l.adapter();
                LoraAdapter want = reference(rec.id());
                assertThat(got.bytes()).isEqualTo(bf16);
                for (int layer = 0; layer < REGISTRY.base().layers(); layer++) {
                    for (Projection p : Projection.values()) {
                        LoraAdapter.Delta w = want.delta(layer, p);
                        if (w == null) {
                            continue;
                        }
                        LoraAdapter.Delta g = got.delta(layer, p);
                        assertThat(g.bf16()).isTrue();
                        assertThat(g.a()).containsExactly(roundedToBf16(w.a()));
                        assertThat(g.b()).containsExactly(roundedToBf16(w.b()));
                    }
                }
            }
        }
        assertThat(cache.stats().peakResidentBytes()).isLessThanOrEqualTo(1L << 24);
    }

    private static float[] roundedToBf16(float[] v) {
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Float.intBitsToFloat((io.openledger.lora.SafeTensorsWriter.toBf16(v[i]) & 0xFFFF) << 16);
        }
        return r;
    }

    private static long lockedBytes(List<AdapterCache.Lease> leases, Set<Integer> pinned) {
        Set<AdapterId> ids = new HashSet<>();
        leases.forEach(l -> ids.add(l.id()));
        pinned.forEach(p -> ids.add(Fixture.id(p)));
        long n = 0;
        for (AdapterId id : ids) {
            n += REGISTRY.get(id).orElseThrow().residentBytes();
        }
        return n;
    }

    @Test
    void concurrentAcquiresShareOneLoad() throws Exception {
        AdapterCache cache =
                AdapterCache.builder(REGISTRY).budgetBytes(64L << 20).build();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger ok = new AtomicInteger();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            all.add(CompletableFuture.runAsync(
                    () -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        try (AdapterCache.Lease l = cache.acquire(Fixture.id(3))) {
                            assertThat(l.adapter().bytes()).isEqualTo(bytes(3));
                            ok.incrementAndGet();
                        }
                    },
                    pool));
        }
        go.countDown();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        pool.shutdown();
        AdapterCache.Stats s = cache.stats();
        assertThat(ok.get()).isEqualTo(16);
        assertThat(s.loads()).isEqualTo(1);
        assertThat(s.misses()).isEqualTo(1);
        assertThat(s.hits()).isEqualTo(15);
    }

    @Test
    void frequentAdapterSurvivesAScanOfOnceUsedOnes(@TempDir Path tmp) {
        // W-TinyLFU is scan resistant where LRU is not: one hot adapter used often, then a stream of
        // 40 adapters used once each through a cache that holds 10. LRU would have evicted the hot one
        // after 10 of them.
        Fixture f = Fixture.shared();
        AdapterRegistry reg =
                new AdapterRegistry(new InMemoryKeyValueStore(), ModelId.of("test-base"), f.cfg, Clock.system());
        for (int i = 0; i <= 40; i++) {
            Path d = tmp.resolve("s" + i);
            TestModels.writeAdapter(d, f.cfg, AdapterConfig.of(2, 4, List.of("q_proj")), i, DType.F32);
            reg.register(AdapterId.of("s" + i), d, Fixture.OWNER, Map.of());
        }
        long one = reg.get(AdapterId.of("s0")).orElseThrow().residentBytes();
        AdapterCache cache = AdapterCache.builder(reg)
                .budgetBytes(10 * one)
                .loadExecutor(Runnable::run)
                .build();
        for (int i = 1; i <= 9; i++) {
            cache.acquire(AdapterId.of("s" + i)).close(); // fill: Caffeine counts once half full
        }
        for (int i = 0; i < 30; i++) {
            cache.acquire(AdapterId.of("s0")).close();
        }
        for (int i = 10; i <= 40; i++) {
            cache.acquire(AdapterId.of("s" + i)).close();
        }
        assertThat(cache.isResident(AdapterId.of("s0"))).isTrue();
        assertThat(cache.stats().evictions()).isGreaterThanOrEqualTo(30);
        assertThat(cache.stats().peakResidentBytes()).isLessThanOrEqualTo(10 * one);
    }

    @Test
    void unknownAndOversizedAdaptersAreRefused() {
        AdapterCache cache = AdapterCache.builder(REGISTRY).budgetBytes(2048).build();
        assertThatThrownBy(() -> cache.acquire(AdapterId.of("nope")))
                .isInstanceOf(AdapterRejectedException.class)
                .hasMessageContaining("not registered");
        assertThatThrownBy(() -> cache.acquire(Fixture.id(3)))
                .isInstanceOf(AdapterRejectedException.class)
                .hasMessageContaining("exceed the cache budget");
    }
}
