package io.openledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.cli.demo.DemoContext;
import io.openledger.cli.demo.LoraStep;
import io.openledger.core.contract.InferenceRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LoraCliTest {
    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new LoraCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(new StringWriter()));
        assertThat(cl.execute(args)).as(String.join(" ", args)).isZero();
        return out.toString();
    }

    // a random 2-layer test model of arch with the given intermediate size, vocabulary 300, seed 5
    private static void testModel(Path m, String arch, int intermediate) {
        run(
                "make-test-model",
                "--out",
                m.toString(),
                "--arch",
                arch,
                "--layers",
                "2",
                "--hidden",
                "64",
                "--heads",
                "4",
                "--kv-heads",
                "2",
                "--intermediate",
                Integer.toString(intermediate),
                "--vocab",
                "300",
                "--seed",
                "5");
    }

    private static void testAdapter(Path m, Path out, int rank, int alpha, String targets, long seed) {
        run(
                "make-test-adapter",
                "--model",
                m.toString(),
                "--out",
                out.toString(),
                "--rank",
                Integer.toString(rank),
                "--alpha",
                Integer.toString(alpha),
                "--targets",
                targets,
                "--seed",
                Long.toString(seed));
    }

    // the logits of tokens 1,2,3 on model m with adapter a at the given --adapter-scale
    private static JsonNode scaledLogits(Path m, Path a, String scale) throws Exception {
        return new ObjectMapper()
                .readTree(run(
                        "logits",
                        "--model",
                        m.toString(),
                        "--adapter",
                        a.toString(),
                        "--adapter-scale",
                        scale,
                        "--tokens",
                        "1,2,3"))
                .get("logits");
    }

    @Test
    void mergesAdaptersIntoANewPeftAdapter(@TempDir Path dir) throws Exception {
        Path m = dir.resolve("m");
        testModel(m, "llama", 96);
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        testAdapter(m, a, 4, 8, "q_proj,v_proj", 6);
        testAdapter(m, b, 8, 8, "q_proj,k_proj", 7);
        Path ab = dir.resolve("ab");
        JsonNode r = new ObjectMapper()
                .readTree(run("merge", "--model", m.toString(), "--out", ab.toString(), a + "=0.5", b + "=0.5"));
        assertThat(r.get("strategy").asText()).isEqualTo("cat");
        assertThat(r.get("modules").asInt()).isEqualTo(6); // q, k and v in both layers
        assertThat(r.get("max_rank").asInt()).isEqualTo(12); // q: 4 + 8
        JsonNode base = new ObjectMapper().readTree(run("logits", "--model", m.toString(), "--tokens", "1,2,3"));
        assertThat(scaledLogits(m, ab, "1")).isNotEqualTo(base.get("logits"));

        JsonNode svd = new ObjectMapper()
                .readTree(run(
                        "merge",
                        "--model",
                        m.toString(),
                        "--out",
                        dir.resolve("svd").toString(),
                        "--strategy",
                        "svd",
                        "--rank",
                        "2",
                        a + "=0.5",
                        b + "=0.5"));
        assertThat(svd.get("max_rank").asInt()).isEqualTo(2);
        assertThat(svd.get("modules").asInt()).isEqualTo(6);

        // one adapter at weight 1 serves as itself, up to float rounding
        Path one = dir.resolve("one");
        run("merge", "--model", m.toString(), "--out", one.toString(), "--strategy", "linear", a + "=1");
        JsonNode want = scaledLogits(m, a, "1");
        JsonNode got = scaledLogits(m, one, "1");
        for (int i = 0; i < want.size(); i++) {
            assertThat(got.get(i).asDouble())
                    .isCloseTo(want.get(i).asDouble(), org.assertj.core.api.Assertions.within(1e-3));
        }

        CommandLine cl = new CommandLine(new LoraCommand());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute(
                        "merge",
                        "--model",
                        m.toString(),
                        "--out",
                        dir.resolve("t").toString(),
                        "--strategy",
                        "ties",
                        a + "=1",
                        b + "=1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("use cat");
        assertThat(dir.resolve("t")).doesNotExist();

        // TIES on the dense deltas takes the two ranks that TIES on A and B refused, cut to --rank
        JsonNode tiesSvd = new ObjectMapper()
                .readTree(run(
                        "merge",
                        "--model",
                        m.toString(),
                        "--out",
                        dir.resolve("ts").toString(),
                        "--strategy",
                        "ties_svd",
                        "--density",
                        "0.5",
                        "--rank",
                        "3",
                        "--clamp",
                        "0.99",
                        a + "=1",
                        b + "=1"));
        assertThat(tiesSvd.get("strategy").asText()).isEqualTo("ties_svd");
        assertThat(tiesSvd.get("max_rank").asInt()).isEqualTo(3);
        assertThat(tiesSvd.get("modules").asInt()).isEqualTo(6);
        assertThat(scaledLogits(m, dir.resolve("ts"), "1")).isNotEqualTo(base.get("logits"));
    }

    @Test
    void makesModelsAndAdaptersAndPrintsLogits(@TempDir Path dir) throws Exception {
        Path m = dir.resolve("m");
        Path a = dir.resolve("a");
        testModel(m, "qwen2", 128);
        testAdapter(m, a, 4, 8, "q_proj,v_proj", 6);
        JsonNode base = new ObjectMapper().readTree(run("logits", "--model", m.toString(), "--tokens", "1,2,3"));
        JsonNode tuned = new ObjectMapper()
                .readTree(run("logits", "--model", m.toString(), "--adapter", a.toString(), "--tokens", "1,2,3"));
        assertThat(base.get("logits").size()).isEqualTo(300);
        assertThat(tuned.get("logits").size()).isEqualTo(300);
        assertThat(base.get("logits")).isNotEqualTo(tuned.get("logits"));
        // --adapter-scale 0 is the base model; 0.5 lies between (not equal to either)
        JsonNode off = scaledLogits(m, a, "0");
        assertThat(off).isEqualTo(base.get("logits"));
        assertThat(scaledLogits(m, a, "0.5")).isNotEqualTo(base.get("logits")).isNotEqualTo(tuned.get("logits"));
        CommandLine cl = new CommandLine(new LoraCommand());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("logits", "--model", m.toString(), "--adapter-scale", "2", "--tokens", "1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--adapter-scale needs --adapter");
        String text = run(
                "generate",
                "--model",
                m.toString(),
                "--adapter",
                a.toString(),
                "--prompt",
                "hello world",
                "--max-tokens",
                "5",
                "--seed",
                "1");
        assertThat(text).isNotNull();
    }

    @Test
    void demoStepGeneratesWithAndWithoutTheAdapter(@TempDir Path dir) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoContext ctx = new DemoContext(new PrintStream(buf, true, StandardCharsets.UTF_8), dir);
        new LoraStep().run(ctx);
        String out = buf.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertThat(out)
                .contains("base model      :")
                .contains("with the adapter:")
                .contains("relative difference");
        InferenceRecord r = ctx.require(InferenceRecord.class);
        assertThat(r.adapterId()).isPresent();
        assertThat(r.outputTokens()).isNotEmpty();
    }

    @Test
    void serveBenchPrintsOneJsonLineWithTheIssueMetrics(@TempDir Path dir) throws Exception {
        String out = run(
                "serve-bench",
                "--json",
                "--layers",
                "1",
                "--hidden",
                "64",
                "--heads",
                "4",
                "--kv-heads",
                "2",
                "--intermediate",
                "128",
                "--vocab",
                "300",
                "--adapters",
                "12",
                "--batch",
                "4",
                "--gen-tokens",
                "4",
                "--budget-mib",
                "1",
                "--threads",
                "1",
                "--work-dir",
                dir.toString());
        String[] lines = out.strip().split("\n");
        JsonNode j = new ObjectMapper().readTree(lines[lines.length - 1]);
        for (String k : new String[] {
            "multi_over_single",
            "batched_over_sequential",
            "cold_load_ms_p50",
            "cold_load_ms_p99",
            "hot_switch_overhead",
            "resident_bytes_peak",
            "bandwidth_fraction"
        }) {
            assertThat(j.has(k)).as(k).isTrue();
        }
        // the decode phase alone: timed from each round's last first token, so positive and finite
        for (String k : new String[] {
            "decode_tokens_per_s_one_adapter",
            "decode_tokens_per_s_distinct_adapters",
            "decode_tokens_per_s_sequential",
            "decode_multi_over_single",
            "decode_batched_over_sequential",
            "decode_step_ms",
            "decode_step_ms_one_adapter",
            "distinct_adapter_bytes_per_step",
            "prompt_pass_ms",
            "mix_first_request_ms",
            "mix_again_request_ms"
        }) {
            assertThat(j.get(k).isNumber()).as(k).isTrue();
            assertThat(j.get(k).asDouble()).as(k).isPositive().isFinite();
        }
        // a difference of two timings, so either sign on a tiny model, but finite and consistent
        assertThat(j.get("distinct_step_overhead_ms").asDouble())
                .isCloseTo(
                        j.get("decode_step_ms").asDouble()
                                - j.get("decode_step_ms_one_adapter").asDouble(),
                        org.assertj.core.data.Offset.offset(0.002));
        assertThat(j.get("distinct_adapter_read_ms").asDouble()).isNotNegative();
        assertThat(j.get("adapter_read_hidden_fraction").isNumber()).isTrue();
        assertThat(j.get("adapter_read_hidden_fraction").asDouble()).isFinite();
        assertThat(j.get("adapters_served").asInt()).isEqualTo(12);
        assertThat(j.get("peak_within_budget").asBoolean()).isTrue();
        assertThat(j.get("resident_bytes_peak").asLong()).isLessThanOrEqualTo(1L << 20);
        assertThat(dir.resolve("mixes"))
                .as("the run's merged mixes are removed")
                .doesNotExist();
    }
}
