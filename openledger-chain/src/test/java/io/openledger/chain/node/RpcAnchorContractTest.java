package io.openledger.chain.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Address;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.contract.AnchorContract;
import io.openledger.core.contract.AnchorRejectedException;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.crypto.PrivateKey;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Anchoring through a node's JSON-RPC endpoint, as a process other than the node does it: the shared
 * semantics, the node's own refusals passed on, and an unreachable node reported as such.
 */
class RpcAnchorContractTest extends AnchorOnChainContract {
    @Override
    AnchorContract anchors(L2Node node, Function<Address, Optional<PrivateKey>> keys) {
        return new RpcAnchorContract(URI.create(node.rpcUrl().orElseThrow()), keys, Duration.ofSeconds(20));
    }

    @Override
    L2Node.Builder node() {
        return super.node().rpcPort(0);
    }

    @Test
    void theNodesRefusalsArePassedOn() {
        try (L2Node node = node().build()) {
            PrivateKey unfunded = PrivateKey.random();
            AnchorContract anchors = anchors(
                    node, a -> Optional.of(unfunded).filter(k -> k.address().equals(a)));
            assertThatThrownBy(() -> anchors.anchor(
                            new DatanetVersionRef(DatanetId.of("fresh"), 1, Hash.fromHex("0x" + "44".repeat(32))),
                            unfunded.address()))
                    .isInstanceOf(AnchorRejectedException.class)
                    .hasMessageContaining("insufficient funds");
            assertThat(anchors.lookup(DatanetId.of("fresh"), 1)).isEmpty();
        }
    }

    @Test
    void anUnreachableNodeIsReportedWithItsAddress() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        URI rpc = URI.create("http://127.0.0.1:" + port);
        RpcAnchorContract anchors = new RpcAnchorContract(rpc, a -> Optional.empty(), Duration.ofSeconds(1));
        assertThatThrownBy(() -> anchors.lookup(DatanetId.of("x"), 1))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot reach the L2 node at " + rpc);
    }

    @Test
    void aNodeWithoutTheRegistryIsNamedAsSuch() throws Exception {
        // an Ethereum node without OpenLedger's system contracts: every eth_call returns no data
        com.sun.net.httpserver.HttpServer plain =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        plain.createContext("/", exchange -> {
            byte[] body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x\"}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        plain.start();
        try {
            URI rpc = URI.create("http://127.0.0.1:" + plain.getAddress().getPort());
            assertThatThrownBy(() -> new RpcAnchorContract(rpc, a -> Optional.empty(), Duration.ofSeconds(1))
                            .lookup(DatanetId.of("x"), 1))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("has no OpenLedger DatanetRegistry");
        } finally {
            plain.stop(0);
        }
    }
}
