package io.openledger.cli.datanet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.chain.node.ChainAnchorContract;
import io.openledger.chain.node.L2Node;
import io.openledger.core.DatanetId;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
    void pruneMakesANewVersionAndEarlierVersionsKeepTheRecords() throws Exception {
        Path notes = Files.writeString(
                home.resolve("notes.md"), "Insulin lowers glucose.\n\nAspirin thins blood.\n\nZinc helps healing.\n");
        assertThat(run("create", "qa", "--as", "owner", "--curator", "cur").rc())
                .isZero();
        String cid = run("contribute", "qa", notes.toString(), "--as", "alice", "--json")
                .json()
                .get("contribution")
                .asText();
        assertThat(run("review", "qa", cid, "--approve", "--as", "owner").rc()).isZero();
        List<String> records = run("export", "qa")
                .out()
                .lines()
                .map(l -> {
                    try {
                        return JSON.readTree(l).get("record").asText();
                    } catch (Exception e) {
                        throw new AssertionError(l, e);
                    }
                })
                .toList();
        assertThat(records).hasSize(3);
        String gone1 = records.get(0);
        String gone2 = records.get(2);

        Run denied = run("prune", "qa", gone1, "--reason", "mine", "--as", "alice");
        assertThat(denied.rc()).isEqualTo(2);
        assertThat(denied.err()).contains("may not prune");
        Run noReason = run("prune", "qa", gone1, "--as", "owner");
        assertThat(noReason.rc()).isEqualTo(2);
        assertThat(noReason.err()).contains("--reason");
        Run blank = run("prune", "qa", gone1, "--reason", "  ", "--as", "owner");
        assertThat(blank.rc()).isEqualTo(2);
        assertThat(blank.err()).contains("must not be blank");
        String unknown = "0x" + "11".repeat(32);
        Run missing = run("prune", "qa", gone1, unknown, "--reason", "cleanup", "--as", "owner");
        assertThat(missing.rc()).isEqualTo(2);
        assertThat(missing.err()).contains(unknown).contains("nothing was pruned");
        assertThat(run("log", "qa", "--json").json().get("versions")).hasSize(1);

        Run pruned = run("prune", "qa", gone1, gone2, "--reason", "licence withdrawn", "--as", "cur", "--json");
        assertThat(pruned.rc()).as(pruned.err()).isZero();
        JsonNode v2 = pruned.json();
        assertThat(v2.get("version").asInt()).isEqualTo(2);
        assertThat(v2.get("kind").asText()).isEqualTo("prune");
        assertThat(v2.get("records").asInt()).isEqualTo(1);
        assertThat(v2.get("removed").asInt()).isEqualTo(2);
        assertThat(v2.get("added").asInt()).isZero();
        assertThat(v2.get("reason").asText()).isEqualTo("licence withdrawn");
        assertThat(new java.math.BigDecimal(v2.get("fee").asText()).signum()).isZero();
        assertThat(v2.has("contribution")).isFalse();
        String curator =
                run("whoami", "--as", "cur", "--json").json().get("address").asText();
        assertThat(v2.get("remover").asText()).isEqualTo(curator);

        List<String> log = run("log", "qa").out().lines().toList();
        assertThat(log).hasSize(2);
        assertThat(log.get(0)).contains("3 records (+3)");
        assertThat(log.get(1))
                .startsWith("v2  root " + v2.get("root").asText())
                .contains("1 records (-2, pruned by " + curator + ": licence withdrawn)");
        assertThat(run("log", "qa", "--json")
                        .json()
                        .get("versions")
                        .get(0)
                        .get("kind")
                        .asText())
                .isEqualTo("approval");

        // version 1 still holds and proves the pruned records; version 2 does not
        assertThat(run("export", "qa", "1").out().lines().count()).isEqualTo(3);
        assertThat(run("export", "qa").out().lines().count()).isEqualTo(1);
        assertThat(run("prove", "qa", "1", gone1).rc()).isZero();
        Run notInV2 = run("prove", "qa", "2", gone1);
        assertThat(notInV2.rc()).isEqualTo(2);
        assertThat(notInV2.err()).contains("has no record");
        JsonNode diff = run("diff", "qa", "1", "2", "--json").json();
        assertThat(diff.get("removed")).hasSize(2);
        assertThat(diff.get("added")).isEmpty();
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

    @Test
    void anchorPutsAVersionRootOnARunningNodeOverJsonRpc() throws Exception {
        try (L2Node node = L2Node.builder().dev(true).rpcPort(0).build()) {
            // the owner's key is a funded dev account, so it can pay the anchor's gas
            Files.createDirectories(home.resolve("keys"));
            Files.writeString(
                    home.resolve("keys").resolve("owner.key"),
                    node.devKeys().get(4).secret().toHex() + "\n");
            Path notes = Files.writeString(
                    Files.createDirectories(home.resolve("in")).resolve("n.md"), "# N\n\nInsulin lowers glucose.\n");
            assertThat(run("create", "qa", "--as", "owner").rc()).isZero();
            String cid = run("contribute", "qa", notes.toString(), "--as", "alice", "--json")
                    .json()
                    .get("contribution")
                    .asText();
            String root = run("review", "qa", cid, "--approve", "--as", "owner", "--json")
                    .json()
                    .get("root")
                    .asText();
            String rpc = node.rpcUrl().orElseThrow();

            Run notOwner = run("anchor", "qa", "--rpc", rpc, "--as", "alice");
            assertThat(notOwner.rc()).isEqualTo(2);
            assertThat(notOwner.err()).contains("only the owner");

            Run anchored = run("anchor", "qa", "--rpc", rpc, "--as", "owner", "--json");
            assertThat(anchored.rc()).as(anchored.err()).isZero();
            assertThat(anchored.json().get("root").asText()).isEqualTo(root);
            String tx = anchored.json().get("transaction").asText();
            // the node holds it: read back in-process through the registry
            var onChain = new ChainAnchorContract(node, a -> Optional.empty())
                    .lookup(DatanetId.of("qa"), 1)
                    .orElseThrow();
            assertThat(onChain.version().root().toHex()).isEqualTo(root);
            assertThat(onChain.reference().toHex()).isEqualTo(tx);
            // anchoring again names the same transaction
            assertThat(run("anchor", "qa", "--version", "1", "--rpc", rpc, "--as", "owner", "--json")
                            .json()
                            .get("transaction")
                            .asText())
                    .isEqualTo(tx);
        }
    }
}
