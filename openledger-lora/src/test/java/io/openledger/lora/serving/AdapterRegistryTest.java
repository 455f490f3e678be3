package io.openledger.lora.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.AdapterId;
import io.openledger.core.Clock;
import io.openledger.core.ModelId;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.core.store.RocksDbKeyValueStore;
import io.openledger.lora.AdapterConfig;
import io.openledger.lora.DType;
import io.openledger.lora.LoraAdapter;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdapterRegistryTest {
    private final Fixture f = Fixture.shared();

    @TempDir
    Path tmp;

    private AdapterRegistry newRegistry(InMemoryKeyValueStore store) {
        return new AdapterRegistry(store, ModelId.of("test-base"), f.cfg, Clock.system());
    }

    @Test
    void registersListsAndUnregisters() {
        AdapterRegistry reg = newRegistry(new InMemoryKeyValueStore());
        AdapterRecord r = reg.register(AdapterId.of("x"), f.adapterDirs.get(0), Fixture.OWNER, Map.of("task", "qa"));
        assertThat(r.owner()).isEqualTo(Fixture.OWNER);
        assertThat(r.model()).isEqualTo(ModelId.of("test-base"));
        assertThat(r.maxRank()).isEqualTo(2);
        assertThat(r.modules()).isEqualTo(2 * 7);
        assertThat(r.residentBytes())
                .isEqualTo(LoraAdapter.load(f.adapterDirs.get(0), f.cfg).bytes());
        assertThat(r.metadata()).containsEntry("task", "qa");
        reg.register(AdapterId.of("y"), f.adapterDirs.get(2), Fixture.OWNER, Map.of());
        assertThat(reg.list()).extracting(AdapterRecord::id).containsExactly(AdapterId.of("x"), AdapterId.of("y"));
        assertThat(reg.get(AdapterId.of("y")).orElseThrow().modules()).isEqualTo(2 * 2);
        assertThat(reg.unregister(AdapterId.of("x"))).isTrue();
        assertThat(reg.unregister(AdapterId.of("x"))).isFalse();
        assertThat(reg.list()).extracting(AdapterRecord::id).containsExactly(AdapterId.of("y"));
    }

    @Test
    void survivesRestartOnRocksDb() {
        Path db = tmp.resolve("db");
        AdapterRecord before;
        try (RocksDbKeyValueStore s = RocksDbKeyValueStore.open(db)) {
            before = new AdapterRegistry(s, ModelId.of("m"), f.cfg, Clock.system())
                    .register(AdapterId.of("keep"), f.adapterDirs.get(1), Fixture.OWNER, Map.of("k", "v"));
        }
        try (RocksDbKeyValueStore s = RocksDbKeyValueStore.open(db)) {
            AdapterRegistry again = new AdapterRegistry(s, ModelId.of("m"), f.cfg, Clock.system());
            assertThat(again.list()).containsExactly(before);
            assertThat(again.size()).isEqualTo(1);
        }
    }

    @Test
    void duplicateIdIsRejected() {
        AdapterRegistry reg = newRegistry(new InMemoryKeyValueStore());
        reg.register(AdapterId.of("x"), f.adapterDirs.get(0), Fixture.OWNER, Map.of());
        assertThatThrownBy(() -> reg.register(AdapterId.of("x"), f.adapterDirs.get(1), Fixture.OWNER, Map.of()))
                .isInstanceOf(AdapterRejectedException.class)
                .hasMessageContaining("already registered");
        assertThat(reg.get(AdapterId.of("x")).orElseThrow().maxRank()).isEqualTo(2);
    }

    @Test
    void wrongShapesAreRejected() {
        // an adapter written for a wider base: every A has the wrong input width
        ModelConfig other = TestModels.config(ModelConfig.Architecture.LLAMA, 2, 96, 4, 2, 128, 300);
        Path d = tmp.resolve("wide");
        TestModels.writeAdapter(d, other, AdapterConfig.of(4, 8, List.of("q_proj")), 1, DType.F32);
        assertRejected(d, "shape");
    }

    @Test
    void unknownModulesAreRejected() {
        // an adapter for a deeper base: tensors for a layer this base lacks
        ModelConfig deeper = TestModels.config(ModelConfig.Architecture.LLAMA, 3, 64, 4, 2, 128, 300);
        Path d = tmp.resolve("deep");
        TestModels.writeAdapter(d, deeper, AdapterConfig.of(4, 8, List.of("v_proj")), 1, DType.F32);
        assertRejected(d, "layer 2");
    }

    @Test
    void corruptFilesAreRejected() throws IOException {
        Path d = tmp.resolve("corrupt");
        TestModels.writeAdapter(d, f.cfg, AdapterConfig.of(4, 8, List.of("q_proj")), 1, DType.F32);
        Path w = d.resolve(LoraAdapter.WEIGHTS_FILE);
        byte[] bytes = Files.readAllBytes(w);
        Files.write(w, java.util.Arrays.copyOf(bytes, bytes.length - 7));
        assertRejected(d, "adapter_model.safetensors");
        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty);
        assertRejected(empty, "adapter_config.json");
        Path pickle = tmp.resolve("pickle");
        TestModels.writeAdapter(pickle, f.cfg, AdapterConfig.of(4, 8, List.of("q_proj")), 1, DType.F32);
        Files.move(pickle.resolve(LoraAdapter.WEIGHTS_FILE), pickle.resolve("adapter_model.bin"));
        assertRejected(pickle, "pickle");
    }

    private void assertRejected(Path dir, String mentions) {
        InMemoryKeyValueStore store = new InMemoryKeyValueStore();
        AdapterRegistry reg = newRegistry(store);
        assertThatThrownBy(() -> reg.register(AdapterId.of("bad"), dir, Fixture.OWNER, Map.of()))
                .isInstanceOf(AdapterRejectedException.class)
                .hasMessageContaining("'bad'")
                .hasMessageContaining(mentions);
        assertThat(reg.list()).isEmpty();
    }
}
