package io.openledger.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.ManualClock;
import io.openledger.core.crypto.PrivateKey;
import org.junit.jupiter.api.Test;

class InMemoryAnchorContractTest {
    @Test
    void anchorsAreIdempotentAndOwned() {
        var contract = new InMemoryAnchorContract(new ManualClock());
        var owner = PrivateKey.random().address();
        var intruder = PrivateKey.random().address();
        var v1 = new DatanetVersionRef(DatanetId.of("dn"), 1, Hash.fromHex("11".repeat(32)));
        AnchorReceipt r = contract.anchor(v1, owner);
        assertThat(contract.anchor(v1, owner)).isEqualTo(r);
        assertThat(contract.lookup(DatanetId.of("dn"), 1)).contains(r);
        assertThat(contract.lookup(DatanetId.of("dn"), 2)).isEmpty();
        assertThatThrownBy(() -> contract.anchor(new DatanetVersionRef(DatanetId.of("dn"), 1, Hash.ZERO), owner))
                .isInstanceOf(AnchorRejectedException.class)
                .hasMessageContaining("already anchored");
        assertThatThrownBy(() -> contract.anchor(new DatanetVersionRef(DatanetId.of("dn"), 2, Hash.ZERO), intruder))
                .isInstanceOf(AnchorRejectedException.class)
                .hasMessageContaining("owned by");
    }
}
