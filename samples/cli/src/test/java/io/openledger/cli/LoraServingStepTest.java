package io.openledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.cli.demo.DemoContext;
import io.openledger.cli.demo.LoraServingStep;
import io.openledger.core.contract.InferenceRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraServingStepTest {
    @Test
    void servesABurstOfMixedAdaptersWithinBudget(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoContext ctx = new DemoContext(new PrintStream(buf, true, StandardCharsets.UTF_8), dir);
        new LoraServingStep().run(ctx);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .contains("registered 240 adapters")
                .contains("reopened the registry from RocksDB: 240 adapters")
                .contains("served a burst of 96 requests")
                .contains("within budget: yes")
                .containsPattern("busiest adapters: adapter-\\d+ \\(\\d+ requests, \\d+ tokens\\)")
                .contains("single-request engine: yes")
                .contains("a stranger's request was refused before batching; the owner's request was served")
                .doesNotContain("NO");
        InferenceRecord r = ctx.require(InferenceRecord.class);
        assertThat(r.outputTokens()).hasSize(12);
        assertThat(r.model().value()).isEqualTo("openledger/demo-llama");
    }
}
