package io.openledger.token;

/**
 * The outcome of one transfer in a request (TigerBeetle's {@code CreateTransferResult}, condensed).
 * Only {@link #OK} changes balances; every other result leaves the ledger exactly as it was, except
 * that a <em>transient</em> failure of a standalone (unlinked) transfer burns its id so that a retry
 * returns {@link #ID_ALREADY_FAILED} instead of a different outcome.
 */
public enum TransferResult {
    /** Applied. */
    OK,
    /** A transfer with this id and the same fields exists: the retry changed nothing. */
    EXISTS,
    /** A transfer with this id exists with different fields: rejected. */
    EXISTS_WITH_DIFFERENT_FIELDS,
    /** A transfer with this id failed earlier with a transient error; use a new id to try again. */
    ID_ALREADY_FAILED,
    /** Another transfer of its linked chain failed, so this one was rolled back. */
    LINKED_EVENT_FAILED,
    /** The request's last transfer has the linked flag: the chain is open. */
    LINKED_EVENT_CHAIN_OPEN,
    /** The id is 0 or 2^128 - 1. */
    ID_MUST_NOT_BE_RESERVED,
    /** More than one of pending, post and void is set. */
    FLAGS_ARE_MUTUALLY_EXCLUSIVE,
    /** Debit or credit account id is 0 or 2^128 - 1. */
    ACCOUNT_ID_MUST_NOT_BE_RESERVED,
    /** Debit and credit account are the same. */
    ACCOUNTS_MUST_BE_DIFFERENT,
    /** A pendingId was given on a transfer that neither posts nor voids. */
    PENDING_ID_MUST_BE_ZERO,
    /** A post or void without a pendingId, or naming itself. */
    PENDING_ID_MUST_BE_VALID,
    /** A timeout on a transfer that is not pending. */
    TIMEOUT_RESERVED_FOR_PENDING_TRANSFER,
    /** Ledger 0 on a transfer that is not a post or void. */
    LEDGER_MUST_NOT_BE_ZERO,
    /** Code 0 on a transfer that is not a post or void. */
    CODE_MUST_NOT_BE_ZERO,
    /** The debit account does not exist (transient). */
    DEBIT_ACCOUNT_NOT_FOUND,
    /** The credit account does not exist (transient). */
    CREDIT_ACCOUNT_NOT_FOUND,
    /** The two accounts are on different ledgers. */
    ACCOUNTS_MUST_HAVE_THE_SAME_LEDGER,
    /** The transfer's ledger differs from its accounts'. */
    TRANSFER_MUST_HAVE_THE_SAME_LEDGER_AS_ACCOUNTS,
    /** The pending transfer named does not exist (transient). */
    PENDING_TRANSFER_NOT_FOUND,
    /** The transfer named by pendingId is not a pending transfer. */
    PENDING_TRANSFER_NOT_PENDING,
    /** Accounts, ledger or code differ from the pending transfer's. */
    PENDING_TRANSFER_HAS_DIFFERENT_FIELDS,
    /** A void whose amount is neither 0 nor the pending amount. */
    PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT,
    /** A post of more than the pending amount. */
    EXCEEDS_PENDING_TRANSFER_AMOUNT,
    /** The pending transfer was already posted. */
    PENDING_TRANSFER_ALREADY_POSTED,
    /** The pending transfer was already voided. */
    PENDING_TRANSFER_ALREADY_VOIDED,
    /** The pending transfer timed out. */
    PENDING_TRANSFER_EXPIRED,
    /** A counter would pass 2^256 - 1. */
    OVERFLOWS,
    /** timestamp + timeout would pass 2^63 - 1 nanoseconds. */
    OVERFLOWS_TIMEOUT,
    /** The debit account has {@link AccountFlag#DEBITS_MUST_NOT_EXCEED_CREDITS} and would break it (transient). */
    EXCEEDS_CREDITS,
    /** The credit account has {@link AccountFlag#CREDITS_MUST_NOT_EXCEED_DEBITS} and would break it (transient). */
    EXCEEDS_DEBITS;

    /** True for {@link #OK} and {@link #EXISTS}: the transfer is recorded. */
    public boolean isSuccess() {
        return this == OK || this == EXISTS;
    }

    /** True for failures that depend on the ledger's state at the time, which burn a standalone transfer's id. */
    public boolean isTransient() {
        return switch (this) {
            case DEBIT_ACCOUNT_NOT_FOUND,
                    CREDIT_ACCOUNT_NOT_FOUND,
                    PENDING_TRANSFER_NOT_FOUND,
                    EXCEEDS_CREDITS,
                    EXCEEDS_DEBITS -> true;
            default -> false;
        };
    }
}
