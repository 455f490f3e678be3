package io.openledger.chain.block;

import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import java.math.BigInteger;

/**
 * The EIP-1559 base-fee update, with the elasticity multiplier and change denominator as parameters
 * (OP Stack chains configure them; from Holocene they travel in the header's {@code extraData}).
 * Stateless and thread-safe.
 */
public final class BaseFee {
    private BaseFee() {}

    /**
     * EIP-1559 parameters.
     *
     * @param denominator base-fee change denominator (> 0)
     * @param elasticity elasticity multiplier (> 0): gas target = gas limit / elasticity
     */
    public record Params(long denominator, long elasticity) {
        /** Ethereum L1: denominator 8, elasticity 2. */
        public static final Params ETHEREUM = new Params(8, 2);

        /** OP Mainnet from Canyon: denominator 250, elasticity 6. */
        public static final Params OP_MAINNET = new Params(250, 6);

        /**
         * Checks the ranges.
         *
         * @throws IllegalArgumentException if either value is not in [1, 2^32-1]
         */
        public Params {
            if (denominator < 1 || denominator > 0xffffffffL) {
                throw new IllegalArgumentException("denominator must be in [1, 4294967295], got " + denominator);
            }
            if (elasticity < 1 || elasticity > 0xffffffffL) {
                throw new IllegalArgumentException("elasticity must be in [1, 4294967295], got " + elasticity);
            }
        }

        /** Holocene {@code extraData}: {@code 0x00 ++ u32be denominator ++ u32be elasticity}. */
        public Bytes toHoloceneExtraData() {
            byte[] b = new byte[9];
            for (int i = 0; i < 4; i++) {
                b[1 + i] = (byte) (denominator >>> (24 - 8 * i));
                b[5 + i] = (byte) (elasticity >>> (24 - 8 * i));
            }
            return Bytes.wrap(b);
        }

        /**
         * Parses Holocene {@code extraData}.
         *
         * @throws IllegalArgumentException unless it is 9 bytes, version 0, with both values non-zero
         */
        public static Params fromHoloceneExtraData(Bytes extra) {
            if (extra.size() != 9 || extra.get(0) != 0) {
                throw new IllegalArgumentException("Holocene extraData is 9 bytes starting 0x00, got " + extra);
            }
            long d = 0;
            long e = 0;
            for (int i = 0; i < 4; i++) {
                d = (d << 8) | extra.getUnsigned(1 + i);
                e = (e << 8) | extra.getUnsigned(5 + i);
            }
            return new Params(d, e);
        }
    }

    /**
     * The base fee of the block after a parent with these values (go-ethereum {@code CalcBaseFee}):
     * unchanged at the target, up by at least 1 wei above it, down (not below 0) under it.
     *
     * @param parentBaseFee the parent's base fee
     * @param parentGasLimit the parent's gas limit (unsigned)
     * @param parentGasUsed the parent's gas used (unsigned)
     * @throws IllegalArgumentException if the gas target is zero
     */
    public static Amount next(Amount parentBaseFee, long parentGasLimit, long parentGasUsed, Params params) {
        BigInteger target = u64(parentGasLimit).divide(BigInteger.valueOf(params.elasticity()));
        if (target.signum() == 0) {
            throw new IllegalArgumentException(
                    "gas target is zero (gas limit " + Long.toUnsignedString(parentGasLimit) + ")");
        }
        BigInteger used = u64(parentGasUsed);
        BigInteger base = parentBaseFee.toBigInteger();
        BigInteger denom = BigInteger.valueOf(params.denominator());
        int cmp = used.compareTo(target);
        if (cmp == 0) {
            return parentBaseFee;
        }
        if (cmp > 0) {
            BigInteger delta = base.multiply(used.subtract(target))
                    .divide(target)
                    .divide(denom)
                    .max(BigInteger.ONE);
            return Amount.of(base.add(delta));
        }
        BigInteger delta = base.multiply(target.subtract(used)).divide(target).divide(denom);
        return Amount.of(base.subtract(delta).max(BigInteger.ZERO));
    }

    private static BigInteger u64(long v) {
        return new BigInteger(Long.toUnsignedString(v));
    }
}
