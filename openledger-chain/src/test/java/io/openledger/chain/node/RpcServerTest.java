package io.openledger.chain.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.trie.TrieProof;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.crypto.PrivateKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JSON-RPC server over HTTP: proofs that verify, limits, error codes, historical reads. */
class RpcServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static L2Node node;

    @BeforeAll
    static void start() {
        node = L2Node.builder().dev(true).rpcPort(0).build();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private record Http(int status, JsonNode body) {}

    private static Http post(String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection)
                URI.create(node.rpcUrl().orElseThrow()).toURL().openConnection();
        c.setDoOutput(true);
        c.setRequestMethod("POST");
        c.setRequestProperty("Content-Type", "application/json");
        try (OutputStream os = c.getOutputStream()) {
            os.write(body.getBytes(StandardCharsets.UTF_8));
        }
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            return new Http(status, JSON.readTree(in));
        } finally {
            c.disconnect();
        }
    }

    private static JsonNode rpc(String method, Object... params) throws IOException {
        return post(JSON.writeValueAsString(
                        Map.of("jsonrpc", "2.0", "id", 7, "method", method, "params", List.of(params))))
                .body();
    }

    @Test
    void accountAndWithdrawalStorageProofsVerify() throws IOException {
        PrivateKey user = node.devKeys().get(7);
        Bytes withdraw = Abi.encodeCall(
                "initiateWithdrawal(address,uint256,bytes)",
                List.of(
                        new AbiValue.AddressValue(user.address()),
                        AbiValue.Uint.of(50_000),
                        new AbiValue.DynamicBytes(Bytes.EMPTY)));
        JsonNode sent = rpc(
                "eth_sendRawTransaction",
                Txs.call(
                                31337,
                                user,
                                node.pendingNonce(user.address()),
                                SystemAddresses.L2_TO_L1_MESSAGE_PASSER,
                                Amount.ONE,
                                withdraw,
                                200_000)
                        .toHex());
        JsonNode receipt =
                rpc("eth_getTransactionReceipt", sent.get("result").asText()).get("result");
        assertThat(receipt.get("status").asText()).isEqualTo("0x1");
        Bytes data = Bytes.fromHex(receipt.get("logs").get(0).get("data").asText());
        Hash withdrawalHash = Hash.of(data.slice(96, 128));
        Hash slot = Hashing.keccak256(Bytes.concat(withdrawalHash.bytes(), Amount.ZERO.toBytes32()));

        L2Block head = node.head();
        JsonNode proof = rpc(
                        "eth_getProof",
                        SystemAddresses.L2_TO_L1_MESSAGE_PASSER.toHex(),
                        List.of(slot.toHex()),
                        "latest")
                .get("result");
        Hash storageHash = Hash.fromHex(proof.get("storageHash").asText());
        assertThat(storageHash).isEqualTo(head.header().withdrawalsRoot().orElseThrow());
        JsonNode sp = proof.get("storageProof").get(0);
        assertThat(sp.get("value").asText()).isEqualTo("0x1");
        assertThat(new TrieProof(nodes(sp.get("proof"))).verifySecure(storageHash, slot.bytes()))
                .contains(Rlp.encodeBytes(Bytes.of((byte) 1)));
        assertThat(new TrieProof(nodes(proof.get("accountProof")))
                        .verifySecure(head.header().stateRoot(), SystemAddresses.L2_TO_L1_MESSAGE_PASSER.bytes()))
                .isPresent();

        Address dev = node.devKeys().get(0).address();
        JsonNode accountProof =
                rpc("eth_getProof", dev.toHex(), List.of(), "0x0").get("result");
        Bytes account = new TrieProof(nodes(accountProof.get("accountProof")))
                .verifySecure(node.block(0).orElseThrow().header().stateRoot(), dev.bytes())
                .orElseThrow();
        assertThat(account.toHex())
                .contains(Amount.tokens(10_000).toMinimalBytes().toUnprefixedHex());
    }

    private static List<Bytes> nodes(JsonNode arr) {
        List<Bytes> out = new ArrayList<>();
        arr.forEach(n -> out.add(Bytes.fromHex(n.asText())));
        return out;
    }

    @Test
    void historicalBalanceAndFeeHistory() throws IOException {
        PrivateKey a = node.devKeys().get(8);
        Address b = node.devKeys().get(9).address();
        long before = node.head().number();
        rpc(
                "eth_sendRawTransaction",
                Txs.transfer(31337, a, node.pendingNonce(a.address()), b, Amount.tokens(2))
                        .toHex());
        assertThat(rpc("eth_getBalance", b.toHex(), "0x" + Long.toHexString(before))
                        .get("result")
                        .asText())
                .isEqualTo("0x" + Amount.tokens(10_000).toBigInteger().toString(16));
        assertThat(rpc("eth_getBalance", b.toHex(), "latest").get("result").asText())
                .isEqualTo("0x" + Amount.tokens(10_002).toBigInteger().toString(16));
        JsonNode fh = rpc("eth_feeHistory", "0x2", "latest", List.of(50)).get("result");
        assertThat(fh.get("baseFeePerGas")).hasSize(3);
        assertThat(fh.get("gasUsedRatio")).hasSize(2);
        assertThat(fh.get("reward")).hasSize(2);
        assertThat(rpc("eth_getBalance", b.toHex(), "0xffffff")
                        .get("error")
                        .get("message")
                        .asText())
                .isEqualTo("header not found");
    }

    @Test
    void errorsAndLimits() throws IOException {
        assertThat(rpc("eth_noSuchMethod").get("error").get("code").asInt()).isEqualTo(-32601);
        assertThat(post("{not json").body().get("error").get("code").asInt()).isEqualTo(-32700);
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 101; i++) {
            batch.append(i == 0 ? "" : ",")
                    .append("{\"jsonrpc\":\"2.0\",\"id\":")
                    .append(i)
                    .append(",\"method\":\"eth_chainId\"}");
        }
        Http tooMany = post(batch.append("]").toString());
        assertThat(tooMany.body().get("error").get("message").asText()).contains("exceeds the limit of 100");
        Http big = post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[\""
                + "a".repeat(6 * 1024 * 1024) + "\"]}");
        assertThat(big.status()).isEqualTo(413);
        JsonNode call = rpc(
                "eth_call",
                Map.of(
                        "to", SystemAddresses.INFERENCE_SETTLEMENT.toHex(),
                        "data",
                                Abi.encodeCall(
                                                "isSettled(bytes32)",
                                                List.of(new AbiValue.FixedBytes(Hash.ZERO.bytes())))
                                        .toHex()),
                "latest");
        assertThat(call.get("result").asText())
                .isEqualTo(Amount.ZERO.toBytes32().toHex());
        JsonNode reverted =
                rpc("eth_call", Map.of("to", SystemAddresses.MODEL_REGISTRY.toHex(), "data", "0xdeadbeef"), "latest");
        assertThat(reverted.get("error").get("code").asInt()).isEqualTo(3);
        assertThat(reverted.get("error").get("message").asText())
                .startsWith("execution reverted: ModelRegistry: unknown function selector");
        assertThat(reverted.get("error").get("data").asText()).startsWith("0x08c379a0");
        assertThat(rpc("eth_sendRawTransaction", "0x1234")
                        .get("error")
                        .get("message")
                        .asText())
                .startsWith("invalid transaction");
    }

    @Test
    void everyAbiFunctionIsImplemented() throws IOException {
        for (String name : List.of(
                "ModelRegistry",
                "DatanetRegistry",
                "InferenceSettlement",
                "Staking",
                "Governance",
                "Vesting",
                "L2ToL1MessagePasser",
                "L1Block")) {
            JsonNode abi;
            try (InputStream in = L2Node.class.getResourceAsStream("/io/openledger/chain/abi/" + name + ".json")) {
                abi = JSON.readTree(in);
            }
            Address at =
                    switch (name) {
                        case "ModelRegistry" -> SystemAddresses.MODEL_REGISTRY;
                        case "DatanetRegistry" -> SystemAddresses.DATANET_REGISTRY;
                        case "InferenceSettlement" -> SystemAddresses.INFERENCE_SETTLEMENT;
                        case "Staking" -> SystemAddresses.STAKING;
                        case "Governance" -> SystemAddresses.GOVERNANCE;
                        case "Vesting" -> SystemAddresses.VESTING;
                        case "L2ToL1MessagePasser" -> SystemAddresses.L2_TO_L1_MESSAGE_PASSER;
                        default -> SystemAddresses.L1_BLOCK;
                    };
            for (JsonNode f : abi) {
                if (!f.get("type").asText().equals("function")) {
                    continue;
                }
                List<String> types = new ArrayList<>();
                f.get("inputs").forEach(i -> types.add(i.get("type").asText()));
                String sig = f.get("name").asText() + "(" + String.join(",", types) + ")";
                JsonNode r = rpc(
                        "eth_call",
                        Map.of("to", at.toHex(), "data", Abi.selector(sig).toHex()),
                        "latest");
                String msg = r.has("error") ? r.get("error").get("message").asText() : "";
                assertThat(msg).as(name + "." + sig).doesNotContain("unknown function selector");
            }
        }
    }

    @Test
    void mempoolLimitsPerSender() {
        try (L2Node small = L2Node.builder()
                .dev(true)
                .blockTime(java.time.Duration.ofHours(1))
                .mempool(2, 3)
                .build()) {
            PrivateKey a = small.devKeys().get(0);
            Address b = small.devKeys().get(1).address();
            small.submit(Txs.transfer(31337, a, 0, b, Amount.ONE));
            small.submit(Txs.transfer(31337, a, 1, b, Amount.ONE));
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> small.submit(Txs.transfer(31337, a, 2, b, Amount.ONE)))
                    .hasMessageContaining("txpool is full");
            small.submit(Txs.transfer(31337, small.devKeys().get(2), 0, b, Amount.ONE));
            org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                            small.submit(Txs.transfer(31337, small.devKeys().get(3), 0, b, Amount.ONE)))
                    .hasMessage("txpool is full");
            // the L1-info deposit and the three admitted transfers
            assertThat(small.seal().transactions()).hasSize(4);
        }
    }
}
