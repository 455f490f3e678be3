package io.openledger.datanet;

/**
 * A file could not be ingested: it is too large, not valid UTF-8, of an unsupported type, or
 * corrupt (a PDF or DOCX its parser rejects, a malformed JSONL line or CSV row).
 */
public final class IngestException extends DatanetException {
    private static final long serialVersionUID = 1L;

    /** Why a file was rejected. */
    public enum Reason {
        /** Larger than the configured per-file cap. */
        TOO_LARGE,
        /** Text that is not well-formed UTF-8. */
        INVALID_UTF8,
        /** A file name extension the module does not ingest. */
        UNSUPPORTED_TYPE,
        /** Bytes the format's parser rejects. */
        CORRUPT,
        /** A file that parses but holds no text. */
        EMPTY
    }

    private final String fileName;
    private final Reason reason;

    /** An exception for {@code fileName}. */
    public IngestException(String fileName, Reason reason, String detail) {
        super(fileName + ": " + detail);
        this.fileName = fileName;
        this.reason = reason;
    }

    /** An exception for {@code fileName} with the parser's exception as cause. */
    public IngestException(String fileName, Reason reason, String detail, Throwable cause) {
        super(fileName + ": " + detail, cause);
        this.fileName = fileName;
        this.reason = reason;
    }

    /** The rejected file's name. */
    public String fileName() {
        return fileName;
    }

    /** Why it was rejected. */
    public Reason reason() {
        return reason;
    }
}
