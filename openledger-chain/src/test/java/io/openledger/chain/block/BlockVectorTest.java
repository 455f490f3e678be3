package io.openledger.chain.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.rlp.RlpItem;
import io.openledger.chain.rlp.RlpList;
import io.openledger.chain.tx.BlobTransaction;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionType;
import io.openledger.chain.tx.Transactions;
import io.openledger.chain.tx.TxSignature;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Headers, transaction and receipt roots against blocks from go-ethereum's {@code core/types/block_test.go}
 * (the first from ethereum/tests bcValidBlockTest "SimpleTx", the last from BlockchainTests
 * bcEIP4844-blobtransactions/blockWithAllTransactionTypes.json) and the mainnet genesis header.
 */
class BlockVectorTest {
    static final String SIMPLE_TX_BLOCK =
            "f90260f901f9a083cafc574e1f51ba9dc0568fc617a08ea2429fb384059c972f13b19fa1c8dd55a01dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347948888f1f195afa192cfee860698584c030f4c9db1a0ef1552a40b7165c3cd773806b9e0c165b75356e0314bf0706f279c729f51e017a05fe50b260da6308036625b850b5d6ced6d0a9f814c0688bc91ffb7b7a3a54b67a0bc37d79753ad738a6dac4921e57392f145d8887476de3f783dfa7edae9283e52b90100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000008302000001832fefd8825208845506eb0780a0bd4472abb6659ebe3ee06ee4d7b72a00a9f4d001caca51342001075469aff49888a13a5a8c8f2bb1c4f861f85f800a82c35094095e7baea6a6c7c4c2dfeb977efac326af552d870a801ba09bea4c4daac7c7c52e093e6a4c35dbbcf8856f1af7b059ba20253e70848d094fa08a8fae537ce25ed8cb5af9adac3f141af69bd515bd2ba031522df09b97dd72b1c0";

    static final String EIP1559_BLOCK =
            "f9030bf901fea083cafc574e1f51ba9dc0568fc617a08ea2429fb384059c972f13b19fa1c8dd55a01dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347948888f1f195afa192cfee860698584c030f4c9db1a0ef1552a40b7165c3cd773806b9e0c165b75356e0314bf0706f279c729f51e017a05fe50b260da6308036625b850b5d6ced6d0a9f814c0688bc91ffb7b7a3a54b67a0bc37d79753ad738a6dac4921e57392f145d8887476de3f783dfa7edae9283e52b90100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000008302000001832fefd8825208845506eb0780a0bd4472abb6659ebe3ee06ee4d7b72a00a9f4d001caca51342001075469aff49888a13a5a8c8f2bb1c4843b9aca00f90106f85f800a82c35094095e7baea6a6c7c4c2dfeb977efac326af552d870a801ba09bea4c4daac7c7c52e093e6a4c35dbbcf8856f1af7b059ba20253e70848d094fa08a8fae537ce25ed8cb5af9adac3f141af69bd515bd2ba031522df09b97dd72b1b8a302f8a0018080843b9aca008301e24194095e7baea6a6c7c4c2dfeb977efac326af552d878080f838f7940000000000000000000000000000000000000001e1a0000000000000000000000000000000000000000000000000000000000000000080a0fe38ca4e44a30002ac54af7cf922a6ac2ba11b7d22f548e8ecb3f51f41cb31b0a06de6a5cbae13c0c856e33acf021b51819636cfc009d39eafb9f606d546e305a8c0";

    static final String EIP4844_BLOCK =
            "f90417f90244a05eb7f6da0f3e237c62bcae48b7fb5f4506d392616b62890429c8b76b4a1d4104a01dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d4934794ba5e000000000000000000000000000000000000a011639dcca0b44f2acb5b630a82c8a69cb82742b3711383ec4e111a554d27aea5a05cb644f722e31f9792a8ef6e2a762334e1a862e8b40c1612e1e9507fd7121ef9a00c82719448356ba6807d6edfcd8e5aea575a5e97f36038ffb3e395749b26d41cb9010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000800188016345785d8a00008301482082079e42a00000000000000000000000000000000000000000000000000000000000020000880000000000000000820314a056e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b4218302000080a00000000000000000000000000000000000000000000000000000000000000000f901cbf864808203e885e8d4a5100094100000000000000000000000000000000000000a01801ca09de4adda6288582a6700dbcd8eb70c0a4a7fc9487d965f7bf22424e0bd121095a01cdb078764cc3770d5db847e99e10333aa7c356247baaf09b03eae04d64e7926b86901f86601018203e885e8d4a5100094100000000000000000000000000000000000000a0380c080a025090740da12684493e4fb466a3979e365b194e8cf462edf3c2c3be2f130bb2ea034fa18fb4c1bff4d957d72e28535d27f1352517a942aeaca0ed944085f0cd8bbb86a02f8670102018203e885e8d4a5100094100000000000000000000000000000000000000a0580c080a0352a7be5002ce111bc5167f3addf97a75e2e0b810d826af71d2caae18aed284ea065d38f8a5c8948ce706842e8861fb21020b93a4d5e489162a0e6d419a457b735b88c03f8890103018203e885e8d4a5100094100000000000000000000000000000000000000a0780c00ae1a001a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8809f638144c46d5de7a9e630c0e7c5c63ae829ecfd8cc94715d9c29fe17c464de0a06c5fc54c3aa868ba35ef31a4e12431611631ab7bcdceb4214dd273d83f73b5e1c0c0";

