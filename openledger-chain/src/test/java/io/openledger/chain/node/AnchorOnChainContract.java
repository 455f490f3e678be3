package io.openledger.chain.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Address;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.contract.AnchorContract;
import io.openledger.core.contract.AnchorReceipt;
import io.openledger.core.contract.AnchorRejectedException;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.crypto.PrivateKey;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What every anchor contract on the L2 must do, run against a dev node: anchor through the
 * registry, read it back (also through {@link ChainAnchorContract} in-process, the reference),
 * treat the same root again as a no-op, and refuse another root, another owner and a missing key.
 * Subclasses say how their implementation reaches the node.
 */
abstract class AnchorOnChainContract {
    /** The implementation under test on {@code node}, signing with {@code keys}. */
    abstract AnchorContract anchors(L2Node node, Function<Address, Optional<PrivateKey>> keys);

    /** A builder for the dev node the test runs on. */
    L2Node.Builder node() {
        return L2Node.builder().dev(true);
    }

    @Test
    void anchorsOnChainWithCoreSemantics() {
        try (L2Node node = node().build()) {
            PrivateKey owner = node.devKeys().get(1);
            PrivateKey other = node.devKeys().get(2);
            AnchorContract anchors = anchors(node, a -> node.devKeys().stream()
                    .filter(k -> k.address().equals(a))
                    .findFirst());
            ChainAnchorContract reference = new ChainAnchorContract(node, a -> Optional.empty());
            DatanetId id = DatanetId.of("legal-qa");
            DatanetVersionRef v1 = new DatanetVersionRef(id, 1, Hash.fromHex("0x" + "11".repeat(32)));

            AnchorReceipt r = anchors.anchor(v1, owner.address());
            assertThat(r.owner()).isEqualTo(owner.address());
            assertThat(r.location()).isEqualTo("l2:" + r.reference());
            assertThat(node.locate(r.reference())).isPresent();
            assertThat(anchors.lookup(id, 1)).contains(r);
            assertThat(reference.lookup(id, 1)).contains(r);
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
                    .hasMessageContaining("owned")
                    .hasMessageContaining(owner.address().toString());
            assertThat(anchors.lookup(id, 2)).isEmpty();
            DatanetVersionRef v2 = new DatanetVersionRef(id, 2, Hash.fromHex("0x" + "55".repeat(32)));
            assertThat(anchors.anchor(v2, owner.address()).version()).isEqualTo(v2);
            assertThat(reference.lookup(id, 2).orElseThrow().version()).isEqualTo(v2);
            assertThatThrownBy(() -> anchors(node, a -> Optional.empty()).anchor(v1, owner.address()))
                    .hasMessageContaining("no signing key");
        }
    }
}
