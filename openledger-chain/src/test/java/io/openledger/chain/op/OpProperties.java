package io.openledger.chain.op;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.block.Log;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.chain.tx.TransactionType;
import io.openledger.chain.tx.Transactions;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/** Round trips of the OP Stack codecs and receipts over generated values. */
class OpProperties {
    @Property(tries = 200)
    void l1InfoRoundTripsInEveryFormat(
            @ForAll L1InfoFormat format,
            @ForAll long number,
            @ForAll long time,
            @ForAll long seq,
            @ForAll("amounts") Amount baseFee,
            @ForAll("amounts") Amount blob,
            @ForAll("hashes") Hash hash,
            @ForAll("hashes") Hash batcher,
            @ForAll @LongRange(min = 0, max = 0xffffffffL) long s1,
            @ForAll @LongRange(min = 0, max = 0xffffffffL) long s2,
            @ForAll long opConst) {
        boolean bedrock = format == L1InfoFormat.BEDROCK;
        boolean isthmus = format == L1InfoFormat.ISTHMUS;
        L1BlockInfo info = new L1BlockInfo(
                format,
                number,
                time,
                baseFee,
                hash,
                seq,
                batcher,
                bedrock ? blob : Amount.ZERO,
                bedrock ? baseFee : Amount.ZERO,
                bedrock ? 0 : s1,
                bedrock ? 0 : s2,
                bedrock ? Amount.ZERO : blob,
                isthmus ? s2 : 0,
                isthmus ? opConst : 0);
        Bytes enc = info.encode();
        assertThat(enc.size()).isEqualTo(format.length());
        assertThat(L1BlockInfo.decode(enc)).isEqualTo(info);
        DepositTransaction tx = info.toDepositTransaction();
        assertThat(Transactions.decode(tx.encode())).isEqualTo(tx);
    }

    @Property(tries = 200)
    void depositLogsRoundTrip(
            @ForAll("addresses") Address caller,
            @ForAll boolean contract,
            @ForAll("addresses") Address to,
            @ForAll("amounts") Amount mint,
            @ForAll("amounts") Amount value,
            @ForAll long gas,
            @ForAll boolean creation,
            @ForAll("data") Bytes data,
            @ForAll("hashes") Hash block,
            @ForAll @LongRange(min = 0, max = 100_000) long index) {
        Address portal = Address.fromHex("0xbEb5Fc579115071764c7423A4f12eDde41f106Ed");
        Log log = DepositLogs.encode(portal, caller, contract, to, mint, value, gas, creation, data);
        assertThat(log.data().size() % 32).isZero();
        DepositTransaction tx = DepositLogs.decode(log, portal, block, index);
        assertThat(tx.from()).isEqualTo(contract ? AddressAliasing.applyAlias(caller) : caller);
        assertThat(AddressAliasing.undoAlias(AddressAliasing.applyAlias(caller)))
                .isEqualTo(caller);
        assertThat(tx.to().isEmpty()).isEqualTo(creation);
        assertThat(tx.mint()).isEqualTo(mint);
        assertThat(tx.value()).isEqualTo(value);
        assertThat(tx.gasLimit()).isEqualTo(gas);
        assertThat(tx.data()).isEqualTo(data);
        assertThat(tx.sourceHash()).isEqualTo(SourceHash.userDeposit(block, index));
    }

    @Property(tries = 200)
    void receiptsRoundTrip(
            @ForAll TransactionType type,
            @ForAll boolean ok,
            @ForAll long gas,
            @ForAll("logs") List<Log> logs,
            @ForAll @LongRange(min = 0, max = 1_000_000) long nonce) {
        Receipt r = type == TransactionType.DEPOSIT
                ? Receipt.deposit(ok, gas, logs, nonce)
                : Receipt.of(type, ok, gas, logs);
        assertThat(Receipt.decode(r.encode())).isEqualTo(r);
        for (Log l : logs) {
            assertThat(r.logsBloom().mightContain(l.address().bytes())).isTrue();
            l.topics().forEach(t -> assertThat(r.logsBloom().mightContain(t.bytes()))
                    .isTrue());
        }
    }

    @Provide
    Arbitrary<Amount> amounts() {
        return Arbitraries.bigIntegers()
                .between(BigInteger.ZERO, BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE))
                .map(Amount::of);
    }

    @Provide
    Arbitrary<Hash> hashes() {
        return Arbitraries.bytes().array(byte[].class).ofSize(32).map(Hash::of);
    }

    @Provide
    Arbitrary<Address> addresses() {
        return Arbitraries.bytes().array(byte[].class).ofSize(20).map(b -> Address.of(Bytes.of(b)));
    }

    @Provide
    Arbitrary<Bytes> data() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(200).map(Bytes::of);
    }

    @Provide
    Arbitrary<List<Log>> logs() {
        Arbitrary<Log> log = net.jqwik.api.Combinators.combine(
                        addresses(), hashes().list().ofMaxSize(4), data())
                .as(Log::new);
        return log.list().ofMaxSize(4);
    }
}