    @Test
    void simpleTxBlockHeaderHashAndTransactionsRoot() {
        RlpList block = Rlp.decode(Bytes.fromHex(SIMPLE_TX_BLOCK)).asList("block");
        BlockHeader h = BlockHeader.decode(Rlp.encode(block.get(0)));
        assertThat(h.hash())
                .isEqualTo(Hash.fromHex("0a5843ac1cb04865017cb35a57b50b07084e5fcee39b5acadade33149f4fff9e"));
        assertThat(h.difficulty()).isEqualTo(BigInteger.valueOf(131072));
        assertThat(h.gasLimit()).isEqualTo(3141592);
        assertThat(h.timestamp()).isEqualTo(1426516743L);
        assertThat(h.nonce()).isEqualTo(Bytes.fromHex("a13a5a8c8f2bb1c4"));
        assertThat(h.baseFeePerGas()).isEmpty();
        assertThat(h.encode()).isEqualTo(Rlp.encode(block.get(0)));
        assertThat(ListRoots.transactionsRoot(transactions(block.get(1)))).isEqualTo(h.transactionsRoot());
    }

    @Test
    void londonHeaderHash() {
        RlpList block = Rlp.decode(Bytes.fromHex(EIP1559_BLOCK)).asList("block");
        BlockHeader h = BlockHeader.decode(Rlp.encode(block.get(0)));
        assertThat(h.baseFeePerGas()).contains(Amount.of(1_000_000_000));
        assertThat(h.hash())
                .isEqualTo(Hash.fromHex("c7252048cd273fe0dac09650027d07f0e3da4ee0675ebbb26627cea92729c372"));
        List<Transaction> txs = transactions(block.get(1));
        assertThat(txs)
                .extracting(Transaction::type)
                .containsExactly(TransactionType.LEGACY, TransactionType.DYNAMIC_FEE);
    }

    @Test
    void cancunBlockWithAllTransactionTypes() {
        RlpList block = Rlp.decode(Bytes.fromHex(EIP4844_BLOCK)).asList("block");
        Bytes headerBytes = Rlp.encode(block.get(0));
        BlockHeader h = BlockHeader.decode(headerBytes);
        assertThat(h.encode()).isEqualTo(headerBytes);
        assertThat(h.withdrawalsRoot()).contains(MerkleRoots.EMPTY);
        assertThat(h.blobGasUsed()).hasValue(0x20000);
        assertThat(h.excessBlobGas()).hasValue(0);
        assertThat(h.parentBeaconBlockRoot()).contains(Hash.ZERO);
        assertThat(h.requestsHash()).isEmpty();

        List<Transaction> txs = transactions(block.get(1));
        assertThat(txs)
                .extracting(Transaction::type)
                .containsExactly(
                        TransactionType.LEGACY,
                        TransactionType.ACCESS_LIST,
                        TransactionType.DYNAMIC_FEE,
                        TransactionType.BLOB);
        assertThat(ListRoots.transactionsRoot(txs)).isEqualTo(h.transactionsRoot());

        // the blob transaction rebuilt from go-ethereum's field values encodes to the same bytes
        BlobTransaction rebuilt = new BlobTransaction(
                1,
                3,
                Amount.of(1),
                Amount.of(1000),
                0xe8d4a51000L,
                Optional.of(Address.fromHex("0x100000000000000000000000000000000000000a")),
                Amount.of(7),
                Bytes.EMPTY,
                List.of(),
                Amount.of(10),
                List.of(Hash.fromHex("0x01a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8")),
                Optional.of(new TxSignature(
                        0,
                        new BigInteger("00638144c46d5de7a9e630c0e7c5c63ae829ecfd8cc94715d9c29fe17c464de0", 16),
                        new BigInteger("6c5fc54c3aa868ba35ef31a4e12431611631ab7bcdceb4214dd273d83f73b5e1", 16))));
        assertThat(rebuilt.encode()).isEqualTo(txs.get(3).encode());

        // every transaction used 21000 gas and logged nothing: the receipts root must match the header
        List<Receipt> receipts = new ArrayList<>();
        for (int i = 0; i < txs.size(); i++) {
            receipts.add(Receipt.of(txs.get(i).type(), true, 21_000L * (i + 1), List.of()));
        }
        assertThat(ListRoots.receiptsRoot(receipts)).isEqualTo(h.receiptsRoot());
        assertThat(ListRoots.withdrawalsRoot(List.of()))
                .isEqualTo(h.withdrawalsRoot().orElseThrow());
    }

