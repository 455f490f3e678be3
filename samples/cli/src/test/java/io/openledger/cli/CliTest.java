package io.openledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.cli.demo.DemoCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @Test
    void demoRunsEveryStepAndReportsThem(@TempDir Path dir) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = DemoCommand.run(new PrintStream(buf, true, StandardCharsets.UTF_8), dir);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(out).isZero();
        assertThat(out).contains("recovered signer").contains("matches").doesNotContain("MISMATCH");
        assertThat(out).contains("verifies: true; with one byte changed: false");
        assertThat(out).contains("reopened store holds 4 records").contains("same");
        assertThat(out).contains("All ");
    }

    /** Guards the wiring: every module's command is reachable from the top-level program. */
    @Test
    void everyModuleCommandIsASubcommand() {
        assertThat(new picocli.CommandLine(new OpenLedgerCli()).getSubcommands())
                .containsKeys("demo", "version", "datanet", "lora", "attribution", "token", "chain", "node", "factory");
    }

    @Test
    void helpAndVersionExitZero() {
        assertThat(OpenLedgerCli.execute("--help")).isZero();
        assertThat(OpenLedgerCli.execute("version")).isZero();
        assertThat(OpenLedgerCli.execute("no-such-command")).isNotZero();
    }
}
