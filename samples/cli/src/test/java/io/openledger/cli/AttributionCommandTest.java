package io.openledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AttributionCommandTest {
    private static final String ALICE = "0x00000000000000000000000000000000000000a1";
    private static final String BOB = "0x00000000000000000000000000000000000000b0";

    @Test
    void spanJsonNamesContributorsWithWeightsSummingToOne(@TempDir Path dir) throws Exception {
        Path corpus = dir.resolve("corpus.tsv");
        Files.writeString(
                corpus,
                ALICE + "\tA datanet is a community dataset whose every version is anchored on chain.\n" + BOB
                        + "\tLoRA trains two small low-rank matrices per layer while the base weights stay frozen.\n");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = AttributionCommand.span(
                new PrintStream(buf, true, StandardCharsets.UTF_8),
                dir,
                corpus,
                "docs@2",
                "Well, a datanet is a community dataset whose every version is anchored, and LoRA trains two small"
                        + " low-rank matrices per layer.",
                6,
                true);
        String json = buf.toString(StandardCharsets.UTF_8).strip();
        assertThat(rc).isZero();
        assertThat(json)
                .startsWith("{\"contributors\":[")
                .contains("\"spans\":[")
                .contains("\"docs@2/0\"");
        Matcher m = Pattern.compile("\"weight\":([0-9.]+)").matcher(json);
        BigDecimal sum = BigDecimal.ZERO;
        int n = 0;
        while (m.find()) {
            sum = sum.add(new BigDecimal(m.group(1)));
            n++;
        }
        assertThat(n).isEqualTo(2);
        assertThat(sum).isEqualByComparingTo(BigDecimal.ONE);
    }

    @Test
    void benchPrintsOneJsonLineLast() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        assertThat(AttributionCommand.bench(new PrintStream(buf, true, StandardCharsets.UTF_8), 200_000, 30, true))
                .isZero();
        String[] lines = buf.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines[lines.length - 1])
                .startsWith("{\"bench\":\"attribution-span\"")
                .contains("\"p99_ms\":");
    }

    @Test
    void isAPicocliCommandWithBothSubcommands() {
        CommandLine cl = new CommandLine(new AttributionCommand());
        assertThat(cl.getSubcommands()).containsKeys("span", "bench");
    }
}
