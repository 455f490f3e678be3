package io.openledger.datanet;

/**
 * The action does not fit the current state: approving a contribution that is not submitted,
 * submitting one twice, creating a datanet whose id is taken.
 */
public final class InvalidStateException extends DatanetException {
    private static final long serialVersionUID = 1L;

    /** An exception naming the object and its state. */
    public InvalidStateException(String message) {
        super(message);
    }
}
