package io.openledger.token;

/** Per-account rules, as TigerBeetle's account flags. */
public enum AccountFlag {
    /**
     * Reject a transfer if {@code debitsPending + debitsPosted + amount > creditsPosted}: the account
     * can never go below zero, and incoming pending credits cannot be spent.
     */
    DEBITS_MUST_NOT_EXCEED_CREDITS(1),
    /** Reject a transfer if {@code creditsPending + creditsPosted + amount > debitsPosted}. */
    CREDITS_MUST_NOT_EXCEED_DEBITS(2),
    /** Keep a balance snapshot after every transfer that touches the account ({@link Ledger#history}). */
    HISTORY(4);

    private final int bit;

    AccountFlag(int bit) {
        this.bit = bit;
    }

    /** The flag's bit in {@link Account#flags()}. */
    public int bit() {
        return bit;
    }

    /** The bit mask of {@code flags}. */
    public static int mask(AccountFlag... flags) {
        int m = 0;
        for (AccountFlag f : flags) {
            m |= f.bit;
        }
        return m;
    }
}
