package io.openledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.cli.demo.DemoContext;
import io.openledger.cli.demo.FactoryStep;
import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.contract.AttributionWeights;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.datanet.Corpus;
import io.openledger.datanet.CorpusEntry;
import io.openledger.datanet.DataRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FactoryStepTest {
    @Test
    void selfContainedRunTrainsServesAndAttributes(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoContext ctx = new DemoContext(new PrintStream(buf, true, StandardCharsets.UTF_8), dir);
        new FactoryStep().run(ctx);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .contains("trained LoRA r=8")
                .contains("served on the Java engine")
                .contains("DataInf over")
                .contains("exactly 10^18: true");
        assertThat(dir.resolve("factory/adapter/adapter_model.safetensors")).isRegularFile();
        assertThat(Files.readString(dir.resolve("factory/adapter/provenance.json")))
                .contains("factory-demo");
        assertThat(ctx.require(AttributionWeights.class).isEmpty()).isFalse();
    }

    @Test
    void trainsOnTheCorpusTheDatanetStepExported(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoContext ctx = new DemoContext(new PrintStream(buf, true, StandardCharsets.UTF_8), dir);
        new io.openledger.cli.demo.DatanetStep().run(ctx);
        io.openledger.core.contract.DatanetVersionRef v =
                ctx.require(io.openledger.core.contract.DatanetVersionRef.class);
        new FactoryStep().run(ctx);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .contains("datanet " + v.datanet().value() + "@" + v.version())
                .contains("DataInf over");
        assertThat(Files.readString(dir.resolve("factory/adapter/provenance.json")))
                .contains(v.root().toHex());
    }

    @Test
    void factoryCommandTrainsAndEvaluatesFromAJsonlExport(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("base");
        io.openledger.lora.TestModels.writeModel(
                base,
                io.openledger.lora.TestModels.config(
                        io.openledger.lora.ModelConfig.Architecture.LLAMA, 1, 32, 2, 2, 64, 300),
                1,
                io.openledger.lora.DType.F32,
                1);
        // the export format itself: a datanet Corpus written by Corpus.writeJsonl, ids the
        // keccak-256 of each record's text
        List<CorpusEntry> entries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String text = "{\"prompt\":\"Q" + i + "?\",\"completion\":\" answer " + i % 2 + ".\"}";
            entries.add(
                    new CorpusEntry(DataRecord.idOf(text), ContributorId.fromHex("0x" + "00".repeat(19) + "01"), text));
        }
        Path file = dir.resolve("corpus.jsonl");
        try (var os = Files.newOutputStream(file)) {
            new Corpus(new DatanetVersionRef(DatanetId.of("qa"), 1, Hash.of(new byte[32])), entries).writeJsonl(os);
        }
        java.io.StringWriter sw = new java.io.StringWriter();
        picocli.CommandLine cl = new picocli.CommandLine(new FactoryCommand());
        cl.setOut(new java.io.PrintWriter(sw));
        int rc = cl.execute(
                "train",
                "--base",
                base.toString(),
                "--jsonl",
                file.toString(),
                "--out",
                dir.resolve("ad").toString(),
                "--epochs",
                "2",
                "--lr",
                "3e-3",
                "--seq-len",
                "32",
                "--no-progress",
                "--json");
        assertThat(rc).isZero();
        assertThat(sw.toString()).contains("\"validation_loss\"");
        rc = cl.execute(
                "eval",
                "--base",
                base.toString(),
                "--adapter",
                dir.resolve("ad").toString(),
                "--jsonl",
                file.toString());
        assertThat(rc).isZero();
        assertThat(sw.toString()).contains("\"adapter_loss\"");
    }
}
