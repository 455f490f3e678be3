package io.openledger.chain.tx;

import java.util.Optional;

/** The EIP-2718 transaction types this module encodes and decodes. */
public enum TransactionType {
    /** Untyped legacy transaction (pre-EIP-155 or EIP-155). */
    LEGACY(0),
    /** EIP-2930 access-list transaction. */
    ACCESS_LIST(1),
    /** EIP-1559 dynamic-fee transaction. */
    DYNAMIC_FEE(2),
    /** EIP-4844 blob transaction (network form without sidecar). */
    BLOB(3),
    /** OP Stack deposited transaction. */
    DEPOSIT(0x7e);

    private final int id;

    TransactionType(int id) {
        this.id = id;
    }

    /** The type byte (0 for legacy, which has none on the wire). */
    public int id() {
        return id;
    }

    /** The type with this type byte, if supported. */
    public static Optional<TransactionType> of(int id) {
        for (TransactionType t : values()) {
            if (t.id == id && t != LEGACY) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
