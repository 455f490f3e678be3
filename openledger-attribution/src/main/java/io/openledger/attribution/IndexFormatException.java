package io.openledger.attribution;

/** An attribution index file is not well formed (bad magic, impossible counts, wrong size); the message names the file and what is wrong. */
public final class IndexFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a message naming the file and the defect. */
    public IndexFormatException(String message) {
        super(message);
    }
}
