package io.openledger.lora.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openledger.core.AdapterId;
import io.openledger.core.Address;
import io.openledger.core.Clock;
import io.openledger.core.ModelId;
import io.openledger.core.store.InMemoryKeyValueStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Private adapters: only the owner and its grantees get requests served, the check happens at
 * submission (nothing is queued for a refused caller, in {@code submitAll} for none of the batch), the
 * access survives a restart, only the owner changes it, and refusals are counted.
 */
class AdapterAccessTest {
    private static final Fixture F = Fixture.shared();
    private static final Address GRANTEE = Address.fromHex("0x00000000000000000000000000000000000000bb");
    private static final Address STRANGER = Address.fromHex("0x00000000000000000000000000000000000000cc");
    private static final AdapterId SECRET = AdapterId.of("secret");

    private static AdapterRegistry registry(InMemoryKeyValueStore store) {
        return new AdapterRegistry(store, ModelId.of("test-base"), F.cfg, Clock.system());
    }

    private static GenerationRequest request(Address caller) {
        return GenerationRequest.builder(3, 1, 4)
                .adapter(SECRET)
                .caller(caller)
                .maxTokens(3)
                .build();
    }

    @Test
    void accessIsPersistedAndOnlyTheOwnerChangesIt() {
        InMemoryKeyValueStore store = new InMemoryKeyValueStore();
        AdapterRegistry reg = registry(store);
        reg.register(SECRET, F.adapterDirs.get(0), Fixture.OWNER, Map.of(), AdapterAccess.privateTo(GRANTEE));
        AdapterRecord open = reg.register(AdapterId.of("open"), F.adapterDirs.get(1), Fixture.OWNER, Map.of());
        assertThat(open.access()).isEqualTo(AdapterAccess.PUBLIC);

        AdapterRecord reopened = registry(store).get(SECRET).orElseThrow();
        assertThat(reopened.access().restricted()).isTrue();
        assertThat(reopened.access().grantees()).containsExactly(GRANTEE);
        assertThat(reopened.access().allows(Fixture.OWNER, Fixture.OWNER)).isTrue();
        assertThat(reopened.access().allows(Fixture.OWNER, GRANTEE)).isTrue();
        assertThat(reopened.access().allows(Fixture.OWNER, STRANGER)).isFalse();
        assertThat(registry(store).get(AdapterId.of("open")).orElseThrow().access())
                .isEqualTo(AdapterAccess.PUBLIC);

        assertThatThrownBy(() -> reg.setAccess(SECRET, GRANTEE, AdapterAccess.PUBLIC))
                .isInstanceOf(AdapterAccessException.class)
                .hasMessageContaining("is not the owner");
        assertThat(registry(store).get(SECRET).orElseThrow().access().restricted())
                .isTrue();
        reg.setAccess(SECRET, Fixture.OWNER, AdapterAccess.privateTo(STRANGER));
        assertThat(registry(store).get(SECRET).orElseThrow().access().grantees())
                .containsExactly(STRANGER);
        assertThatThrownBy(() -> new AdapterAccess(false, java.util.Set.of(GRANTEE)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aServerServesOnlyTheOwnerAndGranteesOfAPrivateAdapter() {
        AdapterRegistry reg = registry(new InMemoryKeyValueStore());
        reg.register(SECRET, F.adapterDirs.get(2), Fixture.OWNER, Map.of(), AdapterAccess.privateTo(GRANTEE));
        AdapterCache cache = AdapterCache.builder(reg).budgetBytes(8L << 20).build();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (LoraServer server = LoraServer.builder(F.model, cache).threads(1).build()) {
            List<Integer> owners =
                    server.submit(request(Fixture.OWNER)).result().join().tokens();
            assertThat(server.submit(request(GRANTEE)).result().join().tokens()).isEqualTo(owners);

            assertThatThrownBy(() -> server.submit(request(STRANGER)))
                    .isInstanceOf(AdapterAccessException.class)
                    .hasMessageContaining("may not use this private adapter")
                    .satisfies(e ->
                            assertThat(((AdapterAccessException) e).caller()).isEqualTo(STRANGER));
            // all or nothing: the owner's request in the same batch is not queued either
            assertThatThrownBy(() -> server.submitAll(List.of(request(Fixture.OWNER), request(STRANGER))))
                    .isInstanceOf(AdapterAccessException.class);
            ServingMetrics m = server.metrics();
            assertThat(m.submitted()).isEqualTo(2);
            assertThat(m.denied()).isEqualTo(2);
            assertThat(m.waiting()).isZero();
            // bound now: the binder reads one snapshot a second at most. Nothing keeps the binder but
            // its meters: a collection must not empty them (they held it weakly, and read 0 in CI)
            new LoraServerMeterBinder(server).bindTo(meters);
            System.gc();
            assertThat(meters.get("openledger.lora.requests")
                            .tag("outcome", "denied")
                            .functionCounter()
                            .count())
                    .isEqualTo(2.0);

            // opened up by its owner, the adapter serves anyone; a base-model request never asks
            reg.setAccess(SECRET, Fixture.OWNER, AdapterAccess.PUBLIC);
            assertThat(server.submit(request(STRANGER)).result().join().tokens())
                    .isEqualTo(owners);
            assertThat(server.submit(GenerationRequest.builder(3, 1, 4)
                                    .caller(STRANGER)
                                    .maxTokens(3)
                                    .build())
                            .result()
                            .join()
                            .tokens())
                    .hasSize(3);
        }
    }
}
