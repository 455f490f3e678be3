package io.openledger.core;

/** Thrown when an {@link Amount} operation would leave the unsigned 256-bit range. */
public final class AmountOverflowException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    /** An exception with the given message. */
    public AmountOverflowException(String message) {
        super(message);
    }
}
