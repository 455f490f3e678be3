package io.openledger.lora.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.AdapterId;
import io.openledger.core.Bytes;
import io.openledger.core.Clock;
import io.openledger.core.ModelId;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.lora.LoraAdapter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An adapter whose weights file changes after registration never loads under the registered hash. */
class AdapterIntegrityTest {
    private final Fixture f = Fixture.shared();
    private static final AdapterId ID = AdapterId.of("a");

    @TempDir
    Path tmp;

    // a private copy of a fixture adapter (the fixture's files are shared by all tests)
    private Path copy() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("adapter"));
        for (String name : new String[] {LoraAdapter.CONFIG_FILE, LoraAdapter.WEIGHTS_FILE}) {
            Files.copy(f.adapterDirs.get(1).resolve(name), dir.resolve(name));
        }
        return dir;
    }

    private static Path weights(Path dir) {
        return dir.resolve(LoraAdapter.WEIGHTS_FILE);
    }

    private static void setModified(Path file, Instant t) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(t));
    }

    private AdapterRegistry registry(InMemoryKeyValueStore store) {
        return new AdapterRegistry(store, ModelId.of("test-base"), f.cfg, Clock.system());
    }

    // xors the byte `fromEnd` bytes before the end with mask: inside the last tensor's data, so the
    // file stays well-formed and keeps its size
    private static void flip(Path file, int fromEnd, int mask) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(raf.length() - fromEnd);
            int b = raf.read();
            raf.seek(raf.length() - fromEnd);
            raf.write(b ^ mask);
        }
    }

    private AdapterCache cache(AdapterRegistry reg) {
        return AdapterCache.builder(reg).budgetBytes(64L << 20).build();
    }

    @Test
    void aWeightsFileRewrittenToTheSameSizeIsRejectedAtLoad() throws IOException {
        Path dir = copy();
        AdapterRegistry reg = registry(new InMemoryKeyValueStore());
        AdapterRecord rec = reg.register(ID, dir, Fixture.OWNER, Map.of());
        assertThat(rec.weightsModified())
                .isEqualTo(Files.getLastModifiedTime(weights(dir)).toInstant());

        flip(weights(dir), 1, 0x01);
        setModified(weights(dir), rec.weightsModified().plusSeconds(5));

        try (AdapterCache cache = cache(reg)) {
            assertThatThrownBy(() -> cache.acquire(ID))
                    .isInstanceOf(AdapterRejectedException.class)
                    .hasMessageContaining("changed since registration")
                    .hasMessageContaining(rec.weightsSha256().toString());
            assertThat(cache.stats().loadFailures()).isEqualTo(1);
        }
    }

    @Test
    void aTouchedButUnchangedFileStillLoads() throws IOException {
        Path dir = copy();
        AdapterRegistry reg = registry(new InMemoryKeyValueStore());
        AdapterRecord rec = reg.register(ID, dir, Fixture.OWNER, Map.of());
        setModified(weights(dir), rec.weightsModified().plusSeconds(5));

        try (AdapterCache cache = cache(reg)) {
            try (AdapterCache.Lease l = cache.acquire(ID)) {
                assertThat(l.adapter().bytes()).isEqualTo(rec.residentBytes());
            }
            assertThat(cache.stats().loadFailures()).isZero();
        }
    }

    @Test
    void aServerFailsTheRequestOnAChangedAdapterAndServesTheOthers() throws IOException {
        Path dir = copy();
        AdapterRegistry reg = registry(new InMemoryKeyValueStore());
        AdapterRecord rec = reg.register(ID, dir, Fixture.OWNER, Map.of());
        AdapterId good = AdapterId.of("good");
        reg.register(good, f.adapterDirs.get(2), Fixture.OWNER, Map.of());
        flip(weights(dir), 1, 0x01);
        setModified(weights(dir), rec.weightsModified().plusSeconds(5));

        try (AdapterCache cache = cache(reg);
                LoraServer server = LoraServer.builder(f.model, cache)
                        .threads(1)
                        .maxBatch(4)
                        .build()) {
            GenerationHandle bad = server.submit(
                    GenerationRequest.builder(1, 2, 3).adapter(ID).maxTokens(3).build());
            GenerationHandle ok = server.submit(GenerationRequest.builder(1, 2, 3)
                    .adapter(good)
                    .maxTokens(3)
                    .build());
            assertThatThrownBy(() -> bad.result().join())
                    .hasCauseInstanceOf(AdapterRejectedException.class)
                    .hasMessageContaining("changed since registration");
            assertThat(ok.result().join().tokens()).hasSize(3);
            assertThat(server.metrics().failed()).isEqualTo(1);
        }
    }

    @Test
    void aRecordKeptBeforeModificationTimesWereRecordedIsCheckedByHash() throws IOException {
        Path dir = copy();
        InMemoryKeyValueStore store = new InMemoryKeyValueStore();
        AdapterRegistry reg = registry(store);
        reg.register(ID, dir, Fixture.OWNER, Map.of());
        // the entry as an earlier version wrote it: no weightsModified field
        Bytes key = Bytes.utf8("lora/adapter/" + ID.value());
        String json = new String(store.get(key).orElseThrow().toArray(), StandardCharsets.UTF_8);
        assertThat(json).contains("\"weightsModified\"");
        store.put(key, Bytes.utf8(json.replaceAll(",\"weightsModified\":\"[^\"]*\"", "")));
        AdapterRecord old = reg.get(ID).orElseThrow();
        assertThat(old.weightsModified()).isEqualTo(Instant.EPOCH);

        try (AdapterCache cache = cache(reg)) {
            cache.acquire(ID).close(); // unchanged: the hash matches
            assertThat(cache.stats().loadFailures()).isZero();
        }
        flip(weights(dir), 2, 0x40);
        setModified(weights(dir), Instant.now().plusSeconds(10));
        try (AdapterCache cache = cache(reg)) {
            assertThatThrownBy(() -> cache.acquire(ID))
                    .isInstanceOf(AdapterRejectedException.class)
                    .hasMessageContaining("changed since registration");
        }
    }
}
