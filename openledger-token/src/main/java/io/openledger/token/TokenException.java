package io.openledger.token;

/**
 * A token operation that was refused (the ERC-20 "revert"): nothing moved. The {@link #reason()}
 * says which rule was broken.
 */
public final class TokenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why an operation was refused (after ERC-6093's error names). */
    public enum Reason {
        /** The sender's balance is below the amount. */
        INSUFFICIENT_BALANCE,
        /** The spender's allowance is below the amount. */
        INSUFFICIENT_ALLOWANCE,
        /** The sender is the zero address. */
        INVALID_SENDER,
        /** The receiver is the zero address. */
        INVALID_RECEIVER,
        /** The approver is the zero address. */
        INVALID_APPROVER,
        /** The spender is the zero address. */
        INVALID_SPENDER,
        /** A parameter is out of range or a precondition of the operation does not hold. */
        INVALID_ARGUMENT,
        /** The ledger rejected the operation for another reason (see the message). */
        REJECTED
    }

    private final Reason reason;

    /** An exception with its reason and a message naming the inputs. */
    public TokenException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    /** Why the operation was refused. */
    public Reason reason() {
        return reason;
    }
}
