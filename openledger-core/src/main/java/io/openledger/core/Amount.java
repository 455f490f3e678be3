package io.openledger.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * An unsigned 256-bit integer amount of base units (for OPEN, 1 token = 10^18 base units).
 *
 * <p>Arithmetic is checked: a result below zero or at or above 2^256 throws {@link
 * AmountOverflowException}, never wraps. No floating point is involved anywhere. Immutable and
 * thread-safe.
 */
public final class Amount implements Comparable<Amount> {
    /** Decimal places of the OPEN token and of {@link #toDecimalString()}. */
    public static final int DECIMALS = 18;

    private static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(256);
    private static final BigInteger MAX_VALUE = LIMIT.subtract(BigInteger.ONE);
    private static final BigInteger[] SMALL = new BigInteger[17];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = BigInteger.valueOf(i);
        }
    }

    /** Zero. */
    public static final Amount ZERO = new Amount(BigInteger.ZERO);

    /** One base unit. */
    public static final Amount ONE = new Amount(BigInteger.ONE);

    /** 2^256 - 1, the largest amount. */
    public static final Amount MAX = new Amount(MAX_VALUE);

    /** 10^18 base units: one whole token. */
    public static final Amount ONE_TOKEN = new Amount(BigInteger.TEN.pow(DECIMALS));

    private final BigInteger value;

    private Amount(BigInteger value) {
        this.value = value;
    }

    /**
     * The amount {@code units} base units.
     *
     * @throws AmountOverflowException if {@code units} is negative
     */
    public static Amount of(long units) {
        if (units < 0) {
            throw new AmountOverflowException("amount cannot be negative: " + units);
        }
        return units < SMALL.length ? cached((int) units) : new Amount(BigInteger.valueOf(units));
    }

    /**
     * The amount {@code units} base units.
     *
     * @throws AmountOverflowException if {@code units} is negative or at least 2^256
     */
    public static Amount of(BigInteger units) {
        if (units.signum() < 0 || units.bitLength() > 256) {
            throw new AmountOverflowException("amount out of the unsigned 256-bit range: " + units);
        }
        return units.signum() == 0 ? ZERO : new Amount(units);
    }

    /** {@code whole} tokens of 10^18 base units each. */
    public static Amount tokens(long whole) {
        return of(whole).mul(ONE_TOKEN);
    }

    /**
     * Parses decimal token text with at most 18 fractional digits, e.g. {@code "1.5"} is 1.5 × 10^18
     * base units.
     *
     * @throws IllegalArgumentException if the text is not a non-negative decimal with at most 18
     *     fractional digits
     * @throws AmountOverflowException if the value does not fit in 256 bits
     */
    public static Amount parseDecimal(String text) {
        if (!text.matches("[0-9]+(\\.[0-9]+)?")) {
            throw new IllegalArgumentException("not a non-negative decimal amount: '" + text + "'");
        }
        BigDecimal d = new BigDecimal(text);
        if (d.scale() > DECIMALS) {
            throw new IllegalArgumentException("more than " + DECIMALS + " decimal places: '" + text + "'");
        }
        return of(d.movePointRight(DECIMALS).toBigIntegerExact());
    }

    /** Reads a 32-byte big-endian unsigned integer (the ABI/RLP word layout). */
    public static Amount fromBytes32(Bytes word) {
        if (word.size() != 32) {
            throw new IllegalArgumentException("a 256-bit word is 32 bytes, got " + word.size());
        }
        return of(new BigInteger(1, word.unsafeArray()));
    }

    /** Reads a big-endian unsigned integer of at most 32 bytes. */
    public static Amount fromUnsignedBytes(Bytes bytes) {
        if (bytes.size() > 32) {
            throw new AmountOverflowException("more than 32 bytes: " + bytes.size());
        }
        return of(new BigInteger(1, bytes.unsafeArray()));
    }

    private static Amount cached(int v) {
        return switch (v) {
            case 0 -> ZERO;
            case 1 -> ONE;
            default -> new Amount(SMALL[v]);
        };
    }

    /** This plus {@code o}; throws if the sum reaches 2^256. */
    public Amount add(Amount o) {
        BigInteger r = value.add(o.value);
        if (r.bitLength() > 256) {
            throw new AmountOverflowException("overflow: " + this + " + " + o);
        }
        return o.value.signum() == 0 ? this : new Amount(r);
    }

    /** This minus {@code o}; throws if {@code o} is larger. */
    public Amount sub(Amount o) {
        if (value.compareTo(o.value) < 0) {
            throw new AmountOverflowException("underflow: " + this + " - " + o);
        }
        return o.value.signum() == 0 ? this : of(value.subtract(o.value));
    }

    /** This times {@code o}; throws if the product reaches 2^256. */
    public Amount mul(Amount o) {
        BigInteger r = value.multiply(o.value);
        if (r.bitLength() > 256) {
            throw new AmountOverflowException("overflow: " + this + " * " + o);
        }
        return of(r);
    }

    /** This times {@code factor}. */
    public Amount mul(long factor) {
        return mul(of(factor));
    }

    /** Floor of this divided by {@code divisor}; throws {@link ArithmeticException} on zero. */
    public Amount div(Amount divisor) {
        if (divisor.value.signum() == 0) {
            throw new ArithmeticException("division of " + this + " by zero");
        }
        return of(value.divide(divisor.value));
    }

    /** This modulo {@code divisor}; throws {@link ArithmeticException} on zero. */
    public Amount mod(Amount divisor) {
        if (divisor.value.signum() == 0) {
            throw new ArithmeticException("modulo of " + this + " by zero");
        }
        return of(value.mod(divisor.value));
    }

    /**
     * floor(this × numerator ÷ denominator), computed exactly with a 512-bit intermediate, so it never
     * overflows when the result fits.
     */
    public Amount mulDiv(Amount numerator, Amount denominator) {
        if (denominator.value.signum() == 0) {
            throw new ArithmeticException("mulDiv by zero");
        }
        return of(value.multiply(numerator.value).divide(denominator.value));
    }

    /** True if zero. */
    public boolean isZero() {
        return value.signum() == 0;
    }

    /** The smaller of this and {@code o}. */
    public Amount min(Amount o) {
        return compareTo(o) <= 0 ? this : o;
    }

    /** The larger of this and {@code o}. */
    public Amount max(Amount o) {
        return compareTo(o) >= 0 ? this : o;
    }

    /** True if this is strictly greater than {@code o}. */
    public boolean greaterThan(Amount o) {
        return compareTo(o) > 0;
    }

    /** True if this is strictly less than {@code o}. */
    public boolean lessThan(Amount o) {
        return compareTo(o) < 0;
    }

    /** The value as a non-negative {@link BigInteger}. */
    public BigInteger toBigInteger() {
        return value;
    }

    /**
     * The value as a {@code long}.
     *
     * @throws ArithmeticException if it does not fit
     */
    public long longValueExact() {
        return value.longValueExact();
    }

    /** 32-byte big-endian encoding. */
    public Bytes toBytes32() {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, out, 32 - n, n);
        return Bytes.wrap(out);
    }

    /** Minimal big-endian encoding (empty for zero), as RLP wants integers. */
    public Bytes toMinimalBytes() {
        if (value.signum() == 0) {
            return Bytes.EMPTY;
        }
        byte[] raw = value.toByteArray();
        return raw[0] == 0 ? Bytes.of(raw, 1, raw.length - 1) : Bytes.wrap(raw);
    }

    /**
     * Token text with the fraction trimmed of trailing zeros: 1.5 × 10^18 base units is {@code
     * "1.5"}, 10^18 is {@code "1"}, 1 is {@code "0.000000000000000001"}.
     */
    public String toDecimalString() {
        BigDecimal d = new BigDecimal(value, DECIMALS).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0, RoundingMode.UNNECESSARY).toPlainString() : d.toPlainString();
    }

    @Override
    public int compareTo(Amount o) {
        return value.compareTo(o.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Amount a && value.equals(a.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** Base units in decimal. */
    @Override
    public String toString() {
        return value.toString();
    }
}
