package io.openledger.chain.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.contract.AnchorReceipt;
import io.openledger.core.contract.AnchorRejectedException;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.crypto.PrivateKey;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChainAnchorContractTest {
    @Test
    void anchorsOnChainWithCoreSemantics() {
        try (L2Node node = L2Node.builder().dev(true).build()) {
            PrivateKey owner = node.devKeys().get(1);
            PrivateKey other = node.devKeys().get(2);
            ChainAnchorContract anchors = new ChainAnchorContract(node, a -> node.devKeys().stream()
                    .filter(k -> k.address().equals(a))
                    .findFirst());
            DatanetId id = DatanetId.of("legal-qa");
            DatanetVersionRef v1 = new DatanetVersionRef(id, 1, Hash.fromHex("0x" + "11".repeat(32)));
            AnchorReceipt r = anchors.anchor(v1, owner.address());
            assertThat(r.owner()).isEqualTo(owner.address());
            assertThat(r.location()).startsWith("l2:0x");
            assertThat(node.locate(r.reference())).isPresent();
            assertThat(anchors.lookup(id, 1)).contains(r);
            assertThat(anchors.anchor(v1, owner.address()))
                    .as("same root again is a no-op")
                    .isEqualTo(r);
            long head = node.head().number();
            assertThatThrownBy(() -> anchors.anchor(
                            new DatanetVersionRef(id, 1, Hash.fromHex("0x" + "22".repeat(32))), owner.address()))
                    .isInstanceOf(AnchorRejectedException.class)
                    .hasMessageContaining("already anchored");
            assertThatThrownBy(() -> anchors.anchor(
                            new DatanetVersionRef(id, 2, Hash.fromHex("0x" + "33".repeat(32))), other.address()))
                    .isInstanceOf(AnchorRejectedException.class)
                    .hasMessageContaining("is owned by " + owner.address());
            assertThat(anchors.lookup(id, 2)).isEmpty();
            assertThat(node.head().number()).isGreaterThan(head);
            assertThatThrownBy(() -> new ChainAnchorContract(node, a -> Optional.empty()).anchor(v1, owner.address()))
                    .hasMessageContaining("no signing key");
        }
    }
}
