package io.openledger.lora.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.AdapterId;
import io.openledger.core.Address;
import io.openledger.core.Clock;
import io.openledger.core.ModelId;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.lora.LoraAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Just-in-time adapters: a request may name an adapter that is not registered yet, and the server
 * registers it from its resolver on first use, validated as registration validates; unknown, bad
 * and path-escaping ids are refused, and concurrent first uses register it once.
 */
class AdapterResolverTest {
    private static final Fixture F = Fixture.shared();
    private static final Address OWNER = Address.fromHex("0x00000000000000000000000000000000000000dd");

    private static AdapterRegistry emptyRegistry() {
        return new AdapterRegistry(new InMemoryKeyValueStore(), ModelId.of("test-base"), F.cfg, Clock.system());
    }

    private static GenerationRequest on(String adapter) {
        return GenerationRequest.builder(2, 7, 1)
                .adapter(AdapterId.of(adapter))
                .maxTokens(3)
                .build();
    }

    @Test
    void anAdapterInTheDirectoryIsRegisteredOnFirstUse() {
        AdapterRegistry reg = emptyRegistry();
        AdapterCache cache = AdapterCache.builder(reg).budgetBytes(8L << 20).build();
        try (LoraServer server = LoraServer.builder(F.model, cache)
                .threads(1)
                .resolver(AdapterResolver.directory(F.root, OWNER))
                .build()) {
            GenerationResult r = server.generate(on("adapter-3"));
            AdapterRecord rec = reg.get(AdapterId.of("adapter-3")).orElseThrow();
            assertThat(rec.owner()).isEqualTo(OWNER);
            assertThat(rec.dir())
                    .isEqualTo(F.adapterDirs.get(3).toAbsolutePath().normalize());
            assertThat(rec.metadata()).containsKey("resolvedFrom");
            assertThat(r.record().adapter()).isEqualTo(AdapterId.of("adapter-3"));
            // the same tokens as the adapter registered ahead of time gives
            AdapterRegistry pre = F.registry();
            try (LoraServer registered = LoraServer.builder(
                            F.model,
                            AdapterCache.builder(pre).budgetBytes(8L << 20).build())
                    .threads(1)
                    .build()) {
                assertThat(r.tokens())
                        .isEqualTo(registered
                                .generate(GenerationRequest.builder(2, 7, 1)
                                        .adapter(Fixture.id(3))
                                        .maxTokens(3)
                                        .build())
                                .tokens());
            }
            server.generate(on("adapter-3"));
            assertThat(server.metrics().resolved()).isEqualTo(1);
            assertThat(reg.size()).isEqualTo(1);

            assertThatThrownBy(() -> server.submit(on("no-such-adapter")))
                    .isInstanceOf(AdapterRejectedException.class)
                    .hasMessageContaining("not registered");
            // ids that climb out of the directory or alias another id's directory resolve to nothing
            for (String sly : List.of("adapter-3/../adapter-1", "a/../../" + F.root.getFileName() + "/adapter-1")) {
                assertThatThrownBy(() -> server.submit(on(sly)))
                        .as(sly)
                        .isInstanceOf(AdapterRejectedException.class)
                        .hasMessageContaining("not registered");
            }
            assertThat(reg.size()).isEqualTo(1);
        }
    }

    @Test
    void aBadAdapterIsRefusedWithTheRegistrysMessage(@TempDir Path root) throws Exception {
        Path bad = root.resolve("bad");
        Files.createDirectories(bad);
        Path good = F.adapterDirs.get(0);
        Files.copy(good.resolve(LoraAdapter.CONFIG_FILE), bad.resolve(LoraAdapter.CONFIG_FILE));
        byte[] weights = Files.readAllBytes(good.resolve(LoraAdapter.WEIGHTS_FILE));
        Files.write(bad.resolve(LoraAdapter.WEIGHTS_FILE), java.util.Arrays.copyOf(weights, weights.length / 2));
        AdapterRegistry reg = emptyRegistry();
        try (LoraServer server = LoraServer.builder(
                        F.model, AdapterCache.builder(reg).budgetBytes(8L << 20).build())
                .threads(1)
                .resolver(AdapterResolver.directory(root, OWNER))
                .build()) {
            assertThatThrownBy(() -> server.submit(on("bad")))
                    .isInstanceOf(AdapterRejectedException.class)
                    .hasMessageContaining("adapter_model.safetensors");
            assertThat(reg.size()).isZero();
            assertThat(server.metrics().resolved()).isZero();
            assertThat(server.metrics().submitted()).isZero();
        }
    }

    @Test
    void concurrentFirstUsesRegisterItOnce() throws Exception {
        AdapterRegistry reg = emptyRegistry();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (LoraServer server = LoraServer.builder(
                        F.model, AdapterCache.builder(reg).budgetBytes(8L << 20).build())
                .threads(1)
                .resolver(AdapterResolver.directory(F.root, OWNER))
                .build()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<GenerationResult>> fs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                fs.add(pool.submit(() -> {
                    go.await();
                    return server.generate(on("adapter-5"));
                }));
            }
            go.countDown();
            List<List<Integer>> outs = new ArrayList<>();
            for (Future<GenerationResult> f : fs) {
                outs.add(f.get().tokens());
            }
            assertThat(outs).allMatch(o -> o.equals(outs.getFirst()));
            assertThat(reg.size()).isEqualTo(1);
            assertThat(server.metrics().resolved()).isEqualTo(1);
            assertThat(server.metrics().completed()).isEqualTo(6);
        } finally {
            pool.shutdownNow();
        }
    }
}
