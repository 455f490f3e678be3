package io.openledger.core.store;

/** A storage failure: the store is closed, corrupt, or its backend reported an error. */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    public StoreException(String message) {
        super(message);
    }

    /** An exception with a message and a cause. */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
