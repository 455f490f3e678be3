package io.openledger.chain.op;

import io.openledger.chain.internal.FastLz;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import java.math.BigInteger;

/**
 * The L1 data fee an OP Stack chain charges a transaction for posting it to L1, computed from the
 * transaction's full signed encoding and the fee parameters of the block's L1-info deposit. Integer
 * arithmetic exactly as op-geth's {@code core/types/rollup_cost.go}. Stateless and thread-safe.
 */
public final class L1DataFee {
    /** Fjord: FastLZ size coefficient (scaled by 1e6). */
    public static final long FJORD_FASTLZ_COEF = 836_500;

    /** Fjord: regression intercept (scaled by 1e6). */
    public static final long FJORD_INTERCEPT = -42_585_600;

    /** Fjord: minimum estimated size, 100 bytes scaled by 1e6. */
    public static final long FJORD_MIN_SIZE = 100_000_000;

    private static final BigInteger SIXTEEN = BigInteger.valueOf(16);

    private L1DataFee() {}

    /**
     * Ecotone ({@code ecotone/exec-engine.md}): {@code calldataGas · (16·baseFeeScalar·l1BaseFee +
     * blobBaseFeeScalar·l1BlobBaseFee) / 16e6}, where calldataGas = 4 per zero byte + 16 per other byte.
     */
    public static Amount ecotone(Bytes signedTx, L1BlockInfo info) {
        long zeros = 0;
        for (int i = 0; i < signedTx.size(); i++) {
            if (signedTx.get(i) == 0) {
                zeros++;
            }
        }
        BigInteger calldataGas = BigInteger.valueOf(4 * zeros + 16 * (signedTx.size() - zeros));
        return Amount.of(calldataGas.multiply(scaledFee(info)).divide(BigInteger.valueOf(16_000_000)));
    }

    /**
     * Fjord ({@code fjord/exec-engine.md}): {@code estimatedSize · (16·baseFeeScalar·l1BaseFee +
     * blobBaseFeeScalar·l1BlobBaseFee) / 1e12}, with {@code estimatedSize = max(100e6, -42,585,600 +
     * 836,500·fastlzSize)} and fastlzSize the FastLZ-compressed length of the signed transaction.
     */
    public static Amount fjord(Bytes signedTx, L1BlockInfo info) {
        long estimated = estimatedSizeFjord(signedTx);
        return Amount.of(BigInteger.valueOf(estimated).multiply(scaledFee(info)).divide(BigInteger.TEN.pow(12)));
    }

    /** Fjord's estimated compressed size of {@code signedTx}, scaled by 1e6. */
    public static long estimatedSizeFjord(Bytes signedTx) {
        long flz = FastLz.compressedLength(signedTx.unsafeArray());
        return Math.max(FJORD_MIN_SIZE, FJORD_INTERCEPT + FJORD_FASTLZ_COEF * flz);
    }

    /** Length of the FastLZ (level 1) compression of {@code data}, as op-geth's {@code FlzCompressLen}. */
    public static int fastLzLength(Bytes data) {
        return FastLz.compressedLength(data.unsafeArray());
    }

    private static BigInteger scaledFee(L1BlockInfo info) {
        return BigInteger.valueOf(info.baseFeeScalar())
                .multiply(info.baseFee().toBigInteger())
                .multiply(SIXTEEN)
                .add(BigInteger.valueOf(info.blobBaseFeeScalar())
                        .multiply(info.blobBaseFee().toBigInteger()));
    }
}
