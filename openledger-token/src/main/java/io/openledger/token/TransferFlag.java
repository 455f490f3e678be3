package io.openledger.token;

/** How a transfer behaves, as TigerBeetle's transfer flags. */
public enum TransferFlag {
    /** The transfer's outcome is tied to the next transfer of the same request: all or nothing. */
    LINKED(1),
    /** Reserve the amount (pending debit and credit) until posted, voided or timed out. */
    PENDING(2),
    /** Post (all or part of) the pending transfer named by {@code pendingId}. */
    POST_PENDING(4),
    /** Void the pending transfer named by {@code pendingId}, returning its whole amount. */
    VOID_PENDING(8);

    private final int bit;

    TransferFlag(int bit) {
        this.bit = bit;
    }

    /** The flag's bit in {@link Transfer#flags()}. */
    public int bit() {
        return bit;
    }
}
