package io.openledger.chain.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.block.Log;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.Transactions;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The OP Stack golden vectors of reference/l2-chain.md §1.3–1.6 (verified there against independent code). */
class OpVectorTest {
    /** OP Mainnet block 124665056, tx 0 (l2-chain.md §1.3). */
    static final String OP_MAINNET_L1_INFO =
            "7ef8f8a0683079df94aa5b9cf86687d739a60a9b4f0835e520ec4d664e2e415dca17a6df94deaddeaddeaddeaddeaddeaddeaddeaddead0001"
                    + "94420000000000000000000000000000000000001580808" + "30f424080b8a4"
                    + "440a5e200000146b000f79c500000000000000040000000066d052e700000000013ad8a3"
                    + "000000000000000000000000000000000000000000000000000000003ef12787"
                    + "0000000000000000000000000000000000000000000000000000000000000001"
                    + "2fdf87b89884a61e74b322bbcf60386f543bfae7827725efaaf0ab1de2294a59"
                    + "0000000000000000000000006887246668a3b87f54deb3b94ba47a6f63f32985";

    /** Base mainnet tx 0xc468b38a… (op-alloy test suite, l2-chain.md §1.3). */
    static final String BASE_L1_INFO =
            "7ef8f8a0417d134467f4737fcdf2475f0ecdd2a0ed6d87ecffc888ba9f60ee7e3b8ac26a94deaddeaddeaddeaddeaddeaddeaddeaddead0001"
                    + "9442000000000000000000000000000000000000158080830f424080b8a4440a5e20000008dd00101c1200000000000000040000000066c352bb"
                    + "000000000139c4f500000000000000000000000000000000000000000000000000000000c0cff146"
                    + "0000000000000000000000000000000000000000000000000000000000000001"
                    + "d4c88f4065ac9671e8b1329b90773e89b5ddff9cf8675b2b5e9c1b2832060993"
                    + "0000000000000000000000005050f69a9786f081509234f1a7f4684b5e5b76c9";

    @Test
    void opMainnetL1InfoDeposit() {
        Bytes raw = Bytes.fromHex(OP_MAINNET_L1_INFO);
        assertThat(raw.size()).isEqualTo(251);
        DepositTransaction tx = (DepositTransaction) Transactions.decode(raw);
        assertThat(tx.hash())
                .isEqualTo(Hash.fromHex("0x312e290cf36df704a2217b015d6455396830b0ce678b860ebfcc30f41403d7b1"));
        assertThat(tx.mint()).isEqualTo(Amount.ZERO);
        assertThat(tx.value()).isEqualTo(Amount.ZERO);
        assertThat(tx.gasLimit()).isEqualTo(1_000_000);
        assertThat(tx.isSystemTx()).isFalse();
        assertThat(tx.sender()).isEqualTo(L1BlockInfo.DEPOSITOR);
        assertThat(tx.to()).contains(L1BlockInfo.L1_BLOCK);

        L1BlockInfo info = L1BlockInfo.decode(tx.data());
        assertThat(info.format()).isEqualTo(L1InfoFormat.ECOTONE);
        assertThat(info.baseFeeScalar()).isEqualTo(5227);
        assertThat(info.blobBaseFeeScalar()).isEqualTo(1014213);
        assertThat(info.sequenceNumber()).isEqualTo(4);
        assertThat(info.timestamp()).isEqualTo(1724928743L);
        assertThat(info.number()).isEqualTo(20633763L);
        assertThat(info.baseFee()).isEqualTo(Amount.of(1055991687L));
        assertThat(info.blobBaseFee()).isEqualTo(Amount.ONE);
        assertThat(info.blockHash().toHex()).startsWith("0x2fdf87b8").endsWith("4a59");
        assertThat(info.batcher()).contains(Address.fromHex("0x6887246668a3b87f54deb3b94ba47a6f63f32985"));
        assertThat(tx.sourceHash()).isEqualTo(SourceHash.l1InfoDeposit(info.blockHash(), 4));
        // rebuilding the deposit from the decoded attributes gives the same bytes
        assertThat(info.encode()).isEqualTo(tx.data());
        assertThat(info.toDepositTransaction()).isEqualTo(tx);
        assertThat(info.toDepositTransaction().encode()).isEqualTo(raw);
    }

