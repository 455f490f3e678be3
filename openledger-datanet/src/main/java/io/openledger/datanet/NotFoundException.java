package io.openledger.datanet;

/** The datanet, contribution, version or record asked for does not exist. */
public final class NotFoundException extends DatanetException {
    private static final long serialVersionUID = 1L;

    /** An exception naming what was missing. */
    public NotFoundException(String message) {
        super(message);
    }
}