    @Test
    void mainnetGenesisHeaderHash() {
        BlockHeader genesis = new BlockHeader(
                Hash.ZERO,
                BlockHeader.EMPTY_OMMERS_HASH,
                Address.ZERO,
                Hash.fromHex("d7f8974fb5ac78d9ac099b9ad5018bedc2ce0a72dad1827a1709da30580f0544"),
                MerkleRoots.EMPTY,
                MerkleRoots.EMPTY,
                LogsBloom.EMPTY,
                BigInteger.valueOf(17_179_869_184L),
                0,
                5000,
                0,
                0,
                Bytes.fromHex("11bbe8db4e347b4e8c937c1c8370e4b5ed33adb3db69cbdb7a38e1e50b1b82fa"),
                Hash.ZERO,
                Bytes.fromHex("0000000000000042"),
                Optional.empty(),
                Optional.empty(),
                OptionalLong.empty(),
                OptionalLong.empty(),
                Optional.empty(),
                Optional.empty());
        assertThat(genesis.hash())
                .isEqualTo(Hash.fromHex("d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3"));
        assertThat(BlockHeader.decode(genesis.encode())).isEqualTo(genesis);
    }

    @Test
    void pragueHeaderRoundTripsAndRejectsGaps() {
        BlockHeader cancun = BlockHeader.decode(
                Rlp.encode(Rlp.decode(Bytes.fromHex(EIP4844_BLOCK)).asList("b").get(0)));
        Hash requests = Hash.fromHex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        BlockHeader prague = new BlockHeader(
                cancun.parentHash(),
                cancun.ommersHash(),
                cancun.beneficiary(),
                cancun.stateRoot(),
                cancun.transactionsRoot(),
                cancun.receiptsRoot(),
                cancun.logsBloom(),
                cancun.difficulty(),
                cancun.number(),
                cancun.gasLimit(),
                cancun.gasUsed(),
                cancun.timestamp(),
                cancun.extraData(),
                cancun.mixHash(),
                cancun.nonce(),
                cancun.baseFeePerGas(),
                cancun.withdrawalsRoot(),
                cancun.blobGasUsed(),
                cancun.excessBlobGas(),
                cancun.parentBeaconBlockRoot(),
                Optional.of(requests));
        assertThat(Rlp.decode(prague.encode()).asList("h").size()).isEqualTo(21);
        assertThat(BlockHeader.decode(prague.encode())).isEqualTo(prague);
        assertThat(prague.hash()).isNotEqualTo(cancun.hash());
        assertThatThrownBy(() -> new BlockHeader(
                        cancun.parentHash(),
                        cancun.ommersHash(),
                        cancun.beneficiary(),
                        cancun.stateRoot(),
                        cancun.transactionsRoot(),
                        cancun.receiptsRoot(),
                        cancun.logsBloom(),
                        cancun.difficulty(),
                        cancun.number(),
                        cancun.gasLimit(),
                        cancun.gasUsed(),
                        cancun.timestamp(),
                        cancun.extraData(),
                        cancun.mixHash(),
                        cancun.nonce(),
                        Optional.empty(),
                        cancun.withdrawalsRoot(),
                        OptionalLong.empty(),
                        OptionalLong.empty(),
                        Optional.empty(),
                        Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void receiptsRoundTripIncludingDeposits() {
        Log log = new Log(
                Address.fromHex("0x4200000000000000000000000000000000000016"),
                List.of(Hash.fromHex("0x" + "11".repeat(32)), Hash.fromHex("0x" + "22".repeat(32))),
                Bytes.fromHex("deadbeef"));
        Receipt legacy = Receipt.of(TransactionType.LEGACY, true, 21_000, List.of(log));
        Receipt failed = Receipt.of(TransactionType.DYNAMIC_FEE, false, 50_000, List.of());
        Receipt deposit = Receipt.deposit(true, 71_000, List.of(log), 7);
        Receipt regolith = new Receipt(
                TransactionType.DEPOSIT, true, 1, LogsBloom.EMPTY, List.of(), OptionalLong.of(3), OptionalLong.empty());
        for (Receipt r : List.of(legacy, failed, deposit, regolith)) {
            assertThat(Receipt.decode(r.encode())).isEqualTo(r);
        }
        assertThat(legacy.encode().getUnsigned(0)).isGreaterThanOrEqualTo(0xc0);
        assertThat(failed.encode().get(0)).isEqualTo((byte) 2);
        assertThat(deposit.encode().get(0)).isEqualTo((byte) 0x7e);
        RlpList fields = Rlp.decode(deposit.encode().slice(1)).asList("r");
        assertThat(fields.size()).isEqualTo(6);
        assertThat(legacy.logsBloom().mightContain(log.address().bytes())).isTrue();
        assertThat(legacy.logsBloom().mightContain(log.topics().get(1).bytes())).isTrue();
        assertThat(LogsBloom.EMPTY.mightContain(log.address().bytes())).isFalse();
        assertThatThrownBy(() -> Receipt.decode(Bytes.fromHex("02c0"))).hasMessageContaining("4 fields");
        Bytes withSeven = Bytes.concat(
                Bytes.of((byte) 0x7e),
                Rlp.encodeList(List.of(
                        Rlp.encodeLong(1),
                        Rlp.encodeLong(1),
                        Rlp.encodeBytes(Bytes.wrap(new byte[256])),
                        Rlp.encodeList(),
                        Rlp.encodeLong(1),
                        Rlp.encodeLong(1),
                        Rlp.encodeLong(1))));
        assertThatThrownBy(() -> Receipt.decode(withSeven)).hasMessageContaining("got 7");
    }

    @Test
    void baseFeeUpdate() {
        Amount gwei = Amount.of(1_000_000_000L);
        // at target: unchanged; full block: +12.5% on L1; empty: -12.5%
        assertThat(BaseFee.next(gwei, 30_000_000, 15_000_000, BaseFee.Params.ETHEREUM))
                .isEqualTo(gwei);
        assertThat(BaseFee.next(gwei, 30_000_000, 30_000_000, BaseFee.Params.ETHEREUM))
                .isEqualTo(Amount.of(1_125_000_000L));
        assertThat(BaseFee.next(gwei, 30_000_000, 0, BaseFee.Params.ETHEREUM)).isEqualTo(Amount.of(875_000_000L));
        // OP Mainnet (denominator 250, elasticity 6): a full block raises by 5/250 = 2%
        assertThat(BaseFee.next(gwei, 60_000_000, 60_000_000, BaseFee.Params.OP_MAINNET))
                .isEqualTo(Amount.of(1_020_000_000L));
        assertThat(BaseFee.next(gwei, 60_000_000, 0, BaseFee.Params.OP_MAINNET)).isEqualTo(Amount.of(996_000_000L));
        // the increase is at least 1 wei
        assertThat(BaseFee.next(Amount.of(7), 30_000_000, 15_000_001, BaseFee.Params.ETHEREUM))
                .isEqualTo(Amount.of(8));
        BaseFee.Params p = new BaseFee.Params(250, 6);
        assertThat(p.toHoloceneExtraData()).isEqualTo(Bytes.fromHex("00000000fa00000006"));
        assertThat(BaseFee.Params.fromHoloceneExtraData(p.toHoloceneExtraData()))
                .isEqualTo(p);
        assertThatThrownBy(() -> new BaseFee.Params(0, 6))
                .hasMessageContaining("denominator must be in [1, 4294967295], got 0");
    }

    private static List<Transaction> transactions(RlpItem list) {
        List<Transaction> out = new ArrayList<>();
        for (RlpItem i : list.asList("txs").items()) {
            Bytes raw = i instanceof RlpList
                    ? Rlp.encode(i)
                    : i.asString("typed tx").bytes();
            out.add(Transactions.decode(raw));
        }
        return out;
    }

    private static final class MerkleRoots {
        static final Hash EMPTY = Hash.fromHex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
    }
}
