package io.openledger.lora.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.lora.LoraAdapter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The adapter memory pool against a model of its regions: no overlaps, exact accounting, coalescing. */
class AdapterArenaProperties {
    @Property(tries = 300)
    void regionsNeverOverlapAndFreeRunsCoalesce(
            @ForAll @IntRange(min = 1, max = 4) int chunks,
            @ForAll @IntRange(min = 64, max = 4096) int chunkFloats,
            @ForAll @IntRange(min = 1, max = 200) int steps,
            @ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        AdapterArena arena = new AdapterArena((long) chunks * chunkFloats, chunkFloats, rnd.nextBoolean());
        if (rnd.nextBoolean()) {
            arena.reserveAll();
        }
        List<LoraAdapter.Region> live = new ArrayList<>();
        long used = 0;
        for (int s = 0; s < steps; s++) {
            if (live.isEmpty() || rnd.nextInt(3) > 0) {
                int n = 1 + rnd.nextInt(chunkFloats);
                LoraAdapter.Region r = arena.allocate(n);
                if (r == null) {
                    // refused only when no free run (existing or in a new chunk) is that long
                    assertThat(arena.largestFreeRun()).isLessThan(n);
                    assertThat(arena.allocatedFloats() == (long) chunks * chunkFloats || n > chunkFloats)
                            .isTrue();
                    continue;
                }
                assertThat(r.length()).isEqualTo(n);
                for (LoraAdapter.Region o : live) {
                    assertThat(r.array().getClass()).isEqualTo(o.array().getClass());
                    boolean disjoint = o.array() != r.array()
                            || o.offset() + o.length() <= r.offset()
                            || r.offset() + r.length() <= o.offset();
                    assertThat(disjoint).as("%s overlaps %s", r, o).isTrue();
                }
                live.add(r);
                used += n;
            } else {
                LoraAdapter.Region r = live.remove(rnd.nextInt(live.size()));
                arena.free(r);
                used -= r.length();
            }
            assertThat(arena.usedFloats()).isEqualTo(used);
            assertThat(arena.allocatedFloats()).isLessThanOrEqualTo((long) chunks * chunkFloats);
        }
        live.forEach(arena::free);
        assertThat(arena.usedFloats()).isZero();
        if (arena.allocatedFloats() > 0) {
            // everything free again: each chunk is one run
            assertThat(arena.largestFreeRun()).isEqualTo(chunkFloats);
        }
    }

    @Test
    void doubleFreesAndForeignRegionsAreRefused() {
        AdapterArena arena = new AdapterArena(1000, 1000);
        LoraAdapter.Region r = arena.allocate(100);
        assertThat(r).isNotNull();
        arena.free(r);
        assertThatThrownBy(() -> arena.free(r)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> arena.free(LoraAdapter.Region.ofFloats(new float[10], 0, 10)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(arena.allocate(1001)).isNull();
    }
}
