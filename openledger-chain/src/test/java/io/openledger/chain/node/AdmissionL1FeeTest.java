package io.openledger.chain.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.crypto.PrivateKey;
import org.junit.jupiter.api.Test;

/**
 * Admission counts the L1 data fee (Fjord), as execution charges it up front: a sender who can pay
 * gas × fee cap + value but not the L1 fee as well is refused with Ethereum's wording instead of being
 * dropped at sealing without a receipt.
 */
class AdmissionL1FeeTest {
    private static final long CHAIN = 31337;

    @Test
    void aSenderWhoCannotPayTheL1FeeIsRefusedAtAdmission() {
        try (L2Node node = L2Node.builder()
                .dev(true)
                .blockTime(java.time.Duration.ofHours(1))
                .build()) {
            PrivateKey rich = node.devKeys().get(0);
            PrivateKey poor = PrivateKey.fromHex("0x" + "11".repeat(32));
            PrivateKey enough = PrivateKey.fromHex("0x" + "22".repeat(32));
            Amount gasOnly = Amount.of(21_000).mul(Txs.GWEI.mul(10)); // gas limit × max fee of Txs.transfer
            node.submit(Txs.transfer(CHAIN, rich, 0, poor.address(), gasOnly));
            node.submit(Txs.transfer(CHAIN, rich, 1, enough.address(), gasOnly.add(Amount.tokens(1))));
            node.seal(); // also writes the L1 block info the L1 fee is computed from

            Bytes tx = Txs.transfer(CHAIN, poor, 0, rich.address(), Amount.ZERO);
            assertThatThrownBy(() -> node.submit(tx))
                    .isInstanceOf(RpcException.class)
                    .hasMessageStartingWith("insufficient funds for gas * price + value")
                    .hasMessageContaining("have " + gasOnly.toBigInteger());
            assertThat(node.pendingCount()).isZero();

            node.submit(Txs.transfer(CHAIN, enough, 0, rich.address(), Amount.ZERO));
            L2Block b = node.seal();
            assertThat(b.transactions()).hasSize(2);
            assertThat(b.receipts().get(1).success()).isTrue();
            assertThat(b.l1Fees().get(1)).isGreaterThan(Amount.ZERO);
        }
    }
}