    @Test
    void baseMainnetL1InfoDeposit() {
        Bytes raw = Bytes.fromHex(BASE_L1_INFO);
        DepositTransaction tx = (DepositTransaction) Transactions.decode(raw);
        assertThat(tx.hash())
                .isEqualTo(Hash.fromHex("0xc468b38a20375922828c8126912740105125143b9856936085474b2590bbca91"));
        L1BlockInfo info = L1BlockInfo.decode(tx.data());
        assertThat(info.sequenceNumber()).isEqualTo(4);
        assertThat(info.number()).isEqualTo(20563189L);
        assertThat(tx.sourceHash()).isEqualTo(SourceHash.l1InfoDeposit(info.blockHash(), info.sequenceNumber()));
        assertThat(info.toDepositTransaction().encode()).isEqualTo(raw);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "user, 0x9ba3933dc6ce43c145349770a39c30f9b647f17668f004bd2e05c80a2e7262f7, 196, 0xd0868c8764d81f1749edb7dec4a550966963540d9fe50aefce8cdb38ea7b2213",
        "l1info, 0x9ba3933dc6ce43c145349770a39c30f9b647f17668f004bd2e05c80a2e7262f7, 1, 0x722c43232e2f9dc07ebc07a02a3056993a2ed1328a1c81377ea99d135af39536",
        "user, 0xd25df7858efc1778118fb133ac561b138845361626dfb976699c5287ed0f4959, 1, 0xf923fb07134d7d287cb52c770cc619e17e82606c21a875c92f4c63b65280a5cc",
        "upgrade, Ecotone: L1 Block Proxy Update, 0, 0x18acb38c5ff1c238a7460ebc1b421fa49ec4874bdf1e0a530d234104e5e67dbc",
        "upgrade, Fjord: Gas Price Oracle Deployment, 0, 0x86122c533fdcb89b16d8713174625e44578a89751d96c098ec19ab40a51a8ea3"
    })
    void sourceHashes(String kind, String input, long index, String expected) {
        Hash got =
                switch (kind) {
                    case "user" -> SourceHash.userDeposit(Hash.fromHex(input), index);
                    case "l1info" -> SourceHash.l1InfoDeposit(Hash.fromHex(input), index);
                    default -> SourceHash.upgradeDeposit(input);
                };
        assertThat(got).isEqualTo(Hash.fromHex(expected));
    }

    @Test
    void selectorsAndEventTopic() {
        assertThat(DepositLogs.TRANSACTION_DEPOSITED)
                .isEqualTo(Hash.fromHex("0xb3813568d9991fc951961fcb4c784893574240a28925604d09fc577c55bb7c32"));
        assertThat(selector("setL1BlockValues(uint64,uint64,uint256,bytes32,uint64,bytes32,uint256,uint256)"))
                .isEqualTo(L1InfoFormat.BEDROCK.selector());
        assertThat(selector("setL1BlockValuesEcotone()")).isEqualTo(L1InfoFormat.ECOTONE.selector());
        assertThat(selector("setL1BlockValuesIsthmus()")).isEqualTo(L1InfoFormat.ISTHMUS.selector());
    }

    @Test
    void bedrockAndIsthmusRoundTrip() {
        Hash h = Hashing.keccak256(Bytes.utf8("l1 block"));
        Hash batcher = L1BlockInfo.batcherHash(Address.fromHex("0x6887246668a3b87f54deb3b94ba47a6f63f32985"));
        L1BlockInfo bedrock = new L1BlockInfo(
                L1InfoFormat.BEDROCK,
                17_000_000,
                1_700_000_000,
                Amount.of(12_000_000_000L),
                h,
                3,
                batcher,
                Amount.of(188),
                Amount.of(684_000),
                0,
                0,
                Amount.ZERO,
                0,
                0);
        assertThat(bedrock.encode().size()).isEqualTo(260);
        assertThat(L1BlockInfo.decode(bedrock.encode())).isEqualTo(bedrock);
        L1BlockInfo isthmus = new L1BlockInfo(
                L1InfoFormat.ISTHMUS,
                22_000_000,
                1_750_000_000,
                Amount.of(2_000_000_000L),
                h,
                5,
                batcher,
                Amount.ZERO,
                Amount.ZERO,
                0xffffffffL,
                810_949,
                Amount.of(7),
                0x10000,
                Long.MAX_VALUE);
        assertThat(isthmus.encode().size()).isEqualTo(176);
        assertThat(L1BlockInfo.decode(isthmus.encode())).isEqualTo(isthmus);
        assertThatThrownBy(() -> L1BlockInfo.decode(isthmus.encode().slice(0, 175)))
                .isInstanceOf(OpDecodeException.class)
                .hasMessageContaining("length 175, expected 176");
        assertThatThrownBy(() -> L1BlockInfo.decode(Bytes.fromHex("deadbeef")))
                .hasMessageContaining("unknown selector");
    }

    @Test
    void transactionDepositedLogBecomesADepositWithAliasing() {
        Address portal = Address.fromHex("0xbEb5Fc579115071764c7423A4f12eDde41f106Ed");
        Address l1Contract = Address.fromHex("0x1111111111111111111111111111111111111111");
        Address l2To = Address.fromHex("0x2222222222222222222222222222222222222222");
        Log log = DepositLogs.encode(
                portal,
                l1Contract,
                true,
                l2To,
                Amount.of(1000),
                Amount.of(10),
                100_000,
                false,
                Bytes.fromHex("c0ffee"));
        Hash l1Block = Hash.fromHex("0xd25df7858efc1778118fb133ac561b138845361626dfb976699c5287ed0f4959");
        DepositTransaction tx = DepositLogs.decode(log, portal, l1Block, 1);
        assertThat(tx.from()).isEqualTo(Address.fromHex("0x2222111111111111111111111111111111112222"));
        assertThat(AddressAliasing.undoAlias(tx.from())).isEqualTo(l1Contract);
        assertThat(tx.to()).contains(l2To);
        assertThat(tx.mint()).isEqualTo(Amount.of(1000));
        assertThat(tx.value()).isEqualTo(Amount.of(10));
        assertThat(tx.gasLimit()).isEqualTo(100_000);
        assertThat(tx.data()).isEqualTo(Bytes.fromHex("c0ffee"));
        assertThat(tx.sourceHash())
                .isEqualTo(Hash.fromHex("0xf923fb07134d7d287cb52c770cc619e17e82606c21a875c92f4c63b65280a5cc"));
        Transaction back = Transactions.decode(tx.encode());
        assertThat(back).isEqualTo(tx);

        // aliasing wraps around 2^160
        assertThat(AddressAliasing.applyAlias(Address.fromHex("0xffffffffffffffffffffffffffffffffffffffff")))
                .isEqualTo(Address.fromHex("0x1111000000000000000000000000000000001110"));

        Log creation =
                DepositLogs.encode(portal, l2To, false, l2To, Amount.ZERO, Amount.ZERO, 50_000, true, Bytes.EMPTY);
        assertThat(DepositLogs.decode(creation, portal, l1Block, 2).to()).isEqualTo(Optional.empty());
    }

    @Test
    void malformedDepositLogsAreRejected() {
        Address portal = Address.fromHex("0xbEb5Fc579115071764c7423A4f12eDde41f106Ed");
        Address a = Address.fromHex("0x2222222222222222222222222222222222222222");
        Log good = DepositLogs.encode(portal, a, false, a, Amount.ZERO, Amount.ZERO, 21_000, false, Bytes.EMPTY);
        Hash blk = Hash.ZERO;
        assertThatThrownBy(() -> DepositLogs.decode(good, a, blk, 0)).hasMessageContaining("not the portal");
        Log badVersion = new Log(
                portal,
                List.of(
                        good.topics().get(0),
                        good.topics().get(1),
                        good.topics().get(2),
                        Hash.fromHex("0x" + "00".repeat(31) + "01")),
                good.data());
        assertThatThrownBy(() -> DepositLogs.decode(badVersion, portal, blk, 0)).hasMessageContaining("version");
        Log shortData = new Log(portal, good.topics(), good.data().slice(0, 64 + 72));
        assertThatThrownBy(() -> DepositLogs.decode(shortData, portal, blk, 0)).isInstanceOf(OpDecodeException.class);
        Log extraPadding = new Log(portal, good.topics(), good.data().append(Bytes.wrap(new byte[32])));
        assertThatThrownBy(() -> DepositLogs.decode(extraPadding, portal, blk, 0))
                .hasMessageContaining("padding");
    }

    @ParameterizedTest(name = "fastlz {1}")
    @CsvSource({
        "'', 0",
        "facade, 4",
        "02f901550a758302df1483be21b88304743f94f80e51afb613d764fa61751affd3313c190a86bb870151bd62fd12adb8e41ef24f3f000000000000000000000000000000000000000000000000000000000000006e000000000000000000000000af88d065e77c8cc2239327c5edb3a432268e5831000000000000000000000000000000000000000000000000000000000003c1e5000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000a000000000000000000000000000000000000000000000000000000000000000148c89ed219d02f1a5be012c689b4f5b731827bebe000000000000000000000000c001a033fd89cb37c31b2cba46b6466e040c61fc9b2a3675a7f5f493ebd5ad77c497f8a07cdf65680e238392693019b4092f610222e71b7cec06449cb922b93b6a12744e, 202"
    })
    void fastLzLengthMatchesOpGeth(String hex, int expected) {
        // vectors from op-rs/maili crates/flz tests (cross-checked there against solady's EVM LibZip)
        assertThat(L1DataFee.fastLzLength(Bytes.fromHex(hex))).isEqualTo(expected);
    }

    @Test
    void fastLzOnRuns() {
        assertThat(L1DataFee.fastLzLength(Bytes.wrap(new byte[1000]))).isEqualTo(21);
        byte[] fortyTwos = new byte[1000];
        java.util.Arrays.fill(fortyTwos, (byte) 42);
        assertThat(L1DataFee.fastLzLength(Bytes.wrap(fortyTwos))).isEqualTo(21);
    }

    @Test
    void l1DataFees() {
        L1BlockInfo info = L1BlockInfo.decode(
                ((DepositTransaction) Transactions.decode(Bytes.fromHex(OP_MAINNET_L1_INFO))).data());
        Bytes tx = Bytes.fromHex(
                "02f901550a758302df1483be21b88304743f94f80e51afb613d764fa61751affd3313c190a86bb870151bd62fd12adb8e41ef24f3f000000000000000000000000000000000000000000000000000000000000006e000000000000000000000000af88d065e77c8cc2239327c5edb3a432268e5831000000000000000000000000000000000000000000000000000000000003c1e5000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000a000000000000000000000000000000000000000000000000000000000000000148c89ed219d02f1a5be012c689b4f5b731827bebe000000000000000000000000c001a033fd89cb37c31b2cba46b6466e040c61fc9b2a3675a7f5f493ebd5ad77c497f8a07cdf65680e238392693019b4092f610222e71b7cec06449cb922b93b6a12744e");
        // hand computation: weighted = 16*5227*1055991687 + 1014213*1 ; Fjord size = max(1e8, -42585600 + 836500*202)
        java.math.BigInteger weighted = java.math.BigInteger.valueOf(16L * 5227)
                .multiply(java.math.BigInteger.valueOf(1055991687L))
                .add(java.math.BigInteger.valueOf(1014213));
        long size = Math.max(100_000_000L, -42_585_600L + 836_500L * 202);
        assertThat(L1DataFee.fjord(tx, info).toBigInteger())
                .isEqualTo(
                        java.math.BigInteger.valueOf(size).multiply(weighted).divide(java.math.BigInteger.TEN.pow(12)));
        long zeros = 0;
        for (int i = 0; i < tx.size(); i++) {
            zeros += tx.get(i) == 0 ? 1 : 0;
        }
        long gas = zeros * 4 + (tx.size() - zeros) * 16;
        assertThat(L1DataFee.ecotone(tx, info).toBigInteger())
                .isEqualTo(java.math.BigInteger.valueOf(gas)
                        .multiply(weighted)
                        .divide(java.math.BigInteger.valueOf(16_000_000)));
        // a tiny transaction is billed at the 100-byte minimum under Fjord
        assertThat(L1DataFee.estimatedSizeFjord(Bytes.fromHex("01"))).isEqualTo(100_000_000L);
    }

    private static Bytes selector(String signature) {
        return Hashing.keccak256(Bytes.utf8(signature)).bytes().slice(0, 4);
    }
}
