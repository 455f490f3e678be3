package io.openledger.chain.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.contract.AnchorContract;
import io.openledger.core.contract.AnchorReceipt;
import io.openledger.core.contract.AnchorRejectedException;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.crypto.PrivateKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The core {@link AnchorContract} on an OpenLedger L2 node reached over Ethereum JSON-RPC (a node
 * started with {@code openledger node}, in another process or on another host): {@link #anchor}
 * signs a {@code DatanetRegistry.anchor} transaction with the owner's key, sends it with {@code
 * eth_sendRawTransaction} and waits for its receipt; {@link #lookup} reads the registry with {@code
 * eth_call} and finds the anchoring transaction with {@code eth_getLogs}. Receipts are those of
 * {@link ChainAnchorContract}, which does the same on a node in this JVM. The owner's account pays
 * the gas in OPEN. Thread-safe.
 */
public final class RpcAnchorContract implements AnchorContract {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI rpc;
    private final Function<Address, Optional<PrivateKey>> keys;
    private final Duration timeout;
    private final HttpClient http;
    private final AtomicLong nextId = new AtomicLong();

    /**
     * Anchors through the node at {@code rpc}, signing with the keys {@code keys} returns for owners,
     * waiting up to {@code timeout} for a transaction's receipt.
     */
    public RpcAnchorContract(URI rpc, Function<Address, Optional<PrivateKey>> keys, Duration timeout) {
        this.rpc = Objects.requireNonNull(rpc, "rpc");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * Anchors {@code version} unless it is anchored already with the same root (then returns that
     * receipt).
     *
     * @throws AnchorRejectedException if there is no key for {@code owner}, the version is anchored
     *     with another root, another account owns the datanet on chain, the node refuses the
     *     transaction (its message, e.g. "insufficient funds for gas * price + value"), it reverts, or
     *     no receipt comes within the timeout
     * @throws UncheckedIOException if the node cannot be reached
     */
    @Override
    public synchronized AnchorReceipt anchor(DatanetVersionRef version, Address owner) {
        PrivateKey key =
                keys.apply(owner).orElseThrow(() -> new AnchorRejectedException("no signing key for owner " + owner));
        Optional<AnchorReceipt> existing =
                ChainAnchorContract.sameAnchor(lookup(version.datanet(), version.version()), version);
        if (existing.isPresent()) {
            return existing.get();
        }
        Address registered = Address.of(call(Abi.encodeCall(
                        "ownerOf(bytes32)",
                        List.of(new AbiValue.FixedBytes(
                                ChainAnchorContract.chainId(version.datanet()).bytes()))))
                .slice(12));
        if (!registered.equals(Address.ZERO) && !registered.equals(owner)) {
            throw new AnchorRejectedException(
                    "datanet " + version.datanet() + " is owned on chain by " + registered + ", not " + owner);
        }
        long chainId = quantity(request("eth_chainId")).longValueExact();
        long nonce = quantity(request("eth_getTransactionCount", owner.toHex(), "pending"))
                .longValueExact();
        JsonNode latest = request("eth_getBlockByNumber", "latest", false);
        Amount baseFee = Amount.of(quantity(latest.get("baseFeePerGas")));
        Bytes raw = ChainAnchorContract.anchorTransaction(version, chainId, nonce, baseFee, key);
        Hash tx;
        try {
            tx = Hash.fromHex(request("eth_sendRawTransaction", raw.toHex()).asText());
        } catch (RpcException e) {
            throw new AnchorRejectedException("anchor transaction refused: " + e.getMessage());
        }
        JsonNode receipt = awaitReceipt(tx);
        if (quantity(receipt.get("status")).signum() == 0) {
            throw new AnchorRejectedException("anchor transaction " + tx + " reverted");
        }
        return new AnchorReceipt(
                version, owner, blockTime(receipt.get("blockNumber").asText()), "l2:" + tx, tx);
    }

    /**
     * The receipt of version {@code version} of {@code datanet} if it is anchored.
     *
     * @throws UncheckedIOException if the node cannot be reached
     */
    @Override
    public Optional<AnchorReceipt> lookup(DatanetId datanet, long version) {
        List<AbiValue> args = ChainAnchorContract.versionArgs(datanet, version);
        Hash root = Hash.of(call(Abi.encodeCall("rootOf(bytes32,uint64)", args)));
        if (root.equals(Hash.ZERO)) {
            return Optional.empty();
        }
        long block = Amount.fromBytes32(call(Abi.encodeCall("anchoredAt(bytes32,uint64)", args)))
                .longValueExact();
        String at = "0x" + Long.toHexString(block);
        ObjectNode filter = JSON.createObjectNode()
                .put("address", SystemAddresses.DATANET_REGISTRY.toHex())
                .put("fromBlock", at)
                .put("toBlock", at);
        ArrayNode topics = filter.putArray("topics");
        topics.add(ChainAnchorContract.ANCHORED_TOPIC.toString());
        topics.add(ChainAnchorContract.chainId(datanet).toString());
        topics.add(Hash.of(Amount.of(version).toBytes32()).toString());
        for (JsonNode log : request("eth_getLogs", filter)) {
            Hash tx = Hash.fromHex(log.get("transactionHash").asText());
            Address owner =
                    Address.of(Bytes.fromHex(log.get("topics").get(3).asText()).slice(12));
            return Optional.of(new AnchorReceipt(
                    new DatanetVersionRef(datanet, version, root), owner, blockTime(at), "l2:" + tx, tx));
        }
        return Optional.empty();
    }

    private JsonNode awaitReceipt(Hash tx) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode r = request("eth_getTransactionReceipt", tx.toString());
            if (!r.isNull()) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                throw new AnchorRejectedException(
                        "anchor transaction " + tx + " has no receipt after " + timeout + "; it may still be included");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AnchorRejectedException("interrupted while waiting for anchor transaction " + tx);
            }
        }
    }

    private Instant blockTime(String blockNumber) {
        JsonNode block = request("eth_getBlockByNumber", blockNumber, false);
        return Instant.ofEpochSecond(quantity(block.get("timestamp")).longValueExact());
    }

    // eth_call of the registry at the latest block
    private Bytes call(Bytes data) {
        ObjectNode tx = JSON.createObjectNode()
                .put("to", SystemAddresses.DATANET_REGISTRY.toHex())
                .put("data", data.toHex());
        Bytes out = Bytes.fromHex(request("eth_call", tx, "latest").asText());
        if (out.size() != 32) {
            throw failure("the node at " + rpc + " has no OpenLedger DatanetRegistry at "
                    + SystemAddresses.DATANET_REGISTRY + " (a registry view returned " + out.size() + " bytes)");
        }
        return out;
    }

    private static UncheckedIOException failure(String message) {
        return new UncheckedIOException(message, new IOException(message));
    }

    private static BigInteger quantity(JsonNode hex) {
        String s = hex.asText();
        if (!s.startsWith("0x")) {
            throw failure("not a JSON-RPC quantity: " + hex);
        }
        return new BigInteger(s.substring(2), 16);
    }

    /** One JSON-RPC 2.0 call; an error object becomes an {@link RpcException} with its code and message. */
    private JsonNode request(String method, Object... params) {
        ObjectNode body = JSON.createObjectNode()
                .put("jsonrpc", "2.0")
                .put("method", method)
                .put("id", nextId.incrementAndGet());
        ArrayNode ps = body.putArray("params");
        for (Object p : params) {
            ps.add(JSON.valueToTree(p));
        }
        HttpResponse<String> response;
        try {
            response = http.send(
                    HttpRequest.newBuilder(rpc)
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the L2 node at " + rpc + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted calling " + method + " on " + rpc);
        }
        JsonNode reply;
        try {
            reply = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "the node at " + rpc + " answered " + method + " with HTTP " + response.statusCode()
                            + " and no JSON-RPC reply",
                    e);
        }
        JsonNode error = reply.get("error");
        if (error != null && !error.isNull()) {
            throw new RpcException(
                    error.path("code").asInt(), error.path("message").asText());
        }
        return reply.path("result");
    }
}
