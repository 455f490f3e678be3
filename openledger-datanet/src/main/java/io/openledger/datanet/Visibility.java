package io.openledger.datanet;

/** Who may contribute to a datanet. */
public enum Visibility {
    /** Anyone may contribute; the owner or a curator reviews. */
    PUBLIC,
    /** Only the owner, curators and listed contributors may contribute. */
    PRIVATE
}
