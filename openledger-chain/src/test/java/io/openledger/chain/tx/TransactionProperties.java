package io.openledger.chain.tx;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.PrivateKey;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** decode(encode(tx)) == tx for every type, and signatures recover the signer. */
class TransactionProperties {
    private static final PrivateKey KEY =
            PrivateKey.fromHex("4646464646464646464646464646464646464646464646464646464646464646");

    @Property(tries = 200)
    void everyTypeRoundTripsAndRecoversItsSigner(@ForAll("transactions") Transaction tx) {
        Transaction signed = tx instanceof DepositTransaction ? tx : tx.sign(KEY);
        Bytes enc = signed.encode();
        Transaction back = Transactions.decode(enc);
        assertThat(back).isEqualTo(signed);
        assertThat(back.encode()).isEqualTo(enc);
        assertThat(back.hash()).isEqualTo(signed.hash());
        if (!(tx instanceof DepositTransaction d)) {
            assertThat(back.sender()).isEqualTo(KEY.address());
        } else {
            assertThat(back.sender()).isEqualTo(d.from());
        }
    }

    @Property(tries = 100)
    void unsignedTypedTransactionsRoundTrip(@ForAll("transactions") Transaction tx) {
        if (tx instanceof LegacyTransaction l && l.chainId().isEmpty()) {
            return; // the unsigned pre-EIP-155 form has no chain id to carry; see LegacyTransaction
        }
        assertThat(Transactions.decode(tx.encode())).isEqualTo(tx);
    }

    @Provide
    Arbitrary<Transaction> transactions() {
        return Arbitraries.oneOf(legacy(), accessList(), dynamicFee(), blob(), deposit());
    }

    private static Arbitrary<Long> u64() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(0, 1000));
    }

    private static Arbitrary<Amount> amounts() {
        return Arbitraries.oneOf(
                        Arbitraries.bigIntegers()
                                .between(
                                        BigInteger.ZERO,
                                        BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)),
                        Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.valueOf(1000)))
                .map(Amount::of);
    }

    private static Arbitrary<Bytes> data() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(100).map(Bytes::of);
    }

    private static Arbitrary<Address> addresses() {
        return Arbitraries.bytes().array(byte[].class).ofSize(20).map(b -> Address.of(Bytes.of(b)));
    }

    private static Arbitrary<Optional<Address>> to() {
        return addresses().optional(0.8);
    }

    private static Arbitrary<List<AccessListEntry>> accessLists() {
        Arbitrary<Hash> keys =
                Arbitraries.bytes().array(byte[].class).ofSize(32).map(Hash::of);
        return Combinators.combine(addresses(), keys.list().ofMaxSize(3))
                .as(AccessListEntry::new)
                .list()
                .ofMaxSize(3);
    }

    private static Arbitrary<Transaction> legacy() {
        return Combinators.combine(
                        u64(),
                        amounts(),
                        u64(),
                        to(),
                        amounts(),
                        data(),
                        Arbitraries.longs().between(1, 1L << 40).optional(0.7))
                .as((n, gp, g, to, v, d, chain) -> (Transaction) new LegacyTransaction(
                        n,
                        gp,
                        g,
                        to,
                        v,
                        d,
                        chain.map(OptionalLong::of).orElse(OptionalLong.empty()),
                        Optional.empty()));
    }

    private static Arbitrary<Transaction> accessList() {
        return Combinators.combine(u64(), u64(), amounts(), u64(), to(), amounts(), data(), accessLists())
                .as((c, n, gp, g, to, v, d, al) ->
                        (Transaction) new AccessListTransaction(c, n, gp, g, to, v, d, al, Optional.empty()));
    }

    private static Arbitrary<Transaction> dynamicFee() {
        return Combinators.combine(u64(), u64(), amounts(), amounts(), u64(), to(), amounts(), data())
                .flatAs((c, n, tip, cap, g, to, v, d) -> accessLists().map(al ->
                        (Transaction) new DynamicFeeTransaction(c, n, tip, cap, g, to, v, d, al, Optional.empty())));
    }

    private static Arbitrary<Transaction> blob() {
        Arbitrary<List<Hash>> hashes = Arbitraries.bytes()
                .array(byte[].class)
                .ofSize(32)
                .map(Hash::of)
                .list()
                .ofMinSize(1)
                .ofMaxSize(6);
        return Combinators.combine(u64(), u64(), amounts(), amounts(), u64(), addresses(), amounts(), data())
                .flatAs((c, n, tip, cap, g, to, v, d) -> Combinators.combine(accessLists(), amounts(), hashes)
                        .as((al, blobFee, hs) -> (Transaction) new BlobTransaction(
                                c, n, tip, cap, g, Optional.of(to), v, d, al, blobFee, hs, Optional.empty())));
    }

    private static Arbitrary<Transaction> deposit() {
        Arbitrary<Hash> source =
                Arbitraries.bytes().array(byte[].class).ofSize(32).map(Hash::of);
        return Combinators.combine(
                        source, addresses(), to(), amounts(), amounts(), u64(), Arbitraries.of(true, false), data())
                .as((s, f, to, m, v, g, sys, d) -> (Transaction) new DepositTransaction(s, f, to, m, v, g, sys, d));
    }
}
