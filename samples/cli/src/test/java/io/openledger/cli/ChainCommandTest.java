package io.openledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.cli.demo.ChainStep;
import io.openledger.cli.demo.DemoContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ChainCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return new CommandLine(new ChainCommand())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
    }

    @Test
    void trieRootMatchesTheTrieAnyOrderHexVector(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("kv.json");
        Files.writeString(f, "{\"0x0045\": \"0x0123456789\", \"0x4500\": \"0x9876543210\"}");
        assertThat(run("trie-root", f.toString())).isZero();
        assertThat(out.toString().trim())
                .isEqualTo("0x285505fcabe84badc8aa310e2aae17eddc7d120aabec8a476902c8184b3a3503");
    }

    @Test
    void trieRootSecureAndBadInput(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("kv.json");
        Files.writeString(f, "{}");
        assertThat(run("trie-root", "--secure", f.toString())).isZero();
        assertThat(out.toString().trim())
                .isEqualTo("0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
        Files.writeString(f, "{\"0xzz\": \"0x01\"}");
        assertThat(run("trie-root", f.toString())).isNotZero();
        assertThat(err.toString().trim().lines()).hasSize(1);
    }

    @Test
    void txDecodePrintsSenderAndHash() throws Exception {
        // ethereum/tests TransactionTests ttSignature/Vitalik_1
        String raw =
                "0xf864808504a817c800825208943535353535353535353535353535353535353535808025a0044852b2a670ade5407e78fb2863c51de9fcb96542a07186fe3aeda6bb8a116da0044852b2a670ade5407e78fb2863c51de9fcb96542a07186fe3aeda6bb8a116d";
        assertThat(run("tx-decode", raw)).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertThat(j.get("type").asText()).isEqualTo("0");
        assertThat(j.get("hash").asText())
                .isEqualTo("0xb1e2188bc490908a78184e4818dca53684167507417fdb4c09c2d64d32a9896a");
        assertThat(j.get("from").asText()).isEqualToIgnoringCase("0xf0f6f18bca1b28cd68e4357452947e021241e9ce");
        assertThat(j.get("nonce").asText()).isEqualTo("0");
        assertThat(j.get("value").asText()).isEqualTo("0");
        assertThat(j.get("to").asText()).isEqualToIgnoringCase("0x3535353535353535353535353535353535353535");
    }

    @Test
    void txDecodeShowsADepositsFrom() throws Exception {
        // OP Mainnet block 124665056, tx 0 (reference/l2-chain.md §1.3)
        String raw =
                "0x7ef8f8a0683079df94aa5b9cf86687d739a60a9b4f0835e520ec4d664e2e415dca17a6df94deaddeaddeaddeaddeaddeaddeaddeaddead0001"
                        + "94420000000000000000000000000000000000001580808" + "30f424080b8a4"
                        + "440a5e200000146b000f79c500000000000000040000000066d052e700000000013ad8a3"
                        + "000000000000000000000000000000000000000000000000000000003ef12787"
                        + "0000000000000000000000000000000000000000000000000000000000000001"
                        + "2fdf87b89884a61e74b322bbcf60386f543bfae7827725efaaf0ab1de2294a59"
                        + "0000000000000000000000006887246668a3b87f54deb3b94ba47a6f63f32985";
        assertThat(run("tx-decode", raw)).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertThat(j.get("type").asText()).isEqualTo("126");
        assertThat(j.get("hash").asText())
                .isEqualTo("0x312e290cf36df704a2217b015d6455396830b0ce678b860ebfcc30f41403d7b1");
        assertThat(j.get("from").asText()).isEqualToIgnoringCase("0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001");
        assertThat(j.get("gasLimit").asText()).isEqualTo("1000000");
    }

    @Test
    void txDecodeRejectsNonCanonicalInputWithOneLine() {
        assertThat(run("tx-decode", "0xf86081000182520894b94f5374fce5edbc8e2a8697c15331677e6ebf0b80801ba0"))
                .isNotZero();
        assertThat(err.toString().trim().lines()).hasSize(1);
        assertThat(err.toString()).startsWith("error: invalid transaction");
        assertThat(run("tx-decode", "0x7f00")).isNotZero();
    }

    @Test
    void txSignReproducesTheEip155Example() {
        // EIP-155's worked example: key 0x46…46, nonce 9, 20 gwei, 21000 gas, 1 ether to 0x35…35, chain 1
        String json = "{\"type\":0,\"chainId\":1,\"nonce\":9,\"gasPrice\":\"20000000000\",\"gasLimit\":\"21000\","
                + "\"to\":\"0x3535353535353535353535353535353535353535\",\"value\":\"1000000000000000000\",\"data\":\"0x\"}";
        assertThat(run(
                        "tx-sign",
                        "--key",
                        "0x4646464646464646464646464646464646464646464646464646464646464646",
                        "--json",
                        json))
                .isZero();
        assertThat(out.toString().trim())
                .isEqualTo(
                        "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
    }

    @Test
    void txSignEip1559RoundTripsThroughDecode() throws Exception {
        String json =
                "{\"type\":2,\"chainId\":\"8453\",\"nonce\":\"3\",\"maxFeePerGas\":\"2000000000\",\"maxPriorityFeePerGas\":1000000,"
                        + "\"gasLimit\":60000,\"to\":\"0x4200000000000000000000000000000000000011\",\"value\":\"5\",\"data\":\"0xc0ffee\","
                        + "\"accessList\":[{\"address\":\"0x4200000000000000000000000000000000000011\",\"storageKeys\":[\"0x0000000000000000000000000000000000000000000000000000000000000001\"]}]}";
        assertThat(run(
                        "tx-sign",
                        "--key",
                        "0x4646464646464646464646464646464646464646464646464646464646464646",
                        "--json",
                        json))
                .isZero();
        String raw = out.toString().trim();
        assertThat(raw).startsWith("0x02");
        out.getBuffer().setLength(0);
        assertThat(run("tx-decode", raw)).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertThat(j.get("from").asText()).isEqualToIgnoringCase("0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
        assertThat(j.get("nonce").asText()).isEqualTo("3");
        assertThat(j.get("chainId").asText()).isEqualTo("8453");
        assertThat(run("tx-sign", "--key", "0x01", "--json", json)).isNotZero();
    }

    @Test
    void demoStepNarratesVerifiedResults(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        new ChainStep().run(new DemoContext(new PrintStream(buf, true, StandardCharsets.UTF_8), dir));
        String text = buf.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("recovers sender").contains("(matches)").doesNotContain("MISMATCH");
        assertThat(text).contains("are rejected").doesNotContain("ACCEPTED (bug)");
        assertThat(text)
                .contains("verifies: true")
                .contains("one byte flipped: rejected")
                .contains("proven absent: true");
    }
}
