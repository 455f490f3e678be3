package io.openledger.chain.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.token.GovernorParams;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drives the node with ethers.js 6 from npm (installed by this test into target/ethers-it): transfers,
 * balances, receipts, registry and settlement calls through {@code ethers.Contract} with the shipped
 * ABI, decoded events and the error cases. Skipped, with the reason, if node/npm are missing or the
 * npm registry cannot be reached; never passed without running.
 */
class EthersClientIT {
    private static final Path DIR = Path.of("target", "ethers-it").toAbsolutePath();

    @BeforeAll
    static void installEthers() throws Exception {
        Files.createDirectories(DIR);
        if (Files.isDirectory(DIR.resolve("node_modules/ethers"))) {
            return;
        }
        Result v = run(List.of("node", "--version"), Duration.ofSeconds(20));
        Assumptions.assumeTrue(v.code == 0, "node is not installed: " + v.output);
        Files.writeString(DIR.resolve("package.json"), "{\"name\":\"ethers-it\",\"private\":true}");
        Result npm = run(
                List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "ethers@6"),
                Duration.ofSeconds(240));
        Assumptions.assumeTrue(npm.code == 0, "npm could not install ethers@6 (registry unreachable?): " + npm.output);
    }

    record Result(int code, String output) {}

    private static Result run(List<String> cmd, Duration timeout) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd)
                    .directory(DIR.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return new Result(-1, "timed out after " + timeout);
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void ethersTalksToTheNode() throws Exception {
        Path abi = DIR.resolve("abi");
        Files.createDirectories(abi);
        for (String name : List.of(
                "ModelRegistry",
                "DatanetRegistry",
                "InferenceSettlement",
                "Staking",
                "Governance",
                "L2ToL1MessagePasser")) {
            try (InputStream in = L2Node.class.getResourceAsStream("/io/openledger/chain/abi/" + name + ".json")) {
                assertThat(in).as(name + " ABI resource").isNotNull();
                Files.copy(in, abi.resolve(name + ".json"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (InputStream in = EthersClientIT.class.getResourceAsStream("/ethers/ethers-it.js")) {
            Files.copy(in, DIR.resolve("ethers-it.js"), StandardCopyOption.REPLACE_EXISTING);
        }
        GovernorParams quick = new GovernorParams(
                Duration.ofSeconds(1),
                Duration.ofSeconds(20),
                4,
                io.openledger.core.Amount.ZERO,
                Duration.ofSeconds(2),
                Duration.ofHours(1));
        try (L2Node auto = L2Node.builder()
                        .dev(true)
                        .governorParams(quick)
                        .rpcPort(0)
                        .build();
                L2Node pool = L2Node.builder()
                        .dev(true)
                        .blockTime(Duration.ofHours(1))
                        .rpcPort(0)
                        .build()) {
            Result r = run(
                    List.of(
                            "node",
                            "ethers-it.js",
                            auto.rpcUrl().orElseThrow(),
                            pool.rpcUrl().orElseThrow(),
                            abi.toString()),
                    Duration.ofSeconds(120));
            assertThat(r.code).as(r.output).isZero();
            assertThat(r.output).contains("OK ");
        }
    }
}
