package io.openledger.token;

import io.openledger.core.Amount;

/**
 * A transfer request or a recorded transfer: it debits exactly one account and credits exactly one
 * account of the same ledger (TigerBeetle's transfer model). Immutable; a recorded transfer is never
 * changed or deleted; mistakes are fixed by correcting transfers.
 *
 * <p>Post and void transfers ({@link TransferFlag#POST_PENDING}, {@link TransferFlag#VOID_PENDING})
 * name the pending transfer in {@code pendingId}; their accounts, ledger and code may be left zero
 * and are then taken from the pending transfer. A post with amount {@link Amount#MAX} posts the full
 * pending amount.
 *
 * @param id the client-chosen id, the idempotency key
 * @param debitAccountId the account debited
 * @param creditAccountId the account credited
 * @param amount the amount in base units
 * @param pendingId for post/void, the pending transfer resolved; otherwise {@link TransferId#ZERO}
 * @param timeoutSeconds for pending transfers, seconds after which they expire (0: never)
 * @param ledger the ledger of both accounts
 * @param code the reason code chosen by the application
 * @param flags bit mask of {@link TransferFlag}s
 * @param userData an application value stored with the transfer
 * @param timestamp when the ledger recorded it (nanoseconds since the epoch; 0 in requests)
 */
public record Transfer(
        TransferId id,
        AccountId debitAccountId,
        AccountId creditAccountId,
        Amount amount,
        TransferId pendingId,
        long timeoutSeconds,
        int ledger,
        int code,
        int flags,
        long userData,
        long timestamp) {

    /** Checks the ranges that a record can hold. */
    public Transfer {
        if (timeoutSeconds < 0 || timeoutSeconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("timeoutSeconds must be in [0, 2^32 - 1], got " + timeoutSeconds);
        }
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("code must be in [0, 65535], got " + code);
        }
        if (ledger < 0) {
            throw new IllegalArgumentException("ledger must be >= 0, got " + ledger);
        }
    }

    /** A builder of a transfer with id {@code id}. */
    public static Builder builder(TransferId id) {
        return new Builder(id);
    }

    /** A simple posted transfer of {@code amount} on {@code ledger} with code 1. */
    public static Transfer of(TransferId id, AccountId debit, AccountId credit, Amount amount, int ledger) {
        return builder(id)
                .debit(debit)
                .credit(credit)
                .amount(amount)
                .ledger(ledger)
                .build();
    }

    /** Posts {@code amount} of pending transfer {@code pendingId} ({@link Amount#MAX}: all of it). */
    public static Transfer post(TransferId id, TransferId pendingId, Amount amount) {
        return builder(id)
                .pendingId(pendingId)
                .amount(amount)
                .flag(TransferFlag.POST_PENDING)
                .build();
    }

    /** Voids pending transfer {@code pendingId}. */
    public static Transfer voidPending(TransferId id, TransferId pendingId) {
        return builder(id).pendingId(pendingId).flag(TransferFlag.VOID_PENDING).build();
    }

    /** True if {@code flag} is set. */
    public boolean has(TransferFlag flag) {
        return (flags & flag.bit()) != 0;
    }

    /** The same transfer with the linked flag set or cleared. */
    public Transfer linked(boolean linked) {
        int f = linked ? flags | TransferFlag.LINKED.bit() : flags & ~TransferFlag.LINKED.bit();
        return new Transfer(
                id,
                debitAccountId,
                creditAccountId,
                amount,
                pendingId,
                timeoutSeconds,
                ledger,
                code,
                f,
                userData,
                timestamp);
    }

    /** The same transfer with another timestamp (for ledgers recording it). */
    public Transfer withTimestamp(long ts) {
        return new Transfer(
                id,
                debitAccountId,
                creditAccountId,
                amount,
                pendingId,
                timeoutSeconds,
                ledger,
                code,
                flags,
                userData,
                ts);
    }

    /**
     * Builds a transfer: ledger defaults to 0 (set it, except for post/void, which inherit it) and
     * code to 1 (0, "inherit", once post or void is flagged). Not thread-safe.
     */
    public static final class Builder {
        private final TransferId id;
        private AccountId debit = AccountId.ZERO;
        private AccountId credit = AccountId.ZERO;
        private Amount amount = Amount.ZERO;
        private TransferId pendingId = TransferId.ZERO;
        private long timeoutSeconds;
        private int ledger;
        private int code = 1;
        private int flags;
        private long userData;

        private Builder(TransferId id) {
            this.id = id;
        }

        /** The account debited. */
        public Builder debit(AccountId a) {
            this.debit = a;
            return this;
        }

        /** The account credited. */
        public Builder credit(AccountId a) {
            this.credit = a;
            return this;
        }

        /** The amount in base units. */
        public Builder amount(Amount a) {
            this.amount = a;
            return this;
        }

        /** The pending transfer that a post or void resolves. */
        public Builder pendingId(TransferId p) {
            this.pendingId = p;
            return this;
        }

        /** Timeout of a pending transfer in seconds, 0..2^32-1 (0: none). */
        public Builder timeoutSeconds(long s) {
            if (s < 0 || s > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("timeoutSeconds must be in [0, 2^32 - 1], got " + s);
            }
            this.timeoutSeconds = s;
            return this;
        }

        /** The ledger, >= 0 (0 only for post/void, meaning "as the pending transfer"). */
        public Builder ledger(int l) {
            if (l < 0) {
                throw new IllegalArgumentException("ledger must be >= 0, got " + l);
            }
            this.ledger = l;
            return this;
        }

        /** The reason code, 0..65535 (0 only for post/void). */
        public Builder code(int c) {
            if (c < 0 || c > 0xFFFF) {
                throw new IllegalArgumentException("code must be in [0, 65535], got " + c);
            }
            this.code = c;
            return this;
        }

        /** Sets a flag; flagging post or void turns a default code of 1 into 0 (inherit). */
        public Builder flag(TransferFlag f) {
            this.flags |= f.bit();
            if (f == TransferFlag.POST_PENDING || f == TransferFlag.VOID_PENDING) {
                if (code == 1) {
                    code = 0;
                }
            }
            return this;
        }

        /** Marks the transfer linked to the next one. */
        public Builder linked() {
            return flag(TransferFlag.LINKED);
        }

        /** Marks the transfer pending. */
        public Builder pending() {
            return flag(TransferFlag.PENDING);
        }

        /** An application value stored with the transfer. */
        public Builder userData(long u) {
            this.userData = u;
            return this;
        }

        /** The transfer (timestamp 0; the ledger sets it). */
        public Transfer build() {
            return new Transfer(id, debit, credit, amount, pendingId, timeoutSeconds, ledger, code, flags, userData, 0);
        }
    }
}
