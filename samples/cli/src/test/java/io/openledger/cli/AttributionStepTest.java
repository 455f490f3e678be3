package io.openledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.InMemoryCorpus;
import io.openledger.cli.demo.AttributionStep;
import io.openledger.cli.demo.DemoContext;
import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.contract.AttributionWeights;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.contract.InferenceRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttributionStepTest {
    @Test
    void selfContainedRunPrintsSpansAndSharesAndHandsOnWeights(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoContext ctx = new DemoContext(new PrintStream(buf, true, StandardCharsets.UTF_8), dir);
        new AttributionStep().run(ctx);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .contains("built datanet demo-qa@1 with 8 records from 3 contributors")
                .contains("span [")
                .contains("(alice): share 1.000000000000000000")
                .contains("(bob): share")
                .contains("(carol): share")
                .contains("exactly 10^18: true")
                .contains("no contributor earns")
                .doesNotContain("exactly 10^18: false");
        AttributionWeights w = ctx.require(AttributionWeights.class);
        assertThat(w.shares().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(AttributionWeights.ONE);
        assertThat(ctx.require(InferenceRecord.class).outputTokens()).isNotEmpty();
    }

    @Test
    void usesTheCorpusAndInferenceOfEarlierSteps(@TempDir Path dir) throws Exception {
        DatanetVersionRef v = new DatanetVersionRef(DatanetId.of("given"), 2, Hash.ZERO);
        ContributorId dana = ContributorId.fromHex("0x00000000000000000000000000000000000000da");
        ContributorId eve = ContributorId.fromHex("0x00000000000000000000000000000000000000ee");
        InMemoryCorpus corpus = InMemoryCorpus.of(List.of(
                CorpusRecord.of("g1", dana, v, new int[] {10, 11, 12, 13, 14, 15, 16, 17}),
                CorpusRecord.of("g2", eve, v, new int[] {20, 21, 22, 23, 24, 25, 26, 27})));
        InferenceRecord ir = new InferenceRecord(
                Hash.ZERO,
                io.openledger.core.ModelId.of("m"),
                null,
                io.openledger.core.Address.ZERO,
                List.of(1, 2),
                List.of(99, 20, 21, 22, 23, 24, 25, 98),
                List.of(v),
                new InferenceRecord.Timings(java.time.Duration.ZERO, java.time.Duration.ZERO, java.time.Duration.ZERO),
                java.time.Instant.EPOCH);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoContext ctx = new DemoContext(new PrintStream(buf, true, StandardCharsets.UTF_8), dir);
        ctx.put(io.openledger.attribution.Corpus.class, corpus);
        ctx.put(InferenceRecord.class, ir);
        new AttributionStep().run(ctx);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("using the corpus of the datanet step").contains("[g2]");
        assertThat(ctx.require(AttributionWeights.class).shareOf(eve)).isEqualTo(AttributionWeights.ONE);
        assertThat(ctx.require(InferenceRecord.class)).isSameAs(ir);
    }
}
