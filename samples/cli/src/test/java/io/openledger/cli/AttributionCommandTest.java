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
        // both quoted records are listed by BM25 relevance, and the two quotes are two regions
        assertThat(json)
                .containsPattern(
                        "\"documents\":\\[\\{\"record\":\"docs@2/[01]\",\"bm25\":[0-9.]+,\"relevance\":\"high\"\\},"
                                + "\\{\"record\":\"docs@2/[01]\",\"bm25\":[0-9.]+,\"relevance\":\"(high|medium|low)\"\\}\\]")
                .containsPattern(
                        "\"regions\":\\[\\{\"start\":\\d+,\"end\":\\d+,\"text\":\"datanet is a community dataset whose every version is anchored\"");
    }

    /** The form: the corpus is a datanet version that `openledger datanet` keeps in --home. */
    @Test
    void spanReadsADatanetFromHome(@TempDir Path home) throws Exception {
        Path in = Files.createDirectories(home.resolve("in"));
        Path alice = Files.writeString(
                in.resolve("alice.md"),
                "A datanet is a community dataset whose every version is anchored on chain by its root.\n\n"
                        + "Contributors sign every submission they make.\n");
        Path bob = Files.writeString(
                in.resolve("bob.md"),
                "LoRA trains two small low-rank matrices per layer while the base stays frozen.\n");
        String h = home.toString();
        assertThat(dn("create", "qa", "--as", "owner", "--home", h)).isZero();
        for (var c : java.util.List.of(java.util.List.of(alice, "alice"), java.util.List.of(bob, "bob"))) {
            String cid = contribute(h, c.get(0).toString(), c.get(1).toString());
            assertThat(dn("review", "qa", cid, "--approve", "--as", "owner", "--home", h))
                    .isZero();
        }

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        String text = "Well, LoRA trains two small low-rank matrices per layer while the base stays frozen, I think.";
        assertThat(AttributionCommand.span(
                        new PrintStream(buf, true, StandardCharsets.UTF_8), home, null, "qa", text, 6, true))
                .isZero();
        String json = buf.toString(StandardCharsets.UTF_8).strip();
        Matcher m = Pattern.compile("\"id\":\"(0x[0-9a-fA-F]{40})\",\"weight\":([0-9.]+)")
                .matcher(json);
        assertThat(m.find()).as(json).isTrue();
        assertThat(new BigDecimal(m.group(2))).isEqualByComparingTo(BigDecimal.ONE);
        assertThat(m.find()).as("only bob's record is quoted").isFalse();
        assertThat(json).contains("low-rank matrices per layer");

        // version 1 holds only the first approved contribution
        buf.reset();
        assertThat(AttributionCommand.span(
                        new PrintStream(buf, true, StandardCharsets.UTF_8), home, null, "qa@1", text, 6, true))
                .isZero();
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("\"contributors\":[]");
    }

    private static int dn(String... args) {
        return io.openledger.cli.datanet.DatanetCommand.execute(
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(System.err), args);
    }

    private static String contribute(String home, String file, String as) {
        java.io.StringWriter out = new java.io.StringWriter();
        int rc = io.openledger.cli.datanet.DatanetCommand.execute(
                new java.io.PrintWriter(out),
                new java.io.PrintWriter(System.err),
                "contribute",
                "qa",
                file,
                "--as",
                as,
                "--json",
                "--home",
                home);
        assertThat(rc).isZero();
        Matcher m =
                Pattern.compile("\"contribution\"\\s*:\\s*\"(0x[0-9a-f]{64})\"").matcher(out.toString());
        assertThat(m.find()).as(out.toString()).isTrue();
        return m.group(1);
    }

    /** The side-by-side table, small: every registered method gets an LDS, and random stays near 0. */
    @Test
    void evalJoinsLdsAndPlantedRecallForEveryMethod() throws Exception {
        String json = AttributionCommand.eval(6, 16, 20, null);
        assertThat(json).startsWith("{\"bench\":\"attribution-eval\"");
        for (String id : java.util.List.of("span-infini-gram", "knn-shapley", "datainf", "datainf-lora", "random")) {
            assertThat(json).contains("\"id\":\"" + id + "\"");
        }
        Matcher span = Pattern.compile(
                        "\"id\":\"span-infini-gram\",\"lds\":(-?[0-9.]+),\"planted_recall_at_10\":([0-9.]+)")
                .matcher(json);
        assertThat(span.find()).as(json).isTrue();
        assertThat(Double.parseDouble(span.group(2))).isGreaterThan(0.5);
        assertThat(Double.parseDouble(span.group(1))).isBetween(-1.0, 1.0);
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
        assertThat(cl.getSubcommands()).containsKeys("span", "bench", "eval");
    }
}
