package io.openledger.datanet;

/** The life cycle of a contribution: {@code DRAFT → SUBMITTED → APPROVED | REJECTED}. */
public enum ContributionStatus {
    /** Parsed and stored, not yet signed. */
    DRAFT,
    /** Signed by the contributor, waiting for review. */
    SUBMITTED,
    /** Accepted by the owner or a curator; its new records are in a version. */
    APPROVED,
    /** Refused by the owner or a curator; final. */
    REJECTED
}
