package io.openledger.datanet;

/**
 * The acting address may not do what it asked: contribute to a private datanet it is not listed
 * on, review without being the owner or a curator, or edit a datanet it does not own.
 */
public final class PermissionDeniedException extends DatanetException {
    private static final long serialVersionUID = 1L;

    /** An exception naming who tried what. */
    public PermissionDeniedException(String message) {
        super(message);
    }
}
