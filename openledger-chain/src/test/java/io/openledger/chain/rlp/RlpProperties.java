package io.openledger.chain.rlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.Bytes;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** RLP round trips and strictness over generated items. */
class RlpProperties {
    @Property(tries = 300)
    void decodeOfEncodeIsIdentity(@ForAll("items") RlpItem item) {
        Bytes enc = Rlp.encode(item);
        assertThat(Rlp.decode(enc)).isEqualTo(item);
        assertThat(Rlp.encode(Rlp.decode(enc))).isEqualTo(enc);
    }

    @Property(tries = 300)
    void mutatedInputIsEitherCanonicalOrRejected(
            @ForAll("items") RlpItem item, @ForAll @IntRange(min = 0, max = 10_000) int where, @ForAll byte value) {
        byte[] enc = Rlp.encode(item).toArray();
        enc[where % enc.length] = value;
        try {
            RlpItem decoded = Rlp.decode(Bytes.wrap(enc));
            // whatever is accepted must be the unique canonical encoding of what it decodes to
            assertThat(Rlp.encode(decoded)).isEqualTo(Bytes.wrap(enc));
        } catch (RlpException rejected) {
            assertThat(rejected.position()).isBetween(0, enc.length);
        }
    }

    @Property(tries = 200)
    void integersRoundTrip(@ForAll("uints") BigInteger v) {
        Bytes enc = Rlp.encodeBigInteger(v);
        assertThat(((RlpString) Rlp.decode(enc)).asBigInteger("v", 64)).isEqualTo(v);
        if (v.bitLength() <= 64) {
            assertThat(((RlpString) Rlp.decode(enc)).asLong("v")).isEqualTo(v.longValue());
            assertThat(Rlp.encodeLong(v.longValue())).isEqualTo(enc);
        }
    }

    @Property(tries = 100)
    void truncatedEncodingsAreRejected(@ForAll("items") RlpItem item) {
        Bytes enc = Rlp.encode(item);
        for (int cut = 0; cut < enc.size(); cut++) {
            Bytes prefix = enc.slice(0, cut);
            try {
                Rlp.decode(prefix);
                // a proper prefix can be a complete item only if it is the whole first item
                throw new AssertionError("a proper prefix decoded: " + prefix);
            } catch (RlpException expected) {
                // good
            }
        }
    }

    @Provide
    Arbitrary<RlpItem> items() {
        return Arbitraries.recursive(this::string, this::listOf, 0, 4);
    }

    @Provide
    Arbitrary<BigInteger> uints() {
        return Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.ONE.shiftLeft(300));
    }

    private Arbitrary<RlpItem> string() {
        return Arbitraries.oneOf(
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(70),
                        Arbitraries.bytes().array(byte[].class).ofMinSize(50).ofMaxSize(300),
                        Arbitraries.bytes().array(byte[].class).ofSize(1))
                .map(b -> RlpString.of(Bytes.of(b)));
    }

    private Arbitrary<RlpItem> listOf(Arbitrary<RlpItem> element) {
        return Arbitraries.oneOf(element, element.list().ofMaxSize(5).map(l -> (RlpItem) RlpList.of(l)));
    }
}
