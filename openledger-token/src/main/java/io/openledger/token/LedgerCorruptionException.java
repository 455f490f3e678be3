package io.openledger.token;

/**
 * The stored ledger is damaged (a record fails its checksum, or the double-entry sums do not close).
 * The ledger refuses to open rather than continue with money missing or invented.
 */
public final class LedgerCorruptionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception naming what is damaged. */
    public LedgerCorruptionException(String message) {
        super(message);
    }
}
