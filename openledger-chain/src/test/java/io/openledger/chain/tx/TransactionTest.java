package io.openledger.chain.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.crypto.PrivateKey;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TransactionTest {
    private static final PrivateKey KEY =
            PrivateKey.fromHex("4646464646464646464646464646464646464646464646464646464646464646");

    @Test
    void eip155WorkedExample() {
        // EIP-155 "Example": nonce 9, gas price 20 gwei, gas 21000, 1 ether to 0x35…35, chain id 1
        LegacyTransaction tx = new LegacyTransaction(
                9,
                Amount.of(20_000_000_000L),
                21_000,
                Optional.of(Address.fromHex("0x3535353535353535353535353535353535353535")),
                Amount.tokens(1),
                Bytes.EMPTY,
                OptionalLong.of(1),
                Optional.empty());
        assertThat(tx.signingHash().toHex())
                .isEqualTo("0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
        LegacyTransaction signed = tx.sign(KEY);
        assertThat(signed.encode().toHex())
                .isEqualTo(
                        "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
        assertThat(signed.v().intValue()).isEqualTo(37);
        assertThat(signed.sender()).isEqualTo(Address.fromHex("0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f"));
        assertThat(Transactions.validate(signed, 1, EthereumFork.PRAGUE)).isEqualTo(KEY.address());
        assertThatThrownBy(() -> Transactions.validate(signed, 10, EthereumFork.PRAGUE))
                .isInstanceOf(InvalidTransactionException.class)
                .extracting(e -> ((InvalidTransactionException) e).reason())
                .isEqualTo(InvalidTransactionException.Reason.INVALID_CHAIN_ID);
    }

    @Test
    void decodeErrorsNameTheByteInTheWholeEnvelope() {
        // type 2 whose chain id is the non-canonical 0x81 0x01: the payload starts at byte 1, the chain id at byte 2+1
        Bytes bad = Bytes.fromHex("02c3810180");
        assertThatThrownBy(() -> Transactions.decode(bad))
                .isInstanceOf(InvalidTransactionException.class)
                .hasMessageContaining("MALFORMED")
                .hasMessageContaining("at byte 2");
        assertThatThrownBy(() -> Transactions.decode(Bytes.fromHex("04c0")))
                .extracting(e -> ((InvalidTransactionException) e).reason())
                .isEqualTo(InvalidTransactionException.Reason.TYPE_NOT_SUPPORTED);
        assertThatThrownBy(() -> Transactions.decode(Bytes.EMPTY)).hasMessageContaining("empty");
    }

    @Test
    void intrinsicGasAndPragueFloor() {
        DynamicFeeTransaction create = new DynamicFeeTransaction(
                1,
                0,
                Amount.ONE,
                Amount.ONE,
                100_000,
                Optional.empty(),
                Amount.ZERO,
                Bytes.wrap(new byte[64]),
                List.of(),
                Optional.empty());
        // 21000 + 32000 + 64 zero bytes * 4 + 2 words * 2 (Shanghai init-code cost)
        assertThat(Transactions.intrinsicGas(create, EthereumFork.SHANGHAI)).isEqualTo(53_000 + 256 + 4);
        assertThat(Transactions.intrinsicGas(create, EthereumFork.LONDON)).isEqualTo(53_000 + 256);
        DynamicFeeTransaction calldataHeavy = new DynamicFeeTransaction(
                1,
                0,
                Amount.ONE,
                Amount.ONE,
                40_000,
                Optional.of(KEY.address()),
                Amount.ZERO,
                Bytes.wrap(new byte[1000]).append(Bytes.fromHex("ff".repeat(1000))),
                List.of(),
                Optional.empty());
        // standard cost 21000 + 4000 + 16000 = 41000 > 40000 already; the floor is 21000 + 10 * (1000 + 4000)
        assertThat(Transactions.floorDataGas(calldataHeavy)).isEqualTo(71_000);
        DynamicFeeTransaction enoughForCancun = new DynamicFeeTransaction(
                1,
                0,
                Amount.ONE,
                Amount.ONE,
                50_000,
                Optional.of(KEY.address()),
                Amount.ZERO,
                calldataHeavy.data(),
                List.of(),
                Optional.empty());
        assertThat(Transactions.validate(enoughForCancun.sign(KEY), 1, EthereumFork.CANCUN))
                .isEqualTo(KEY.address());
        assertThatThrownBy(() -> Transactions.validate(enoughForCancun.sign(KEY), 1, EthereumFork.PRAGUE))
                .extracting(e -> ((InvalidTransactionException) e).reason())
                .isEqualTo(InvalidTransactionException.Reason.INTRINSIC_GAS_TOO_LOW);
    }

    @Test
    void depositsAreNotSignedAndNotL1Transactions() {
        DepositTransaction d = new DepositTransaction(
                io.openledger.core.Hash.ZERO,
                KEY.address(),
                Optional.empty(),
                Amount.ZERO,
                Amount.ZERO,
                1,
                false,
                Bytes.EMPTY);
        assertThatThrownBy(() -> d.sign(KEY)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> Transactions.validate(d, 1, EthereumFork.PRAGUE))
                .hasMessageContaining("deposit");
        assertThat(d.sender()).isEqualTo(KEY.address());
        assertThat(d.nonce()).isZero();
    }
}
