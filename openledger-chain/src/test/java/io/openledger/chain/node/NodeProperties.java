package io.openledger.chain.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.crypto.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Against a simple model (genesis supply plus minted deposits): after every block the sum of all
 * balances, fee vaults, contract-held OPEN and the token ledger's native escrow included (nothing is
 * burned on this L2), equals the supply, and the escrow equals what the L2 ledger's books hold; and
 * replaying the sealed blocks (staking, delegation, rewards and claims included) on a fresh genesis
 * gives the same state roots.
 */
class NodeProperties {
    private static final long CHAIN = 31337;

    /**
     * kind 0 transfer, 1 settlement, 2 deposit, 3 withdrawal, 4 stake, 5 failing call, 6 seal, 7 unbond,
     * 8 claim, 9 delegate, 10 withdraw unbonded stake.
     */
    record Action(int kind, int from, int to, long amount) {}

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Action> a = Arbitraries.integers().between(0, 10).flatMap(k -> Arbitraries.integers()
                .between(0, 9)
                .tuple3()
                .map(t -> Tuple.of(t.get1(), t.get2(), t.get3()))
                .flatMap(t -> Arbitraries.longs()
                        .between(0, 3_000_000_000_000_000_000L)
                        .map(v -> new Action(k, t.get1(), t.get2(), v))));
        return a.list().ofMinSize(1).ofMaxSize(40);
    }

    private static Bytes staking(PrivateKey from, long nonce, Bytes data) {
        return Txs.call(CHAIN, from, nonce, SystemAddresses.STAKING, Amount.ZERO, data, 600_000);
    }

    private static void checkSupply(L2Node node, L2Block b, Amount minted) {
        assertThat(node.totalBalance(b.number())).isEqualTo(node.genesisSupply().add(minted));
        assertThat(node.ledgerHoldings(b.number())).isEqualTo(node.balanceAt(SystemAddresses.TOKEN_LEDGER, b.number()));
    }

    @Property(tries = 12)
    void balancesAreConservedAndReplayIsDeterministic(@ForAll("actions") List<Action> actions) {
        L2Node.Builder cfg = L2Node.builder().dev(true);
        try (L2Node node = cfg.build()) {
            List<PrivateKey> keys = node.devKeys();
            long[] nonces = new long[20];
            Amount minted = Amount.ZERO;
            node.submit(Txs.call(
                    CHAIN,
                    keys.get(0),
                    nonces[0]++,
                    SystemAddresses.MODEL_REGISTRY,
                    Amount.ZERO,
                    Txs.registerModel("m", Hash.ZERO, List.of()),
                    300_000));
            // one staker from the start, so settlements pay rewards through the ledger in every try
            node.submit(Txs.call(
                    CHAIN,
                    keys.get(1),
                    nonces[1]++,
                    SystemAddresses.STAKING,
                    Amount.tokens(5),
                    Abi.encodeCall("stake()", List.of()),
                    300_000));
            node.submit(staking(
                    keys.get(1),
                    nonces[1]++,
                    Abi.encodeCall(
                            "delegate(address)",
                            List.of(new AbiValue.AddressValue(keys.get(1).address())))));
            List<L2Block> blocks = new ArrayList<>();
            blocks.add(node.seal());
            assertThat(blocks.getFirst().receipts()).allMatch(io.openledger.chain.block.Receipt::success);
            int step = 0;
            for (Action a : actions) {
                step++;
                PrivateKey from = keys.get(a.from());
                Address to = keys.get(10 + a.to()).address();
                Amount value = Amount.of(a.amount());
                switch (a.kind()) {
                    case 0 -> node.submit(Txs.transfer(CHAIN, from, nonces[a.from()]++, to, value));
                    case 1 ->
                        node.submit(Txs.call(
                                CHAIN,
                                from,
                                nonces[a.from()]++,
                                SystemAddresses.INFERENCE_SETTLEMENT,
                                Amount.ONE_TOKEN,
                                Txs.settle(
                                        Hashing.keccak256(Bytes.utf8("r" + (step % 5))),
                                        1,
                                        a.amount() % 5000,
                                        a.to() * 100L,
                                        List.of(to),
                                        List.of(1_000_000_000_000_000_000L)),
                                500_000));
                    case 2 -> {
                        node.deposit(new DepositTransaction(
                                Hashing.keccak256(Bytes.utf8("dep" + step)),
                                to,
                                Optional.of(keys.get(a.from()).address()),
                                value,
                                value.add(Amount.ONE),
                                100_000,
                                false,
                                Bytes.EMPTY));
                        minted = minted.add(value);
                    }
                    case 3 ->
                        node.submit(Txs.call(
                                CHAIN,
                                from,
                                nonces[a.from()]++,
                                SystemAddresses.L2_TO_L1_MESSAGE_PASSER,
                                value,
                                Abi.encodeCall(
                                        "initiateWithdrawal(address,uint256,bytes)",
                                        List.of(
                                                new AbiValue.AddressValue(to),
                                                AbiValue.Uint.of(100_000),
                                                new AbiValue.DynamicBytes(Bytes.EMPTY))),
                                200_000));
                    case 4 ->
                        node.submit(Txs.call(
                                CHAIN,
                                from,
                                nonces[a.from()]++,
                                SystemAddresses.STAKING,
                                value.add(Amount.ONE),
                                Abi.encodeCall("stake()", List.of()),
                                200_000));
                    case 5 ->
                        node.submit(Txs.call(
                                CHAIN,
                                from,
                                nonces[a.from()]++,
                                SystemAddresses.MODEL_REGISTRY,
                                value,
                                Bytes.fromHex("0xdeadbeef"),
                                100_000));
                    case 7 ->
                        node.submit(Txs.call(
                                CHAIN,
                                from,
                                nonces[a.from()]++,
                                SystemAddresses.STAKING,
                                Amount.ZERO,
                                Abi.encodeCall("unbond(uint256)", List.of(AbiValue.Uint.of(a.amount() / 2 + 1))),
                                300_000));
                    case 8 -> node.submit(staking(from, nonces[a.from()]++, Abi.encodeCall("claim()", List.of())));
                    case 9 ->
                        node.submit(staking(
                                from,
                                nonces[a.from()]++,
                                Abi.encodeCall(
                                        "delegate(address)",
                                        List.of(new AbiValue.AddressValue(
                                                keys.get(a.to() % 10).address())))));
                    case 10 -> node.submit(staking(from, nonces[a.from()]++, Abi.encodeCall("withdraw()", List.of())));
                    default -> {
                        L2Block b = node.seal();
                        blocks.add(b);
                        checkSupply(node, b, minted);
                    }
                }
            }
            L2Block last = node.seal();
            blocks.add(last);
            assertThat(node.pendingCount()).isZero();
            checkSupply(node, last, minted);
            long stakingOk = blocks.stream()
                    .mapToLong(b -> java.util.stream.IntStream.range(
                                    0, b.transactions().size())
                            .filter(i -> b.receipts().get(i).success()
                                    && b.transactions().get(i).to().equals(Optional.of(SystemAddresses.STAKING)))
                            .count())
                    .sum();
            net.jqwik.api.statistics.Statistics.label("successful staking calls")
                    .collect(stakingOk == 0 ? "none" : stakingOk < 5 ? "1-4" : "5+");
            assertThat(L2Node.replay(cfg, blocks))
                    .containsExactlyElementsOf(
                            blocks.stream().map(b -> b.header().stateRoot()).toList());
        }
    }
}
