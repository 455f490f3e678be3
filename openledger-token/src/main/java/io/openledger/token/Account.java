package io.openledger.token;

import io.openledger.core.Amount;
import java.math.BigInteger;

/**
 * A ledger account: immutable identity fields and four monotone balance counters (TigerBeetle's
 * account model). A credit-balance account (a holder's tokens) has balance {@code creditsPosted -
 * debitsPosted}; a debit-balance account (the issuance account) {@code debitsPosted -
 * creditsPosted}. Immutable value; the ledger returns a new one after every change.
 *
 * @param id the account id (not reserved)
 * @param ledger the partition: only accounts of the same ledger transact (not 0)
 * @param code the account's category chosen by the application (1..65535)
 * @param flags bit mask of {@link AccountFlag}s
 * @param userData an application value stored with the account (immutable)
 * @param debitsPending debits reserved by pending transfers
 * @param debitsPosted posted debits
 * @param creditsPending credits reserved by pending transfers
 * @param creditsPosted posted credits
 * @param timestamp when the ledger created it (nanoseconds since the epoch; 0 before creation)
 */
public record Account(
        AccountId id,
        int ledger,
        int code,
        int flags,
        long userData,
        Amount debitsPending,
        Amount debitsPosted,
        Amount creditsPending,
        Amount creditsPosted,
        long timestamp) {

    /** A builder of a new account with zero balances, to pass to {@link Ledger#createAccounts}. */
    public static Builder builder(AccountId id) {
        return new Builder(id);
    }

    /** True if {@code flag} is set. */
    public boolean has(AccountFlag flag) {
        return (flags & flag.bit()) != 0;
    }

    /** {@code creditsPosted - debitsPosted}, which may be negative for debit-balance accounts. */
    public BigInteger netCredit() {
        return creditsPosted.toBigInteger().subtract(debitsPosted.toBigInteger());
    }

    /**
     * What a credit-balance account can still spend: {@code creditsPosted - debitsPosted -
     * debitsPending}, or zero if that is negative.
     */
    public Amount available() {
        BigInteger v = netCredit().subtract(debitsPending.toBigInteger());
        return v.signum() <= 0 ? Amount.ZERO : Amount.of(v);
    }

    /** Same account with new counters (internal use by ledgers). */
    public Account withBalances(Amount dPending, Amount dPosted, Amount cPending, Amount cPosted) {
        return new Account(id, ledger, code, flags, userData, dPending, dPosted, cPending, cPosted, timestamp);
    }

    /** Builds a new account. Not thread-safe. */
    public static final class Builder {
        private final AccountId id;
        private int ledger = 1;
        private int code = 1;
        private int flags;
        private long userData;

        private Builder(AccountId id) {
            this.id = id;
        }

        /** The ledger (partition), 1 by default; must be positive. */
        public Builder ledger(int ledger) {
            if (ledger <= 0) {
                throw new IllegalArgumentException("ledger must be > 0, got " + ledger);
            }
            this.ledger = ledger;
            return this;
        }

        /** The category code, 1..65535 (1 by default). */
        public Builder code(int code) {
            if (code < 1 || code > 0xFFFF) {
                throw new IllegalArgumentException("code must be in [1, 65535], got " + code);
            }
            this.code = code;
            return this;
        }

        /** Adds flags. */
        public Builder flags(AccountFlag... f) {
            this.flags |= AccountFlag.mask(f);
            return this;
        }

        /** An application value kept with the account. */
        public Builder userData(long userData) {
            this.userData = userData;
            return this;
        }

        /** The account, with zero balances and timestamp 0 (the ledger sets it). */
        public Account build() {
            return new Account(
                    id, ledger, code, flags, userData, Amount.ZERO, Amount.ZERO, Amount.ZERO, Amount.ZERO, 0);
        }
    }
}
