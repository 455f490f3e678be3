package io.openledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link Amount} against {@link BigInteger} as the oracle, with the 2^256 edge over-weighted. */
class AmountProperties {
    static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(256);

    @Provide
    Arbitrary<BigInteger> u256() {
        Arbitrary<BigInteger> any = Arbitraries.bigIntegers().between(BigInteger.ZERO, LIMIT.subtract(BigInteger.ONE));
        Arbitrary<BigInteger> small = Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.valueOf(1000));
        Arbitrary<BigInteger> nearMax = Arbitraries.bigIntegers()
                .between(BigInteger.ZERO, BigInteger.valueOf(1000))
                .map(d -> LIMIT.subtract(BigInteger.ONE).subtract(d));
        Arbitrary<BigInteger> powers = Arbitraries.integers().between(0, 255).map(BigInteger.ONE::shiftLeft);
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(3, any),
                        net.jqwik.api.Tuple.of(2, small),
                        net.jqwik.api.Tuple.of(2, nearMax),
                        net.jqwik.api.Tuple.of(2, powers))
                .map(x -> x);
    }

    @Property(tries = 2000)
    void addMatchesBigIntegerOrThrows(@ForAll("u256") BigInteger a, @ForAll("u256") BigInteger b) {
        BigInteger want = a.add(b);
        if (want.compareTo(LIMIT) >= 0) {
            assertThatThrownBy(() -> Amount.of(a).add(Amount.of(b))).isInstanceOf(AmountOverflowException.class);
        } else {
            assertThat(Amount.of(a).add(Amount.of(b)).toBigInteger()).isEqualTo(want);
        }
    }

    @Property(tries = 2000)
    void subMatchesBigIntegerOrThrows(@ForAll("u256") BigInteger a, @ForAll("u256") BigInteger b) {
        BigInteger want = a.subtract(b);
        if (want.signum() < 0) {
            assertThatThrownBy(() -> Amount.of(a).sub(Amount.of(b))).isInstanceOf(AmountOverflowException.class);
        } else {
            assertThat(Amount.of(a).sub(Amount.of(b)).toBigInteger()).isEqualTo(want);
        }
    }

    @Property(tries = 2000)
    void mulMatchesBigIntegerOrThrows(@ForAll("u256") BigInteger a, @ForAll("u256") BigInteger b) {
        BigInteger want = a.multiply(b);
        if (want.compareTo(LIMIT) >= 0) {
            assertThatThrownBy(() -> Amount.of(a).mul(Amount.of(b))).isInstanceOf(AmountOverflowException.class);
        } else {
            assertThat(Amount.of(a).mul(Amount.of(b)).toBigInteger()).isEqualTo(want);
        }
    }

    @Property(tries = 1000)
    void divModAndMulDiv(@ForAll("u256") BigInteger a, @ForAll("u256") BigInteger b, @ForAll("u256") BigInteger c) {
        if (b.signum() == 0) {
            assertThatThrownBy(() -> Amount.of(a).div(Amount.ZERO)).isInstanceOf(ArithmeticException.class);
            return;
        }
        assertThat(Amount.of(a).div(Amount.of(b)).toBigInteger()).isEqualTo(a.divide(b));
        assertThat(Amount.of(a).mod(Amount.of(b)).toBigInteger()).isEqualTo(a.mod(b));
        BigInteger want = a.multiply(c).divide(b);
        if (want.compareTo(LIMIT) >= 0) {
            assertThatThrownBy(() -> Amount.of(a).mulDiv(Amount.of(c), Amount.of(b)))
                    .isInstanceOf(AmountOverflowException.class);
        } else {
            assertThat(Amount.of(a).mulDiv(Amount.of(c), Amount.of(b)).toBigInteger())
                    .isEqualTo(want);
        }
    }

    @Property(tries = 1000)
    void decimalTextAndBytesRoundTrip(@ForAll("u256") BigInteger a) {
        Amount x = Amount.of(a);
        assertThat(Amount.parseDecimal(x.toDecimalString())).isEqualTo(x);
        assertThat(Amount.fromBytes32(x.toBytes32())).isEqualTo(x);
        assertThat(Amount.fromUnsignedBytes(x.toMinimalBytes())).isEqualTo(x);
        assertThat(x.toMinimalBytes().isEmpty() || x.toMinimalBytes().get(0) != 0)
                .isTrue();
    }

    @Property(tries = 500)
    void orderMatchesBigInteger(@ForAll("u256") BigInteger a, @ForAll("u256") BigInteger b) {
        assertThat(Integer.signum(Amount.of(a).compareTo(Amount.of(b)))).isEqualTo(a.compareTo(b));
    }

    @Test
    void decimalText() {
        assertThat(Amount.parseDecimal("1.5").toString()).isEqualTo("1500000000000000000");
        assertThat(Amount.ONE.toDecimalString()).isEqualTo("0.000000000000000001");
        assertThat(Amount.tokens(1_000_000_000L).toDecimalString()).isEqualTo("1000000000");
        assertThat(Amount.ZERO.toDecimalString()).isEqualTo("0");
        assertThatThrownBy(() -> Amount.parseDecimal("0.0000000000000000001"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("18 decimal places");
        assertThatThrownBy(() -> Amount.parseDecimal("-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Amount.of(-1)).isInstanceOf(AmountOverflowException.class);
        assertThatThrownBy(() -> Amount.of(LIMIT)).isInstanceOf(AmountOverflowException.class);
        assertThat(Amount.MAX.toBigInteger()).isEqualTo(LIMIT.subtract(BigInteger.ONE));
    }
}
