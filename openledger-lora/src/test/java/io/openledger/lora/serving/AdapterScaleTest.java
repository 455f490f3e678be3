package io.openledger.lora.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.lora.AdapterConfig;
import io.openledger.lora.DType;
import io.openledger.lora.LlamaModel;
import io.openledger.lora.LoraAdapter;
import io.openledger.lora.Projection;
import io.openledger.lora.Sampler;
import io.openledger.lora.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-request adapter scale ({@link GenerationRequest.Builder#adapterScale}, {@link
 * LoraAdapter#scaled}): a doubled scale is exactly an adapter with twice the {@code lora_alpha}, 0 is
 * the base model, views share the adapter's release, and one batch serves an adapter at several
 * scales. (The batching property draws scales too.)
 */
class AdapterScaleTest {
    private static final Fixture F = Fixture.shared();
    private static LlamaModel single;

    @BeforeAll
    static void model() {
        single = LlamaModel.builder(F.model).threads(1).build();
    }

    @AfterAll
    static void close() {
        single.close();
    }

    private static final int[] PROMPT = {5, 17, 42, 99, 3, 250};

    @Test
    void twiceTheScaleIsExactlyTwiceTheAlpha(@TempDir Path tmp) {
        Path doubled = tmp.resolve("doubled");
        // the same weights (same seed) with lora_alpha 2 × 8r instead of 8r
        TestModels.writeAdapter(doubled, F.cfg, AdapterConfig.of(16, 2 * 8.0 * 16, Fixture.ALL_LINEAR), 103, DType.F32);
        LoraAdapter a = LoraAdapter.load(F.adapterDirs.get(3), F.cfg);
        assertThat(F.ranks.get(3)).isEqualTo(16);
        LoraAdapter twice = LoraAdapter.load(doubled, F.cfg);
        float[] viaScale = single.logits(PROMPT, a.scaled(2f));
        float[] viaAlpha = single.logits(PROMPT, twice);
        assertThat(Arrays.equals(viaScale, viaAlpha)).isTrue();
        assertThat(Arrays.equals(viaScale, single.logits(PROMPT, a))).isFalse();
        assertThat(a.scaled(2f).scalings()).isEqualTo(twice.scalings());
        assertThat(a.scaled(1f)).isSameAs(a);
    }

    @Test
    void scaleZeroServesTheBaseModelAndViewsShareTheRelease() {
        LoraAdapter a = LoraAdapter.load(F.adapterDirs.get(1), F.cfg, LoraAdapter.OWN_BF16);
        List<Integer> base = single.generate(PROMPT, null, 8, Sampler.greedy(), Set.of());
        assertThat(single.generate(PROMPT, a.scaled(0f), 8, Sampler.greedy(), Set.of()))
                .isEqualTo(base);
        assertThat(single.generate(PROMPT, a, 8, Sampler.greedy(), Set.of())).isNotEqualTo(base);

        LoraAdapter half = a.scaled(0.5f);
        assertThat(half.scaled(4f).scalings()).isEqualTo(a.scaled(2f).scalings()); // views scale the adapter
        a.release();
        assertThat(half.released()).isTrue();
        assertThatThrownBy(() -> half.delta(0, Projection.Q_PROJ))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("released");
        assertThatThrownBy(half::release).hasMessageContaining("does not own its storage");
        assertThatThrownBy(() -> a.scaled(Float.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requestsValidateTheirScale() {
        assertThatThrownBy(() -> GenerationRequest.builder(1).adapterScale(Float.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> GenerationRequest.builder(1)
                        .adapterScale(2f)
                        .baseModel()
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name an adapter");
        assertThat(GenerationRequest.builder(1)
                        .adapter(Fixture.id(0))
                        .adapterScale(-0.5f)
                        .build()
                        .adapterScale())
                .isEqualTo(-0.5f);
    }

    @Test
    void oneBatchServesAnAdapterAtSeveralScales() {
        AdapterCache cache =
                AdapterCache.builder(F.registry()).budgetBytes(8L << 20).build();
        float[] scales = {1f, 0f, 2f, -1f, 0.5f};
        List<GenerationRequest> reqs = new ArrayList<>();
        for (float s : scales) {
            reqs.add(GenerationRequest.builder(PROMPT)
                    .adapter(Fixture.id(2))
                    .adapterScale(s)
                    .maxTokens(6)
                    .build());
        }
        LoraAdapter a = LoraAdapter.load(F.adapterDirs.get(2), F.cfg);
        try (LoraServer server = LoraServer.builder(F.model, cache).threads(2).build()) {
            List<GenerationHandle> handles = server.submitAll(reqs);
            for (int i = 0; i < scales.length; i++) {
                GenerationResult res = handles.get(i).result().join();
                assertThat(res.tokens())
                        .as("scale %s", scales[i])
                        .isEqualTo(single.generate(PROMPT, a.scaled(scales[i]), 6, Sampler.greedy(), Set.of()));
                // scale 0 ran on the base model, so its record names no adapter
                assertThat(res.record().adapter()).isEqualTo(scales[i] == 0f ? null : Fixture.id(2));
            }
            assertThat(handles.get(1).result().join().tokens())
                    .isEqualTo(single.generate(PROMPT, null, 6, Sampler.greedy(), Set.of()));
            // one resident copy served the four that use the adapter; scale 0 never asked for it
            assertThat(server.metrics().cache().misses()).isEqualTo(1);
            assertThat(server.metrics().cache().hits()
                            + server.metrics().cache().misses())
                    .isEqualTo(scales.length - 1);
        }
        assertThat(Files.exists(F.adapterDirs.get(2))).isTrue();
    }
}
