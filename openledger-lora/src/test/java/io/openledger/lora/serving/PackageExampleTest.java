package io.openledger.lora.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.AdapterId;
import io.openledger.core.Address;
import io.openledger.core.Clock;
import io.openledger.core.ModelId;
import io.openledger.core.contract.InferenceRecord;
import io.openledger.core.store.KeyValueStore;
import io.openledger.core.store.RocksDbKeyValueStore;
import io.openledger.lora.ModelConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example of the package documentation, run as written there (on the test fixture). */
class PackageExampleTest {
    private static final Fixture F = Fixture.shared();

    @Test
    void thePackageExampleRuns(@TempDir Path dataDir) {
        Path baseDir = F.model;
        Path adapterDir = F.adapterDirs.get(1);
        Path adaptersRoot = F.root;
        Address owner = Fixture.OWNER;
        Address user = Address.fromHex("0x00000000000000000000000000000000000000ee");
        int[] promptTokens = {4, 8, 15, 16};
        InferenceRecord seen;

        // --- as in package-info.java ---
        try (KeyValueStore store = RocksDbKeyValueStore.open(dataDir)) {
            AdapterRegistry registry =
                    new AdapterRegistry(store, ModelId.of("my-llama"), ModelConfig.read(baseDir), Clock.system());
            // validated against the base now; refused with a clear AdapterRejectedException if it does not fit
            registry.register(AdapterId.of("legal-v1"), adapterDir, owner, Map.of("licence", "CC-BY-4.0"));
            AdapterCache cache =
                    AdapterCache.builder(registry).budgetBytes(256L << 20).build();
            try (LoraServer server = LoraServer.builder(baseDir, cache)
                    .resolver(AdapterResolver.directory(adaptersRoot, owner)) // others on first use
                    .build()) {
                GenerationResult result = server.generate(GenerationRequest.builder(promptTokens)
                        .adapter(AdapterId.of("legal-v1"))
                        .adapterScale(0.8f) // optional: how strongly the adapter applies
                        .caller(user) // checked against a private adapter's access
                        .maxTokens(64)
                        .build());
                InferenceRecord record = result.record(); // for attribution and settlement
                // --- end of the example ---
                seen = record;
                assertThat(server.generate(GenerationRequest.builder(promptTokens)
                                        .adapter(AdapterId.of("adapter-4"))
                                        .maxTokens(2)
                                        .build())
                                .tokens())
                        .hasSize(2);
                assertThat(registry.get(AdapterId.of("adapter-4"))).isPresent();
            }
        }
        assertThat(seen.adapter()).isEqualTo(AdapterId.of("legal-v1"));
        assertThat(seen.caller()).isEqualTo(user);
        assertThat(seen.outputTokens()).hasSize(64);
    }
}
