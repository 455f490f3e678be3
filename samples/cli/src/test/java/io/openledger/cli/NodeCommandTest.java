package io.openledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.cli.demo.ChainStep;
import io.openledger.cli.demo.DemoContext;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.contract.AnchorReceipt;
import io.openledger.core.contract.DatanetVersionRef;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class NodeCommandTest {
    @Test
    void benchPrintsOneJsonLineLast() throws Exception {
        StringWriter out = new StringWriter();
        int code = new CommandLine(new NodeCommand())
                .setOut(new PrintWriter(out, true))
                .execute("bench", "--json", "--transfers", "400", "--settlements", "40");
        assertThat(code).isZero();
        String[] lines = out.toString().trim().split("\n");
        JsonNode j = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(j.get("bench").asText()).isEqualTo("chain-node");
        assertThat(j.get("transfers").asInt()).isEqualTo(400);
        assertThat(j.get("mixedTxs").asInt()).isEqualTo(440);
        assertThat(j.get("transfersPerSec").asDouble()).isPositive();
    }

    @Test
    void demoStepAnchorsRegistersAndSettlesOnTheNode(@TempDir Path dir) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoContext ctx = new DemoContext(new PrintStream(buf, true, StandardCharsets.UTF_8), dir);
        DatanetVersionRef v = new DatanetVersionRef(DatanetId.of("legal-qa"), 2, Hash.fromHex("0x" + "ab".repeat(32)));
        ctx.put(DatanetVersionRef.class, v);
        new ChainStep().run(ctx);
        String text = buf.toString(StandardCharsets.UTF_8);
        assertThat(text)
                .contains("L2 node started in-process")
                .contains("DatanetRegistry.anchor(legal-qa v2)")
                .contains("ModelRegistry.registerModel -> model id 1")
                .contains("3 InferenceSettlement.settle calls (3 succeeded)")
                .contains("model developer")
                .contains("contributor 1")
                .contains("(idempotent per request hash)")
                .contains("reverted")
                .contains("= genesis supply: conserved")
                .contains("bonded 100 OPEN and earned")
                .contains("= its native escrow: matches")
                .doesNotContain("BUG")
                .doesNotContain("NOT CONSERVED");
        assertThat(ctx.require(AnchorReceipt.class).version()).isEqualTo(v);
    }
}
