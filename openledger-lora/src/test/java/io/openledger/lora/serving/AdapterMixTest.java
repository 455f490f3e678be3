package io.openledger.lora.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.AdapterId;
import io.openledger.core.Address;
import io.openledger.core.contract.InferenceRecord;
import io.openledger.lora.AdapterMerge;
import io.openledger.lora.AdapterMerge.Strategy;
import io.openledger.lora.LlamaModel;
import io.openledger.lora.LoraAdapter;
import io.openledger.lora.Sampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adapter mixes per request (LoRAX's merged_adapters) and a server's default adapter: a mix is
 * merged once, registered with its parts and served like its merged adapter; access is checked
 * against every part; a request naming no adapter runs on the default unless it asks for the base.
 */
class AdapterMixTest {
    private static final Fixture F = Fixture.shared();
    private static final Address MIXER = Address.fromHex("0x00000000000000000000000000000000000000dd");
    private static final Address GRANTEE = Address.fromHex("0x00000000000000000000000000000000000000bb");
    private static final Address STRANGER = Address.fromHex("0x00000000000000000000000000000000000000cc");
    private static final int[] PROMPT = {7, 3, 250, 19, 4};

    @TempDir
    Path tmp;

    private static GenerationRequest.Builder request() {
        return GenerationRequest.builder(PROMPT).maxTokens(6);
    }

    @Test
    void aMixIsMergedOnceRegisteredWithItsPartsAndServedAsItsMerge() throws Exception {
        AdapterRegistry reg = F.registry();
        int before = reg.size();
        AdapterCache cache = AdapterCache.builder(reg).budgetBytes(8L << 20).build();
        AdapterMix mix = AdapterMix.of(Strategy.CAT, List.of(Fixture.id(0), Fixture.id(1)), 0.6, 0.5);
        try (LoraServer server =
                LoraServer.builder(F.model, cache).threads(1).mixes(tmp, MIXER).build()) {
            GenerationResult r =
                    server.generate(request().mix(mix).caller(STRANGER).build());
            InferenceRecord rec = r.record();
            AdapterId merged = rec.adapterId().orElseThrow();
            assertThat(merged.value()).startsWith(AdapterMix.ID_PREFIX).hasSize(4 + 32);
            assertThat(rec.caller()).isEqualTo(STRANGER);

            AdapterRecord stored = reg.get(merged).orElseThrow();
            assertThat(stored.owner()).isEqualTo(MIXER);
            assertThat(stored.access()).isEqualTo(AdapterAccess.PUBLIC);
            assertThat(stored.mergedFrom())
                    .containsExactly(
                            new AdapterRecord.MergePart(
                                    Fixture.id(0),
                                    0.6,
                                    reg.get(Fixture.id(0)).orElseThrow().weightsSha256(),
                                    Fixture.OWNER),
                            new AdapterRecord.MergePart(
                                    Fixture.id(1),
                                    0.5,
                                    reg.get(Fixture.id(1)).orElseThrow().weightsSha256(),
                                    Fixture.OWNER));
            assertThat(stored.maxRank()).isEqualTo(F.ranks.get(0) + F.ranks.get(1));
            assertThat(stored.dir()).startsWith(tmp);

            // the single-request engine on the merged files gives the same tokens
            try (LlamaModel single = LlamaModel.load(F.model)) {
                LoraAdapter files = LoraAdapter.load(stored.dir(), F.cfg);
                assertThat(r.tokens()).isEqualTo(single.generate(PROMPT, files, 6, Sampler.greedy(), Set.of()));
                assertThat(r.tokens())
                        .as("the mix changes the output")
                        .isNotEqualTo(single.generate(PROMPT, null, 6, Sampler.greedy(), Set.of()));
            }

            // the same mix again reuses the registration; another weight is another adapter
            GenerationResult again = server.generate(request().mix(mix).build());
            assertThat(again.record().adapterId()).contains(merged);
            assertThat(again.tokens()).isEqualTo(r.tokens());
            assertThat(reg.size()).isEqualTo(before + 1);
            AdapterMix other = AdapterMix.of(Strategy.CAT, List.of(Fixture.id(0), Fixture.id(1)), 0.6, 0.4);
            AdapterId otherId = server.generate(request().mix(other).build())
                    .record()
                    .adapterId()
                    .orElseThrow();
            assertThat(otherId).isNotEqualTo(merged);
            assertThat(reg.size()).isEqualTo(before + 2);
            try (Stream<Path> dirs = Files.list(tmp)) {
                assertThat(dirs.count()).isEqualTo(2);
            }
        }
    }

    @Test
    void aMixNeedsEveryPartItsCallerMayUseAndAServerThatTakesMixes() {
        AdapterRegistry reg = F.registry();
        AdapterId secret = AdapterId.of("secret");
        reg.register(secret, F.adapterDirs.get(1), Fixture.OWNER, Map.of(), AdapterAccess.privateTo(GRANTEE));
        AdapterCache cache = AdapterCache.builder(reg).budgetBytes(8L << 20).build();
        AdapterMix mix = AdapterMix.of(Strategy.LINEAR, List.of(Fixture.id(5), secret), 0.5, 0.5);
        try (LoraServer server =
                LoraServer.builder(F.model, cache).threads(1).mixes(tmp, MIXER).build()) {
            assertThatThrownBy(() ->
                            server.submit(request().mix(mix).caller(STRANGER).build()))
                    .isInstanceOf(AdapterAccessException.class)
                    .hasMessageContaining("secret")
                    .hasMessageContaining("in a mix");
            assertThat(server.metrics().denied()).isEqualTo(1);
            assertThat(reg.list()).noneMatch(a -> a.id().value().startsWith(AdapterMix.ID_PREFIX));

            AdapterId merged = server.generate(
                            request().mix(mix).caller(GRANTEE).build())
                    .record()
                    .adapterId()
                    .orElseThrow();
            // a mix with a private part is private to the mixer: named directly, others are refused
            assertThat(reg.get(merged).orElseThrow().access().restricted()).isTrue();
            assertThatThrownBy(() -> server.submit(
                            request().adapter(merged).caller(GRANTEE).build()))
                    .isInstanceOf(AdapterAccessException.class);

            // linear needs one rank per module: adapters 0 (rank 2) and 1 (rank 4) differ
            AdapterMix ranks = AdapterMix.of(Strategy.TIES, List.of(Fixture.id(0), Fixture.id(1)), 1, 1);
            assertThatThrownBy(() -> server.submit(request().mix(ranks).build()))
                    .isInstanceOf(AdapterRejectedException.class)
                    .hasMessageContaining("use cat");
            AdapterMix missing = AdapterMix.of(Strategy.CAT, List.of(Fixture.id(0), AdapterId.of("nope")), 1, 1);
            assertThatThrownBy(() -> server.submit(request().mix(missing).build()))
                    .isInstanceOf(AdapterRejectedException.class)
                    .hasMessageContaining("nope")
                    .hasMessageContaining("not registered");
        }
        try (LoraServer plain = LoraServer.builder(F.model, cache).threads(1).build()) {
            assertThatThrownBy(() ->
                            plain.submit(request().mix(mix).caller(GRANTEE).build()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("takes no adapter mixes");
        }
        assertThatThrownBy(() -> AdapterMix.of(Strategy.CAT, List.of(Fixture.id(0), Fixture.id(0)), 1, 1))
                .hasMessageContaining("names an adapter twice");
        assertThatThrownBy(() -> AdapterMix.of(Strategy.CAT, List.of(Fixture.id(0)), 1, 1))
                .hasMessageContaining("1 adapters for 2 weights");
        assertThatThrownBy(() -> request().adapter(Fixture.id(0)).mix(mix).build())
                .hasMessageContaining("choose one of adapter, mix and baseModel");
    }

    @Test
    void aMixIdNamesWhatItsStrategyUsesAndNothingElse() {
        List<AdapterId> ids = List.of(Fixture.id(0), Fixture.id(1));
        List<io.openledger.core.Hash> h = List.of(
                io.openledger.core.Hash.fromHex("0x" + "11".repeat(32)),
                io.openledger.core.Hash.fromHex("0x" + "22".repeat(32)));
        AdapterMerge svd = AdapterMerge.of(Strategy.SVD, 0.5, 0.5).withRank(4);
        AdapterId id = new AdapterMix(ids, svd).idFor(h);
        assertThat(new AdapterMix(ids, svd).idFor(h)).isEqualTo(id);
        assertThat(new AdapterMix(ids, svd.withRank(8)).idFor(h)).isNotEqualTo(id);
        assertThat(new AdapterMix(ids, svd.withDensity(0.5).withSeed(3)).idFor(h))
                .as("svd ignores density and seed")
                .isEqualTo(id);
        assertThat(new AdapterMix(ids, AdapterMerge.of(Strategy.SVD, 0.5, 0.6).withRank(4)).idFor(h))
                .isNotEqualTo(id);
        assertThat(new AdapterMix(ids, svd).idFor(List.of(h.get(1), h.get(0)))).isNotEqualTo(id);
        AdapterMerge dare = AdapterMerge.of(Strategy.DARE_TIES, 0.5, 0.5).withDensity(0.5);
        AdapterId d = new AdapterMix(ids, dare).idFor(h);
        assertThat(new AdapterMix(ids, dare.withSeed(1)).idFor(h)).isNotEqualTo(d);
        assertThat(new AdapterMix(ids, dare.withDensity(0.6)).idFor(h)).isNotEqualTo(d);
        assertThat(new AdapterMix(ids, dare.withMajoritySign(AdapterMerge.MajoritySign.FREQUENCY)).idFor(h))
                .isNotEqualTo(d);
        assertThat(new AdapterMix(ids, dare.withRank(5)).idFor(h))
                .as("dare ignores the rank")
                .isEqualTo(d);
        assertThat(new AdapterMix(ids, svd.withClamp(0.99)).idFor(h)).isNotEqualTo(id);
        assertThat(new AdapterMix(ids, dare.withClamp(0.99)).idFor(h))
                .as("dare ignores the clamp")
                .isEqualTo(d);
        // the dense strategies: their rank, density, seed (the sketch's) and clamp all count
        AdapterMerge ties =
                AdapterMerge.of(Strategy.TIES_SVD, 0.5, 0.5).withDensity(0.5).withRank(4);
        AdapterId t = new AdapterMix(ids, ties).idFor(h);
        assertThat(List.of(
                        new AdapterMix(ids, ties.withRank(5)).idFor(h),
                        new AdapterMix(ids, ties.withDensity(0.6)).idFor(h),
                        new AdapterMix(ids, ties.withSeed(1)).idFor(h),
                        new AdapterMix(ids, ties.withClamp(0.9)).idFor(h)))
                .doesNotContain(t)
                .doesNotHaveDuplicates();
    }

    @Test
    void theRegistryMergesOnlyTheFilesItRegistered() throws Exception {
        Path copy = tmp.resolve("copy");
        Files.createDirectories(copy);
        for (String f : List.of(LoraAdapter.CONFIG_FILE, LoraAdapter.WEIGHTS_FILE)) {
            Files.copy(F.adapterDirs.get(3).resolve(f), copy.resolve(f));
        }
        AdapterRegistry reg = F.registry();
        reg.register(AdapterId.of("copy"), copy, Fixture.OWNER, Map.of());
        // the same size and shapes, one bit of one weight changed after registration
        byte[] w = Files.readAllBytes(copy.resolve(LoraAdapter.WEIGHTS_FILE));
        w[w.length - 1] ^= 0x01;
        Files.write(copy.resolve(LoraAdapter.WEIGHTS_FILE), w);
        assertThatThrownBy(() -> reg.registerMerged(
                        AdapterId.of("m"),
                        new AdapterMix(List.of(AdapterId.of("copy")), AdapterMerge.of(Strategy.CAT, 1)),
                        tmp.resolve("m"),
                        MIXER,
                        MIXER,
                        Map.of(),
                        AdapterAccess.PUBLIC))
                .isInstanceOf(AdapterRejectedException.class)
                .hasMessageContaining("weights changed since registration");
        assertThat(reg.get(AdapterId.of("m"))).isEmpty();
        assertThat(tmp.resolve("m")).doesNotExist();
    }

    @Test
    void theDefaultAdapterServesRequestsThatNameNone() {
        AdapterCache cache =
                AdapterCache.builder(F.registry()).budgetBytes(8L << 20).build();
        List<Integer> onDefault;
        List<Integer> onBase;
        List<Integer> halfDefault;
        try (LoraServer server = LoraServer.builder(F.model, cache)
                .threads(1)
                .defaultAdapter(Fixture.id(2))
                .build()) {
            GenerationResult r = server.generate(request().build());
            assertThat(r.record().adapterId()).contains(Fixture.id(2));
            onDefault = r.tokens();
            GenerationResult base = server.generate(request().baseModel().build());
            assertThat(base.record().adapterId()).isEmpty();
            onBase = base.tokens();
            halfDefault = server.generate(request().adapterScale(0.5f).build()).tokens();
        }
        try (LoraServer plain = LoraServer.builder(F.model, cache).threads(1).build()) {
            assertThat(plain.generate(request().adapter(Fixture.id(2)).build()).tokens())
                    .isEqualTo(onDefault);
            assertThat(plain.generate(request().build()).tokens())
                    .isEqualTo(onBase)
                    .isNotEqualTo(onDefault);
            assertThat(plain.generate(request()
                                    .adapter(Fixture.id(2))
                                    .adapterScale(0.5f)
                                    .build())
                            .tokens())
                    .isEqualTo(halfDefault);
            assertThatThrownBy(() -> plain.submit(request().adapterScale(2f).build()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("name an adapter");
        }
        assertThatThrownBy(() -> LoraServer.builder(F.model, cache)
                        .defaultAdapter(AdapterId.of("nope"))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("defaultAdapter nope is not registered");
    }
}
