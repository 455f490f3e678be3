package io.openledger.chain.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.ManualClock;
import io.openledger.core.crypto.PrivateKey;
import io.openledger.token.Allocation;
import io.openledger.token.Genesis;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The genesis vesting buckets are escrowed in the L2 ledger and released by the token module's
 * Vesting at block time: nothing is paid before the cliff, the linear part afterwards, and the native
 * total supply never changes.
 */
class VestingTest {
    private static final long CHAIN = 31337;
    private static final Instant TGE = Instant.parse("2025-09-08T00:00:00Z");

    private static Amount view(L2Node node, String fn, String bucket) {
        return Amount.fromBytes32(node.call(
                Address.ZERO,
                SystemAddresses.VESTING,
                Abi.encodeCall(fn + "(string)", List.of(new AbiValue.Text(bucket)))));
    }

    @Test
    void bucketsVestFromTheLedgerEscrowAtBlockTime() {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-08T00:00:00Z")); // six months after TGE
        Genesis genesis = Genesis.openDefaults(TGE);
        try (L2Node node =
                L2Node.builder().dev(true).clock(clock).genesis(genesis, TGE).build()) {
            Amount vesting = genesis.allocations().stream()
                    .filter(a -> a.vesting() != null)
                    .map(Allocation::amount)
                    .reduce(Amount.ZERO, Amount::add);
            assertThat(node.ledgerHoldings(0)).isEqualTo(vesting);
            assertThat(node.balanceAt(SystemAddresses.TOKEN_LEDGER, 0)).isEqualTo(vesting);
            Allocation community = genesis.allocation("community");
            Allocation team = genesis.allocation("team");
            assertThat(node.balance(community.beneficiary())).isEqualTo(Amount.ZERO);

            PrivateKey anyone = node.devKeys().get(7);
            for (String bucket : List.of("community", "team", "liquidity")) {
                node.submit(Txs.call(
                        CHAIN,
                        anyone,
                        node.pendingNonce(anyone.address()),
                        SystemAddresses.VESTING,
                        Amount.ZERO,
                        Abi.encodeCall("release(string)", List.of(new AbiValue.Text(bucket))),
                        400_000));
            }
            L2Block b = node.seal();
            assertThat(b.receipts()).allMatch(io.openledger.chain.block.Receipt::success);
            Instant at = Instant.ofEpochSecond(b.header().timestamp());
            Amount vested = community.vesting().vested(community.amount(), at);
            assertThat(vested).isGreaterThan(Amount.ZERO).isLessThan(community.amount());
            assertThat(node.balance(community.beneficiary())).isEqualTo(vested);
            assertThat(node.balance(team.beneficiary())).isEqualTo(Amount.ZERO); // 12-month cliff
            assertThat(view(node, "released", "community")).isEqualTo(vested);
            assertThat(view(node, "released", "team")).isEqualTo(Amount.ZERO);
            assertThat(node.ledgerHoldings(b.number()))
                    .isEqualTo(vesting.sub(vested))
                    .isEqualTo(node.balanceAt(SystemAddresses.TOKEN_LEDGER, b.number()));
            assertThat(node.totalBalance(b.number())).isEqualTo(node.genesisSupply());
            assertThat(node.genesisSupply()).isEqualTo(io.openledger.token.OpenToken.TOTAL_SUPPLY);
            assertThatThrownBy(() -> view(node, "vested", "nope")).hasMessageContaining("no allocation named 'nope'");
        }
    }
}
