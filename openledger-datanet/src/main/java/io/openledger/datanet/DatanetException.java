package io.openledger.datanet;

/**
 * Base of every error the datanet module reports on bad input or a forbidden action. When one is
 * thrown, nothing was changed: no record, contribution or version was written.
 */
public abstract class DatanetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message that names the input and what was wrong. */
    protected DatanetException(String message) {
        super(message);
    }

    /** An exception with a message and the underlying cause. */
    protected DatanetException(String message, Throwable cause) {
        super(message, cause);
    }
}
