package io.openledger.token;

/** The outcome of creating one account. Only {@link #OK} creates anything. */
public enum AccountResult {
    /** Created. */
    OK,
    /** An account with this id and the same fields exists. */
    EXISTS,
    /** An account with this id exists with different ledger, code, flags or user data. */
    EXISTS_WITH_DIFFERENT_FIELDS,
    /** The id is 0 or 2^128 - 1. */
    ID_MUST_NOT_BE_RESERVED,
    /** Both balance-limit flags are set. */
    FLAGS_ARE_MUTUALLY_EXCLUSIVE,
    /** Ledger 0. */
    LEDGER_MUST_NOT_BE_ZERO,
    /** Code 0. */
    CODE_MUST_NOT_BE_ZERO,
    /** Non-zero balances or timestamp in a creation request. */
    BALANCES_MUST_BE_ZERO;

    /** True for {@link #OK} and {@link #EXISTS}. */
    public boolean isSuccess() {
        return this == OK || this == EXISTS;
    }
}
