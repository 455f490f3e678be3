package io.openledger.chain.tx;

/**
 * A transaction that cannot be decoded or is not valid under the rules applied. {@link #reason()}
 * classifies it the way the ethereum/tests TransactionTests do; the message says which field and why
 * (and for malformed RLP, at which byte).
 */
public class InvalidTransactionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a transaction was rejected. */
    public enum Reason {
        /** The bytes are not canonical RLP or a field has the wrong RLP shape. */
        MALFORMED,
        /** The leading type byte is not supported. */
        TYPE_NOT_SUPPORTED,
        /** A list has too few or too many elements. */
        WRONG_FIELD_COUNT,
        /** An integer field exceeds its width (nonce and gas 64 bits, amounts 256 bits). */
        FIELD_OVERFLOW,
        /** The recipient or an access-list entry has the wrong length. */
        BAD_LENGTH,
        /** The nonce is 2^64-1 (EIP-2681). */
        NONCE_TOO_BIG,
        /** v or the chain id does not match the chain. */
        INVALID_CHAIN_ID,
        /** r, s or v is out of range (zero, >= n, or high s under EIP-2). */
        INVALID_SIGNATURE,
        /** No public key recovers from the signature. */
        RECOVERY_FAILED,
        /** The gas limit is below the intrinsic gas. */
        INTRINSIC_GAS_TOO_LOW,
        /** gas limit times the fee cap overflows 256 bits. */
        FEE_OVERFLOW,
        /** maxPriorityFeePerGas exceeds maxFeePerGas. */
        PRIORITY_ABOVE_MAX_FEE,
        /** Contract-creation code longer than EIP-3860 allows. */
        INITCODE_TOO_LARGE,
        /** The transaction type is not active in the fork, or lacks a required field. */
        NOT_ALLOWED
    }

    private final Reason reason;

    /** An exception with a reason and a message. */
    public InvalidTransactionException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    /** An exception with a reason, a message and a cause. */
    public InvalidTransactionException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    /** The classification. */
    public Reason reason() {
        return reason;
    }
}
