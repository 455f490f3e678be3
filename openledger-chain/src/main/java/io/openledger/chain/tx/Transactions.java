package io.openledger.chain.tx;

import io.openledger.chain.internal.TxDecoder;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import java.math.BigInteger;
import java.util.Optional;

/**
 * Strict decoding, intrinsic gas and validity rules for transactions. Stateless and thread-safe.
 *
 * <p>Intrinsic gas (Yellow Paper §6.2 with EIP-2028, EIP-2930, EIP-3860): 21000, plus 32000 for
 * contract creation, plus 4 per zero and 16 per non-zero data byte, plus 2400 per access-list address
 * and 1900 per storage key, plus (Shanghai on) 2 per 32-byte word of init code.
 */
public final class Transactions {
    /** EIP-3860 init-code limit (2 × the EIP-170 code size limit). */
    public static final int MAX_INITCODE_SIZE = 49152;

    private static final BigInteger TWO_256 = BigInteger.ONE.shiftLeft(256);

    private Transactions() {}

    /**
     * Decodes the canonical encoding of any supported type (legacy, 1, 2, 3, 0x7E).
     *
     * @throws InvalidTransactionException with {@link InvalidTransactionException.Reason#MALFORMED} (and
     *     the byte offset) for non-canonical RLP, {@code TYPE_NOT_SUPPORTED} for an unknown type byte,
     *     {@code WRONG_FIELD_COUNT}, {@code FIELD_OVERFLOW} or {@code BAD_LENGTH} for bad fields
     */
    public static Transaction decode(Bytes encoded) {
        return TxDecoder.decode(encoded);
    }

    /** The intrinsic gas of {@code tx} under {@code fork}'s rules. */
    public static long intrinsicGas(Transaction tx, EthereumFork fork) {
        long gas = 21_000;
        boolean create = tx.to().isEmpty();
        if (create) {
            gas += 32_000;
        }
        Bytes data = tx.data();
        long zeros = 0;
        for (int i = 0; i < data.size(); i++) {
            if (data.get(i) == 0) {
                zeros++;
            }
        }
        gas += 4 * zeros + 16 * (data.size() - zeros);
        for (AccessListEntry e : accessList(tx)) {
            gas += 2400 + 1900L * e.storageKeys().size();
        }
        if (create && fork.atLeast(EthereumFork.SHANGHAI)) {
            gas += 2L * ((data.size() + 31) / 32);
        }
        return gas;
    }

    /** EIP-7623 (Prague) minimum gas: 21000 + 10 per calldata token (zero byte 1 token, other 4). */
    public static long floorDataGas(Transaction tx) {
        Bytes data = tx.data();
        long tokens = 0;
        for (int i = 0; i < data.size(); i++) {
            tokens += data.get(i) == 0 ? 1 : 4;
        }
        return 21_000 + 10 * tokens;
    }

    /**
     * Checks {@code tx} against the L1 rules of {@code fork} on chain {@code chainId} and returns its
     * sender. Rules are checked in the order nonce, chain id, signature, fee caps, init-code size,
     * intrinsic gas. Deposits are not L1 transactions and are refused.
     *
     * @throws InvalidTransactionException naming the first rule broken
     */
    public static Address validate(Transaction tx, long chainId, EthereumFork fork) {
        switch (tx) {
            case DepositTransaction d ->
                throw new InvalidTransactionException(
                        InvalidTransactionException.Reason.NOT_ALLOWED,
                        "deposit transactions exist only on OP Stack L2s");
            case BlobTransaction b
            when !fork.atLeast(EthereumFork.CANCUN) ->
                throw new InvalidTransactionException(
                        InvalidTransactionException.Reason.TYPE_NOT_SUPPORTED, "blob transactions need Cancun");
            default -> {}
        }
        if (tx.nonce() == -1L) {
            throw new InvalidTransactionException(
                    InvalidTransactionException.Reason.NONCE_TOO_BIG, "nonce 2^64-1 cannot be incremented (EIP-2681)");
        }
        Optional<Long> txChain =
                switch (tx) {
                    case LegacyTransaction l ->
                        l.chainId().isPresent() ? Optional.of(l.chainId().getAsLong()) : Optional.empty();
                    case AccessListTransaction a -> Optional.of(a.chainId());
                    case DynamicFeeTransaction d -> Optional.of(d.chainId());
                    case BlobTransaction b -> Optional.of(b.chainId());
                    case DepositTransaction d -> Optional.empty();
                };
        if (txChain.isPresent() && txChain.get() != chainId) {
            throw new InvalidTransactionException(
                    InvalidTransactionException.Reason.INVALID_CHAIN_ID,
                    "chain id " + Long.toUnsignedString(txChain.get()) + " is not " + Long.toUnsignedString(chainId));
        }
        Address sender = tx.sender();
        Amount feeCap =
                switch (tx) {
                    case LegacyTransaction l -> l.gasPrice();
                    case AccessListTransaction a -> a.gasPrice();
                    case DynamicFeeTransaction d -> d.maxFeePerGas();
                    case BlobTransaction b -> b.maxFeePerGas();
                    case DepositTransaction d -> Amount.ZERO;
                };
        BigInteger gasLimit = new BigInteger(Long.toUnsignedString(tx.gasLimit()));
        if (gasLimit.multiply(feeCap.toBigInteger()).compareTo(TWO_256) >= 0) {
            throw new InvalidTransactionException(
                    InvalidTransactionException.Reason.FEE_OVERFLOW, "gas limit × fee cap overflows 256 bits");
        }
        Amount tip =
                switch (tx) {
                    case DynamicFeeTransaction d -> d.maxPriorityFeePerGas();
                    case BlobTransaction b -> b.maxPriorityFeePerGas();
                    default -> Amount.ZERO;
                };
        if (tip.greaterThan(feeCap)) {
            throw new InvalidTransactionException(
                    InvalidTransactionException.Reason.PRIORITY_ABOVE_MAX_FEE,
                    "maxPriorityFeePerGas " + tip.toBigInteger() + " exceeds maxFeePerGas " + feeCap.toBigInteger());
        }
        if (fork.atLeast(EthereumFork.SHANGHAI)
                && tx.to().isEmpty()
                && tx.data().size() > MAX_INITCODE_SIZE) {
            throw new InvalidTransactionException(
                    InvalidTransactionException.Reason.INITCODE_TOO_LARGE,
                    "init code is " + tx.data().size() + " bytes, more than " + MAX_INITCODE_SIZE);
        }
        long intrinsic = intrinsicGas(tx, fork);
        if (fork.atLeast(EthereumFork.PRAGUE)) {
            intrinsic = Math.max(intrinsic, floorDataGas(tx));
        }
        if (Long.compareUnsigned(tx.gasLimit(), intrinsic) < 0) {
            throw new InvalidTransactionException(
                    InvalidTransactionException.Reason.INTRINSIC_GAS_TOO_LOW,
                    "gas limit " + Long.toUnsignedString(tx.gasLimit()) + " is below the intrinsic gas " + intrinsic);
        }
        return sender;
    }

    private static java.util.List<AccessListEntry> accessList(Transaction tx) {
        return switch (tx) {
            case AccessListTransaction a -> a.accessList();
            case DynamicFeeTransaction d -> d.accessList();
            case BlobTransaction b -> b.accessList();
            default -> java.util.List.of();
        };
    }
}
