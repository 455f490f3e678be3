package io.openledger.chain.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.trie.MerklePatriciaTrie;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.crypto.PrivateKey;
import io.openledger.token.InferenceSettlement;
import io.openledger.token.OpenToken;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class L2NodeTest {
    private static final long CHAIN = 31337;

    @Test
    void devAccountsMatchHardhat() {
        List<PrivateKey> keys = DevAccounts.standard(20);
        // Hardhat / Anvil account #0 and #19 (toolchain.md; Hardhat docs)
        assertThat(keys.get(0).secret().toHex())
                .isEqualTo("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
        assertThat(keys.get(0).address()).isEqualTo(Address.fromHex("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"));
        assertThat(keys.get(1).address()).isEqualTo(Address.fromHex("0x70997970c51812dc3a010c7d01b50e0d17dc79c8"));
        assertThat(keys.get(19).address()).isEqualTo(Address.fromHex("0x8626f6940e2eb28930efb4cef49b2d1f2c9c1199"));
    }

    @Test
    void genesisHoldsTheTokenSupplyAndDevFunds() {
        try (L2Node node = L2Node.builder().dev(true).build()) {
            assertThat(node.genesisSupply()).isEqualTo(OpenToken.TOTAL_SUPPLY);
            assertThat(node.totalBalance(0)).isEqualTo(OpenToken.TOTAL_SUPPLY);
            assertThat(node.balance(node.devKeys().get(5).address())).isEqualTo(Amount.tokens(10_000));
        }
    }

    @Test
    void transferPaysFeesToVaults() {
        try (L2Node node = L2Node.builder().dev(true).build()) {
            PrivateKey a = node.devKeys().get(0);
            Address b = node.devKeys().get(1).address();
            Amount before = node.balance(a.address());
            Hash h = node.submit(Txs.transfer(CHAIN, a, 0, b, Amount.tokens(3)));
            L2Block block = node.seal();
            assertThat(block.transactions()).hasSize(2);
            assertThat(block.transactions().get(0)).isInstanceOf(DepositTransaction.class); // L1-info first
            assertThat(block.transactions().get(1).hash()).isEqualTo(h);
            Receipt r = block.receipts().get(1);
            assertThat(r.success()).isTrue();
            assertThat(block.gasUsed(1)).isEqualTo(21_000);
            Amount baseFee = block.header().baseFeePerGas().orElseThrow();
            Amount l1Fee = block.l1Fees().get(1);
            assertThat(l1Fee.isZero()).isFalse();
            Amount paid = Amount.of(21_000).mul(baseFee.add(Txs.GWEI)).add(l1Fee);
            assertThat(node.balance(a.address()))
                    .isEqualTo(before.sub(Amount.tokens(3)).sub(paid));
            assertThat(node.balance(b)).isEqualTo(Amount.tokens(10_003));
            assertThat(node.balance(SystemAddresses.BASE_FEE_VAULT))
                    .isEqualTo(Amount.of(21_000).mul(baseFee));
            assertThat(node.balance(SystemAddresses.SEQUENCER_FEE_VAULT))
                    .isEqualTo(Amount.of(21_000).mul(Txs.GWEI));
            assertThat(node.balance(SystemAddresses.L1_FEE_VAULT)).isEqualTo(l1Fee);
            assertThat(node.totalBalance(1)).isEqualTo(OpenToken.TOTAL_SUPPLY);
            assertThat(node.balanceAt(b, 0)).isEqualTo(Amount.tokens(10_000)); // history
            assertThat(node.locate(h)).isPresent();
        }
    }

    @Test
    void rejectsWithEthereumMessages() {
        try (L2Node node = L2Node.builder().dev(true).build()) {
            PrivateKey a = node.devKeys().get(0);
            Address b = node.devKeys().get(1).address();
            node.submit(Txs.transfer(CHAIN, a, 0, b, Amount.ONE));
            assertThatThrownBy(() -> node.submit(Txs.call(CHAIN, a, 0, b, Amount.of(2), Bytes.EMPTY, 21_000)))
                    .hasMessage("replacement transaction underpriced");
            node.seal();
            assertThatThrownBy(() -> node.submit(Txs.transfer(CHAIN, a, 0, b, Amount.ONE)))
                    .hasMessageStartingWith("nonce too low");
            assertThatThrownBy(() -> node.submit(Txs.transfer(CHAIN, a, 1, b, Amount.tokens(20_000))))
                    .hasMessageStartingWith("insufficient funds for gas * price + value");
            assertThatThrownBy(() -> node.submit(Txs.transfer(1, a, 1, b, Amount.ONE)))
                    .hasMessage("invalid chain id");
            PrivateKey poor = PrivateKey.random();
            assertThatThrownBy(() -> node.submit(Txs.transfer(CHAIN, poor, 0, b, Amount.ONE)))
                    .isInstanceOf(RpcException.class)
                    .hasMessageStartingWith("insufficient funds");
        }
    }

    @Test
    void registryAnchorSettlementAndWithdrawal() {
        try (L2Node node = L2Node.builder().dev(true).build()) {
            PrivateKey dev = node.devKeys().get(0);
            PrivateKey curator = node.devKeys().get(1);
            PrivateKey user = node.devKeys().get(2);
            Address c1 = node.devKeys().get(3).address();
            Address c2 = node.devKeys().get(4).address();
            Hash datanet = Hashing.keccak256(Bytes.utf8("legal-qa"));
            Hash root = Hashing.keccak256(Bytes.utf8("root-v1"));
            node.submit(Txs.call(
                    CHAIN,
                    curator,
                    0,
                    SystemAddresses.DATANET_REGISTRY,
                    Amount.ZERO,
                    Txs.anchor(datanet, 1, root),
                    200_000));
            node.submit(Txs.call(
                    CHAIN,
                    dev,
                    0,
                    SystemAddresses.MODEL_REGISTRY,
                    Amount.ZERO,
                    Txs.registerModel("ipfs://m", Hash.ZERO, List.of(root)),
                    300_000));
            L2Block b1 = node.seal();
            assertThat(b1.receipts()).allMatch(Receipt::success);
            assertThat(b1.receipts().get(1).logs()).hasSize(1);
            // a second anchor of the same version by someone else is refused
            node.submit(Txs.call(
                    CHAIN,
                    dev,
                    1,
                    SystemAddresses.DATANET_REGISTRY,
                    Amount.ZERO,
                    Txs.anchor(datanet, 1, root),
                    200_000));
            L2Block b2 = node.seal();
            assertThat(b2.receipts().get(1).success()).isFalse();

            Amount fee = new io.openledger.token.TokenParameters().feeSchedule().fee(1000, 500);
            Hash request = Hashing.keccak256(Bytes.utf8("req-1"));
            Amount devBefore = node.balance(dev.address());
            Amount c1Before = node.balance(c1);
            Bytes settle = Txs.settle(
                    request,
                    1,
                    1000,
                    500,
                    List.of(c1, c2),
                    List.of(750_000_000_000_000_000L, 250_000_000_000_000_000L));
            node.submit(Txs.call(
                    CHAIN, user, 0, SystemAddresses.INFERENCE_SETTLEMENT, fee.add(Amount.ONE_TOKEN), settle, 500_000));
            node.submit(Txs.call(CHAIN, user, 1, SystemAddresses.INFERENCE_SETTLEMENT, fee, settle, 500_000));
            L2Block b3 = node.seal();
            assertThat(b3.receipts().get(1).success()).isTrue();
            assertThat(b3.receipts().get(2).success())
                    .as("settling the same request twice")
                    .isFalse();
            assertThat(node.balance(dev.address())).isGreaterThan(devBefore);
            assertThat(node.balance(c1)).isGreaterThan(c1Before);
            assertThat(node.balance(InferenceSettlement.defaultTreasury()).isZero())
                    .isFalse();
            assertThat(node.balance(SystemAddresses.INFERENCE_SETTLEMENT)).isEqualTo(Amount.ZERO); // excess refunded
            assertThat(node.totalBalance(b3.number())).isEqualTo(OpenToken.TOTAL_SUPPLY);

            Bytes withdraw = Abi.encodeCall(
                    "initiateWithdrawal(address,uint256,bytes)",
                    List.of(
                            new AbiValue.AddressValue(c1),
                            AbiValue.Uint.of(100_000),
                            new AbiValue.DynamicBytes(Bytes.EMPTY)));
            node.submit(Txs.call(
                    CHAIN, user, 2, SystemAddresses.L2_TO_L1_MESSAGE_PASSER, Amount.ONE_TOKEN, withdraw, 200_000));
            L2Block b4 = node.seal();
            assertThat(b4.receipts().get(1).success()).isTrue();
            Bytes data = b4.receipts().get(1).logs().getFirst().data();
            Hash withdrawalHash = Hash.of(data.slice(96, 128)); // 4th head word
            // the header's withdrawalsRoot is the message passer's storage root, and it proves sentMessages[hash]
            Hash storageRoot = b4.header().withdrawalsRoot().orElseThrow();
            assertThat(storageRoot).isNotEqualTo(MerklePatriciaTrie.EMPTY_ROOT);
            Hash slot = Hashing.keccak256(Bytes.concat(withdrawalHash.bytes(), Amount.ZERO.toBytes32()));
            assertThat(withdrawalHash)
                    .isEqualTo(Hashing.keccak256(Abi.encode(
                            new AbiValue.Uint(256, BigInteger.ONE.shiftLeft(240)),
                            new AbiValue.AddressValue(user.address()),
                            new AbiValue.AddressValue(c1),
                            new AbiValue.Uint(256, Amount.ONE_TOKEN.toBigInteger()),
                            AbiValue.Uint.of(100_000),
                            new AbiValue.DynamicBytes(Bytes.EMPTY))));
            assertThat(slot).isNotNull();
        }
    }

    @Test
    void depositMintsEvenWhenTheCallFails() {
        try (L2Node node = L2Node.builder().dev(true).build()) {
            Address who = Address.fromHex("0x00000000000000000000000000000000000000aa");
            node.deposit(new DepositTransaction(
                    Hashing.keccak256(Bytes.utf8("d1")),
                    who,
                    Optional.of(SystemAddresses.MODEL_REGISTRY),
                    Amount.tokens(5),
                    Amount.ONE,
                    100_000,
                    false,
                    Bytes.of((byte) 1)));
            L2Block b = node.seal();
            assertThat(b.receipts().get(1).success()).isFalse();
            assertThat(node.balance(who)).isEqualTo(Amount.tokens(5));
            assertThat(node.nonce(who)).isEqualTo(1);
            assertThat(node.totalBalance(1)).isEqualTo(OpenToken.TOTAL_SUPPLY.add(Amount.tokens(5)));
        }
    }

    @Test
    void contractCreationIsRejected() {
        try (L2Node node = L2Node.builder().dev(true).build()) {
            Bytes raw = new io.openledger.chain.tx.DynamicFeeTransaction(
                            CHAIN,
                            0,
                            Txs.GWEI,
                            Txs.GWEI.mul(10),
                            100_000,
                            Optional.empty(),
                            Amount.ZERO,
                            Bytes.of((byte) 0x60),
                            List.of(),
                            Optional.empty())
                    .sign(node.devKeys().get(0))
                    .encode();
            assertThatThrownBy(() -> node.submit(raw)).hasMessageContaining("contract creation is not supported");
        }
    }

    @Test
    void survivesRestart(@TempDir Path dir) {
        Hash tx;
        Hash root;
        try (L2Node node = L2Node.builder().dev(true).datadir(dir).build()) {
            tx = node.submit(Txs.transfer(
                    CHAIN, node.devKeys().get(0), 0, node.devKeys().get(1).address(), Amount.ONE));
            root = node.seal().header().stateRoot();
        }
        try (L2Node node = L2Node.builder().dev(true).datadir(dir).build()) {
            assertThat(node.head().number()).isEqualTo(1);
            assertThat(node.head().header().stateRoot()).isEqualTo(root);
            assertThat(node.locate(tx)).isPresent();
            assertThat(node.nonce(node.devKeys().get(0).address())).isEqualTo(1);
            node.submit(Txs.transfer(
                    CHAIN, node.devKeys().get(0), 1, node.devKeys().get(1).address(), Amount.ONE));
            assertThat(node.seal().number()).isEqualTo(2);
        }
    }

    @Test
    void replayGivesTheSameRoots() {
        L2Node.Builder cfg = L2Node.builder().dev(true);
        try (L2Node node = cfg.build()) {
            for (int i = 0; i < 3; i++) {
                node.submit(Txs.transfer(
                        CHAIN,
                        node.devKeys().get(0),
                        i,
                        node.devKeys().get(i + 1).address(),
                        Amount.ONE));
                node.seal();
            }
            List<L2Block> blocks = List.of(
                    node.block(1).orElseThrow(),
                    node.block(2).orElseThrow(),
                    node.block(3).orElseThrow());
            assertThat(L2Node.replay(cfg, blocks))
                    .containsExactlyElementsOf(
                            blocks.stream().map(b -> b.header().stateRoot()).toList());
        }
        assertThat(Map.of()).isEmpty();
    }
}
