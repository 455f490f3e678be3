package io.openledger.chain.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Hash;
import io.openledger.core.crypto.PrivateKey;
import io.openledger.core.testing.KilledChildren;
import io.openledger.token.OpenToken;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the node in a child JVM under transfer load, kills it with SIGKILL at random points, restarts
 * it on the same data directory and checks that every receipt it returned is still there in the same
 * block, the chain links up, and balances still sum to the genesis supply.
 */
class CrashRecoveryIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Started(Process process, String url) {}

    private static Started start(Path dir) throws Exception {
        Process p = KilledChildren.sharingRocksDbLibrary(new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                "--enable-native-access=ALL-UNNAMED",
                                "-cp",
                                System.getProperty("java.class.path"),
                                CrashNodeMain.class.getName(),
                                dir.toString())
                        .redirectErrorStream(true))
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("PORT ")) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the pipe empty
                        }
                    } catch (java.io.IOException ignored) {
                        // the process died
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return new Started(p, "http://127.0.0.1:" + line.substring(5).trim());
            }
        }
        throw new IllegalStateException("node process exited before listening");
    }

    private JsonNode rpc(String url, String method, Object... params) throws Exception {
        String body =
                JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", List.of(params)));
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        c.setDoOutput(true);
        c.setRequestMethod("POST");
        c.setRequestProperty("Content-Type", "application/json");
        try (OutputStream os = c.getOutputStream()) {
            os.write(body.getBytes(StandardCharsets.UTF_8));
        }
        try (var in = c.getInputStream()) {
            return JSON.readTree(in);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void killNineNeverLosesAReturnedReceipt(@TempDir Path dir) throws Exception {
        Random random = new Random(42);
        List<PrivateKey> keys = DevAccounts.standard(20);
        Map<String, String> receipts = new LinkedHashMap<>(); // tx hash -> block hash from the returned receipt
        for (int round = 0; round < 4; round++) {
            Started node = start(dir);
            try {
                long runMillis = round == 0 ? 2_000 : 300 + random.nextInt(1_200); // the first round surely seals some
                long deadline = System.nanoTime() + runMillis * 1_000_000L;
                List<String> sent = new ArrayList<>();
                int k = 0;
                while (System.nanoTime() < deadline) {
                    PrivateKey from = keys.get(k % 5);
                    long nonce = Long.decode(rpc(
                                    node.url(),
                                    "eth_getTransactionCount",
                                    from.address().toHex(),
                                    "pending")
                            .get("result")
                            .asText());
                    String raw = Txs.transfer(
                                    31337, from, nonce, keys.get(10 + k % 10).address(), Amount.of(1 + k))
                            .toHex();
                    JsonNode res = rpc(node.url(), "eth_sendRawTransaction", raw);
                    if (res.has("result")) {
                        sent.add(res.get("result").asText());
                    }
                    k++;
                    for (String h : List.copyOf(sent)) {
                        JsonNode rc =
                                rpc(node.url(), "eth_getTransactionReceipt", h).get("result");
                        if (rc != null && !rc.isNull()) {
                            receipts.put(h, rc.get("blockHash").asText());
                            sent.remove(h);
                        }
                    }
                }
            } finally {
                node.process().destroyForcibly(); // SIGKILL on Linux
                node.process().waitFor();
            }
        }
        assertThat(receipts).as("the load produced receipts").isNotEmpty();
        Started node = start(dir);
        try {
            for (Map.Entry<String, String> e : receipts.entrySet()) {
                JsonNode rc =
                        rpc(node.url(), "eth_getTransactionReceipt", e.getKey()).get("result");
                assertThat(rc.isNull())
                        .as("receipt of " + e.getKey() + " survived")
                        .isFalse();
                assertThat(rc.get("blockHash").asText()).isEqualTo(e.getValue());
            }
        } finally {
            node.process().destroyForcibly();
            node.process().waitFor();
        }
        try (L2Node reopened = L2Node.builder()
                .dev(true)
                .datadir(dir)
                .blockTime(Duration.ofHours(1))
                .build()) {
            L2Block head = reopened.head();
            Hash expectParent = null;
            for (long n = head.number(); n >= 0; n--) {
                L2Block b = reopened.block(n).orElseThrow();
                if (expectParent != null) {
                    assertThat(b.hash()).isEqualTo(expectParent);
                }
                expectParent = b.header().parentHash();
            }
            assertThat(reopened.totalBalance(head.number())).isEqualTo(OpenToken.TOTAL_SUPPLY);
            Address a = keys.get(0).address();
            assertThat(reopened.nonce(a)).isPositive();
        }
    }
}
