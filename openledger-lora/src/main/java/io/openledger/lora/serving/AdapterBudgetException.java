package io.openledger.lora.serving;

/**
 * An adapter cannot be made resident now because the adapters in use (leased, pinned or loading)
 * already hold so much of the byte budget that it does not fit. Retryable once leases are released.
 */
public final class AdapterBudgetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the sizes involved. */
    public AdapterBudgetException(String message) {
        super(message);
    }
}
