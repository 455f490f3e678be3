package io.openledger.token;

/** Where a pending transfer stands. A pending transfer leaves {@link #PENDING} at most once. */
public enum PendingStatus {
    /** Reserved, not resolved yet. */
    PENDING,
    /** Posted (fully or partially) by a later transfer. */
    POSTED,
    /** Voided by a later transfer. */
    VOIDED,
    /** Its timeout passed; the full amount went back. */
    EXPIRED
}
