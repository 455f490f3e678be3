package io.openledger.chain.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.contract.AnchorReceipt;
import io.openledger.core.contract.AnchorRejectedException;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.crypto.PrivateKey;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Anchoring through a node's JSON-RPC endpoint, as a process other than the node does it: the same
 * semantics as {@link ChainAnchorContract} (which the test uses to read back what was anchored), the
 * node's own refusals passed on, and an unreachable node reported as such.
 */
class RpcAnchorContractTest {
    @Test
    void anchorsThroughJsonRpcWithCoreSemantics() {
        try (L2Node node = L2Node.builder().dev(true).rpcPort(0).build()) {
            URI rpc = URI.create(node.rpcUrl().orElseThrow());
            PrivateKey owner = node.devKeys().get(1);
            PrivateKey other = node.devKeys().get(2);
            PrivateKey unfunded = PrivateKey.random();
            RpcAnchorContract anchors = new RpcAnchorContract(
                    rpc,
                    a -> Optional.of(owner)
                            .filter(k -> k.address().equals(a))
                            .or(() -> Optional.of(other).filter(k -> k.address().equals(a)))
                            .or(() -> Optional.of(unfunded)
                                    .filter(k -> k.address().equals(a))),
                    Duration.ofSeconds(20));
            ChainAnchorContract inProcess = new ChainAnchorContract(node, a -> Optional.empty());
            DatanetId id = DatanetId.of("legal-qa");
            DatanetVersionRef v1 = new DatanetVersionRef(id, 1, Hash.fromHex("0x" + "11".repeat(32)));

            AnchorReceipt r = anchors.anchor(v1, owner.address());
            assertThat(r.owner()).isEqualTo(owner.address());
            assertThat(r.location()).isEqualTo("l2:" + r.reference());
            assertThat(node.locate(r.reference())).isPresent();
            // the node, read in-process, holds exactly what was sent over JSON-RPC
            assertThat(inProcess.lookup(id, 1)).contains(r);
            assertThat(anchors.lookup(id, 1)).contains(r);
            long head = node.head().number();
            assertThat(anchors.anchor(v1, owner.address()))
                    .as("the same root again is a no-op")
                    .isEqualTo(r);
            assertThat(node.head().number()).isEqualTo(head);

            assertThatThrownBy(() -> anchors.anchor(
                            new DatanetVersionRef(id, 1, Hash.fromHex("0x" + "22".repeat(32))), owner.address()))
                    .isInstanceOf(AnchorRejectedException.class)
                    .hasMessageContaining("already anchored");
            assertThatThrownBy(() -> anchors.anchor(
                            new DatanetVersionRef(id, 2, Hash.fromHex("0x" + "33".repeat(32))), other.address()))
                    .isInstanceOf(AnchorRejectedException.class)
                    .hasMessageContaining("owned on chain by " + owner.address());
            assertThatThrownBy(() -> anchors.anchor(
                            new DatanetVersionRef(DatanetId.of("fresh"), 1, Hash.fromHex("0x" + "44".repeat(32))),
                            unfunded.address()))
                    .isInstanceOf(AnchorRejectedException.class)
                    .hasMessageContaining("insufficient funds");
            assertThat(anchors.lookup(id, 2)).isEmpty();
            assertThat(anchors.lookup(DatanetId.of("fresh"), 1)).isEmpty();

            DatanetVersionRef v2 = new DatanetVersionRef(id, 2, Hash.fromHex("0x" + "55".repeat(32)));
            assertThat(anchors.anchor(v2, owner.address()).version()).isEqualTo(v2);
            assertThat(inProcess.lookup(id, 2).orElseThrow().version()).isEqualTo(v2);
            assertThatThrownBy(() -> new RpcAnchorContract(rpc, a -> Optional.empty(), Duration.ofSeconds(1))
                            .anchor(v1, owner.address()))
                    .hasMessageContaining("no signing key");
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
}
