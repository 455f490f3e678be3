package io.openledger.lora.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.lora.LoraAdapter;
import io.openledger.lora.Projection;
import io.openledger.lora.serving.internal.MappedAdapterFiles;
import org.junit.jupiter.api.Test;

/** The middle tier: adapters' files kept open between loads, never closed under a load. */
class MappedTierTest {
    private static final AdapterRegistry REGISTRY = Fixture.shared().registry();

    private static AdapterRecord record(int i) {
        return REGISTRY.get(Fixture.id(i)).orElseThrow();
    }

    @Test
    void keepsFilesOpenAndClosesThemOnlyWhenUnused() {
        try (MappedAdapterFiles tier = new MappedAdapterFiles(2)) {
            MappedAdapterFiles.Handle first = tier.acquire(record(0));
            MappedAdapterFiles.Handle again = tier.acquire(record(0));
            assertThat(again.weights()).isSameAs(first.weights());
            assertThat(tier.opens()).isEqualTo(1);
            assertThat(tier.hits()).isEqualTo(1);
            again.close();
            again.close(); // idempotent: must not release twice

            // more adapters than the tier holds: it stays within its bound
            tier.acquire(record(1)).close();
            tier.acquire(record(2)).close();
            tier.acquire(record(3)).close();
            assertThat(tier.size()).isLessThanOrEqualTo(2);

            // adapter 0 dropped from the tier while `first` still holds it
            tier.invalidate(record(0));
            String name = first.weights().names().getFirst();
            assertThat(first.weights().floats(name)).isNotEmpty(); // still mapped for its holder

            first.close(); // the last holder of a dropped mapping closes it
            assertThatThrownBy(() -> first.weights().floats(name)).isInstanceOf(IllegalStateException.class);

            // and a later acquire opens the files afresh
            long opens = tier.opens();
            try (MappedAdapterFiles.Handle h = tier.acquire(record(0))) {
                assertThat(h.weights().floats(name)).isNotEmpty();
            }
            assertThat(tier.opens()).isEqualTo(opens + 1);
        }
    }

    @Test
    void reloadingAnEvictedAdapterUsesTheOpenFilesAndGivesTheSameWeights() {
        AdapterCache cache = AdapterCache.builder(REGISTRY)
                // room for either adapter, not both
                .budgetBytes(Math.max(record(0).residentBytes(), record(1).residentBytes()))
                .loadExecutor(Runnable::run)
                .build();
        try (cache) {
            float[] before;
            try (AdapterCache.Lease l = cache.acquire(Fixture.id(0))) {
                before = firstDelta(l.adapter()).a();
            }
            cache.acquire(Fixture.id(1)).close(); // evicts adapter 0
            assertThat(cache.stats().evictions()).isGreaterThanOrEqualTo(1);
            long hits = cache.stats().mappedHits();
            try (AdapterCache.Lease l = cache.acquire(Fixture.id(0))) {
                assertThat(firstDelta(l.adapter()).a()).containsExactly(before);
            }
            assertThat(cache.stats().mappedHits()).isEqualTo(hits + 1);
            assertThat(cache.stats().mappedOpens()).isEqualTo(2);
        }
    }

    private static LoraAdapter.Delta firstDelta(LoraAdapter a) {
        for (int l = 0; ; l++) {
            for (Projection p : Projection.values()) {
                LoraAdapter.Delta d = a.delta(l, p);
                if (d != null) {
                    return d;
                }
            }
        }
    }
}
