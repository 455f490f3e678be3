package io.openledger.lora.serving;

import io.openledger.core.AdapterId;
import io.openledger.core.Address;
import io.openledger.core.Clock;
import io.openledger.core.ModelId;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.lora.AdapterConfig;
import io.openledger.lora.DType;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.TestModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A tiny generated base model with adapters of mixed ranks, shared by the serving tests. */
final class Fixture {
    static final List<String> ALL_LINEAR =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
    static final Address OWNER = Address.fromHex("0x00000000000000000000000000000000000000aa");

    final Path root;
    final Path model;
    final ModelConfig cfg;
    final List<Path> adapterDirs = new ArrayList<>();
    final List<Integer> ranks = new ArrayList<>();

    private static Fixture shared;

    /** One fixture per JVM (generated once: tests only read it). */
    static synchronized Fixture shared() {
        if (shared == null) {
            try {
                shared = new Fixture(Files.createTempDirectory("lora-serving"), 6);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    Fixture(Path root, int adapters) {
        this.root = root;
        this.model = root.resolve("base");
        this.cfg = TestModels.config(ModelConfig.Architecture.LLAMA, 2, 64, 4, 2, 128, 300);
        TestModels.writeModel(model, cfg, 7, DType.F32, 1);
        int[] rs = {2, 4, 8, 16};
        for (int i = 0; i < adapters; i++) {
            Path d = root.resolve("adapter-" + i);
            int r = rs[i % rs.length];
            List<String> targets = i % 3 == 2 ? List.of("q_proj", "v_proj") : ALL_LINEAR;
            // large alpha so that adapters visibly change greedy outputs
            TestModels.writeAdapter(d, cfg, AdapterConfig.of(r, 8.0 * r, targets), 100 + i, DType.F32);
            adapterDirs.add(d);
            ranks.add(r);
        }
    }

    AdapterRegistry registry() {
        AdapterRegistry reg =
                new AdapterRegistry(new InMemoryKeyValueStore(), ModelId.of("test-base"), cfg, Clock.system());
        for (int i = 0; i < adapterDirs.size(); i++) {
            reg.register(id(i), adapterDirs.get(i), OWNER, Map.of("i", Integer.toString(i)));
        }
        return reg;
    }

    static AdapterId id(int i) {
        return AdapterId.of("a" + i);
    }
}
