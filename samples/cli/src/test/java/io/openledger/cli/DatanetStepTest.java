package io.openledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.cli.demo.DatanetStep;
import io.openledger.cli.demo.DemoContext;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.datanet.Corpus;
import io.openledger.datanet.CorpusEntry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatanetStepTest {
    @Test
    void stepPublishesVersionsAndHandsOnTheCorpus(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoContext ctx = new DemoContext(new PrintStream(buf, true, StandardCharsets.UTF_8), dir);
        new DatanetStep().run(ctx);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .contains("signature valid: true")
                .contains("version 2 (parent 1)")
                .contains("NEAR duplicate")
                .contains("against the anchored root: true; with the text changed: false")
                .containsPattern("owner pruned record 0x[0-9a-f]{8}… → version 3 \\(parent 2\\), \\d+ records \\(−1\\)")
                .contains("v2 still proves it: true")
                .contains("head is still 2")
                .contains("head root unchanged");
        DatanetVersionRef ref = ctx.require(DatanetVersionRef.class);
        Corpus corpus = ctx.require(Corpus.class);
        assertThat(ref.version()).isEqualTo(2);
        assertThat(corpus.version()).isEqualTo(ref);
        assertThat(corpus.size()).isGreaterThanOrEqualTo(10);
        assertThat(corpus.entries()).extracting(CorpusEntry::text).anyMatch(t -> t.contains("Metformin"));
        assertThat(corpus.entries()).extracting(CorpusEntry::text).anyMatch(t -> t.contains("Ibuprofen"));
        assertThat(corpus.entries().stream()
                        .map(CorpusEntry::contributor)
                        .distinct()
                        .count())
                .isEqualTo(2);
        assertThat(Files.readAllLines(dir.resolve("datanet-demo-medical-qa-v2.jsonl")))
                .hasSize(corpus.size());
    }
}
