package io.openledger.cli.datanet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The datanet command end to end on a temporary home. */
class DatanetCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    record Run(int rc, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--home";
        all[args.length + 1] = home.toString();
        int rc = DatanetCommand.execute(new PrintWriter(out), new PrintWriter(err), all);
        return new Run(rc, out.toString().strip(), err.toString());
    }

    @Test
    void createContributeReviewProveVerifyExport() throws Exception {
        Path files = Files.createDirectories(home.resolve("in"));
        Path notes = Files.writeString(files.resolve("notes.md"), "# Notes\n\nInsulin lowers glucose.\n");
        Path table = Files.writeString(files.resolve("vitals.csv"), "measure,range\nheart rate,60-100\n");

        assertThat(run("create", "qa", "--as", "owner", "--curator", "cur", "--tag", "med")
                        .rc())
                .isZero();
        Run c = run("contribute", "qa", notes.toString(), table.toString(), "--as", "alice", "--json");
        assertThat(c.rc()).as(c.err()).isZero();
        String cid = c.json().get("contribution").asText();
        assertThat(c.json().get("records").asInt()).isEqualTo(3);
        assertThat(c.json().get("status").asText()).isEqualTo("SUBMITTED");

        Run denied = run("review", "qa", cid, "--approve", "--as", "alice");
        assertThat(denied.rc()).isEqualTo(2);
        assertThat(denied.err()).contains("may not review");

        Run approved = run("review", "qa", cid, "--approve", "--as", "cur", "--json");
        assertThat(approved.rc()).as(approved.err()).isZero();
        String root = approved.json().get("root").asText();
        assertThat(approved.json().get("version").asInt()).isEqualTo(1);

        Run log = run("log", "qa", "--json");
        assertThat(log.json().get("versions")).hasSize(1);
        assertThat(run("log", "qa").out()).startsWith("v1  root " + root);

        Path corpus = home.resolve("qa.jsonl");
        assertThat(run("export", "qa", "--out", corpus.toString()).rc()).isZero();
        JsonNode first = JSON.readTree(Files.readAllLines(corpus).get(0));
        String record = first.get("record").asText();

        Path proof = home.resolve("proof.json");
        assertThat(run("prove", "qa", "1", record, "--out", proof.toString()).rc())
                .isZero();
        Path text =
                Files.writeString(home.resolve("text.txt"), first.get("text").asText());
        Run ok = run("verify", proof.toString(), "--root", root, "--text", text.toString());
        assertThat(ok.rc()).as(ok.err()).isZero();
        assertThat(ok.out()).startsWith("VALID");
        Run bad = run("verify", proof.toString(), "--root", "0x" + "00".repeat(32), "--json");
        assertThat(bad.rc()).isEqualTo(3);
        assertThat(bad.json().get("valid").asBoolean()).isFalse();

        Path more = Files.writeString(files.resolve("more.txt"), "Aspirin thins blood.\n");
        String cid2 = run("contribute", "qa", more.toString(), "--as", "bob", "--json")
                .json()
                .get("contribution")
                .asText();
        assertThat(run("review", "qa", cid2, "--approve", "--as", "owner").rc()).isZero();
        Run diff = run("diff", "qa", "1", "2", "--json");
        assertThat(diff.json().get("added")).hasSize(1);
        assertThat(diff.json().get("removed")).isEmpty();
        assertThat(run("export", "qa").out().lines().count()).isEqualTo(4);

        Run rejected = run("review", "qa", cid2, "--reject", "late", "--as", "owner");
        assertThat(rejected.rc()).isEqualTo(2);
        assertThat(rejected.err()).contains("APPROVED");
    }

    @Test
    void badFilesAndUnknownDatanetsGiveClearErrors() throws Exception {
        assertThat(run("create", "qa", "--as", "owner").rc()).isZero();
        Path bin = Files.write(home.resolve("x.txt"), new byte[] {(byte) 0xff, (byte) 0xfe});
        Run r = run("contribute", "qa", bin.toString(), "--as", "alice");
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("x.txt").contains("UTF-8");
        assertThat(run("log", "nope").out()).isEqualTo("no versions yet");
        assertThat(run("create", "qa", "--as", "owner").err()).contains("already exists");
        assertThat(run("whoami", "--as", "owner", "--json")
                        .json()
                        .get("address")
                        .asText())
                .startsWith("0x");
    }

    @Test
    void benchPrintsOneJsonLine() throws Exception {
        Run r = run("bench", "--json", "--mib", "1", "--records", "200", "--planted", "20");
        assertThat(r.rc()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("bench").asText()).isEqualTo("datanet");
        assertThat(j.get("ingest_mib_per_s").asDouble()).isPositive();
        assertThat(j.get("commit_growth_ratio").asDouble()).isPositive();
        assertThat(j.get("near_dup_recall").asDouble()).isGreaterThanOrEqualTo(0.9);
    }
}
