package io.openledger.token.testing;

import io.openledger.core.Amount;
import io.openledger.token.Account;
import io.openledger.token.AccountId;
import io.openledger.token.PendingStatus;
import io.openledger.token.Transfer;
import io.openledger.token.TransferFlag;
import io.openledger.token.TransferId;
import io.openledger.token.TransferResult;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A deliberately naive reference model of the ledger semantics (TigerBeetle docs, reference
 * §1.2-1.5): plain maps of BigInteger, whole-state copies for linked-chain rollback, no encoding.
 * The real ledger must agree with it on every result and every balance. Not thread-safe.
 */
public final class ModelLedger {
    static final BigInteger MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    static final class A {
        final int ledger;
        final int flags;
        BigInteger dp = BigInteger.ZERO;
        BigInteger dpo = BigInteger.ZERO;
        BigInteger cp = BigInteger.ZERO;
        BigInteger cpo = BigInteger.ZERO;

        A(int ledger, int flags) {
            this.ledger = ledger;
            this.flags = flags;
        }

        A copy() {
            A a = new A(ledger, flags);
            a.dp = dp;
            a.dpo = dpo;
            a.cp = cp;
            a.cpo = cpo;
            return a;
        }
    }

    record T(Transfer request, AccountId debit, AccountId credit, BigInteger amount, long ts, long expiresAt) {}

    static final class State {
        Map<AccountId, A> accounts = new HashMap<>();
        Map<TransferId, T> transfers = new HashMap<>();
        Map<TransferId, PendingStatus> status = new HashMap<>();
        Set<TransferId> failed = new HashSet<>();
        long ts;

        State copy() {
            State s = new State();
            accounts.forEach((k, v) -> s.accounts.put(k, v.copy()));
            s.transfers = new HashMap<>(transfers);
            s.status = new HashMap<>(status);
            s.failed = new HashSet<>(failed);
            s.ts = ts;
            return s;
        }
    }

    State s = new State();

    /** Adds an account with zero balances. */
    public void createAccount(AccountId id, int ledger, int flags) {
        s.accounts.putIfAbsent(id, new A(ledger, flags));
    }

    /** Applies a request at time {@code now} (nanoseconds since the epoch). */
    public List<TransferResult> createTransfers(List<Transfer> req, long now) {
        expire(now);
        List<TransferResult> out = new ArrayList<>();
        int i = 0;
        while (i < req.size()) {
            int j = i;
            while (j < req.size() && req.get(j).has(TransferFlag.LINKED)) {
                j++;
            }
            if (j == req.size()) {
                for (int k = i; k < req.size(); k++) {
                    out.add(
                            k == req.size() - 1
                                    ? TransferResult.LINKED_EVENT_CHAIN_OPEN
                                    : TransferResult.LINKED_EVENT_FAILED);
                }
                return out;
            }
            State saved = s.copy();
            List<TransferResult> chain = new ArrayList<>();
            int failedAt = -1;
            for (int k = i; k <= j; k++) {
                TransferResult r = one(req.get(k), now);
                chain.add(r);
                if (r != TransferResult.OK && r != TransferResult.EXISTS) {
                    failedAt = k - i;
                    break;
                }
            }
            if (failedAt >= 0) {
                s = saved;
                TransferResult r = chain.get(failedAt);
                if (i == j && r.isTransient()) {
                    s.failed.add(req.get(i).id());
                }
                for (int k = i; k <= j; k++) {
                    out.add(k - i == failedAt ? r : TransferResult.LINKED_EVENT_FAILED);
                }
            } else {
                out.addAll(chain);
            }
            i = j + 1;
        }
        return out;
    }

    void expire(long now) {
        for (var e : new ArrayList<>(s.transfers.values())) {
            if (e.expiresAt() != 0
                    && e.expiresAt() <= now
                    && s.status.get(e.request().id()) == PendingStatus.PENDING) {
                A d = s.accounts.get(e.debit());
                A c = s.accounts.get(e.credit());
                d.dp = d.dp.subtract(e.amount());
                c.cp = c.cp.subtract(e.amount());
                s.status.put(e.request().id(), PendingStatus.EXPIRED);
            }
        }
    }

    private static boolean ok(BigInteger v) {
        return v.bitLength() <= 256;
    }

    /**
     * Whether a retry repeats the transfer stored under its id. A single-phase or pending transfer
     * must repeat its request exactly. A post or void may leave out what its pending transfer
     * determines (docs.tigerbeetle.com/reference/transfer: debit and credit accounts, amount, ledger
     * and code are optional there), so the retry is compared with the transfer as resolved: zero
     * means "as the pending transfer", and a post's amount may be the maximum ("post in full").
     */
    private boolean sameRequest(T e, Transfer t) {
        Transfer r = e.request();
        if (r.equals(t)) {
            return true;
        }
        boolean post = t.has(TransferFlag.POST_PENDING);
        if (!(post || t.has(TransferFlag.VOID_PENDING))
                || r.flags() != t.flags()
                || r.userData() != t.userData()
                || r.timeoutSeconds() != t.timeoutSeconds()
                || !r.pendingId().equals(t.pendingId())) {
            return false;
        }
        Transfer p = s.transfers.get(r.pendingId()).request();
        BigInteger amt = t.amount().toBigInteger();
        boolean amountSame =
                post ? amt.equals(MAX) || amt.equals(e.amount()) : amt.signum() == 0 || amt.equals(e.amount());
        return amountSame
                && (t.debitAccountId().isReserved() || t.debitAccountId().equals(e.debit()))
                && (t.creditAccountId().isReserved() || t.creditAccountId().equals(e.credit()))
                && (t.ledger() == 0 || t.ledger() == p.ledger())
                && (t.code() == 0 || t.code() == p.code());
    }

    private TransferResult one(Transfer t, long now) {
        int kinds = Integer.bitCount(t.flags() & 14);
        if (kinds > 1) {
            return TransferResult.FLAGS_ARE_MUTUALLY_EXCLUSIVE;
        }
        if (t.id().isReserved()) {
            return TransferResult.ID_MUST_NOT_BE_RESERVED;
        }
        if (s.failed.contains(t.id())) {
            return TransferResult.ID_ALREADY_FAILED;
        }
        T existing = s.transfers.get(t.id());
        if (existing != null) {
            return sameRequest(existing, t) ? TransferResult.EXISTS : TransferResult.EXISTS_WITH_DIFFERENT_FIELDS;
        }
        boolean post = t.has(TransferFlag.POST_PENDING);
        boolean voiding = t.has(TransferFlag.VOID_PENDING);
        BigInteger amt = t.amount().toBigInteger();
        if (post || voiding) {
            if (t.pendingId().isReserved() || t.pendingId().equals(t.id())) {
                return TransferResult.PENDING_ID_MUST_BE_VALID;
            }
            if (t.timeoutSeconds() != 0) {
                return TransferResult.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER;
            }
            T p = s.transfers.get(t.pendingId());
            if (p == null) {
                return TransferResult.PENDING_TRANSFER_NOT_FOUND;
            }
            if (!p.request().has(TransferFlag.PENDING)) {
                return TransferResult.PENDING_TRANSFER_NOT_PENDING;
            }
            BigInteger posted;
            if (post) {
                posted = amt.equals(MAX) ? p.amount() : amt;
                if (posted.compareTo(p.amount()) > 0) {
                    return TransferResult.EXCEEDS_PENDING_TRANSFER_AMOUNT;
                }
            } else {
                if (amt.signum() != 0 && !amt.equals(p.amount())) {
                    return TransferResult.PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT;
                }
                posted = BigInteger.ZERO;
            }
            PendingStatus st = s.status.get(p.request().id());
            if (st == PendingStatus.POSTED) {
                return TransferResult.PENDING_TRANSFER_ALREADY_POSTED;
            }
            if (st == PendingStatus.VOIDED) {
                return TransferResult.PENDING_TRANSFER_ALREADY_VOIDED;
            }
            if (st == PendingStatus.EXPIRED || (p.expiresAt() != 0 && p.expiresAt() <= now)) {
                return TransferResult.PENDING_TRANSFER_EXPIRED;
            }
            A d = s.accounts.get(p.debit());
            A c = s.accounts.get(p.credit());
            if (!ok(d.dpo.add(posted)) || !ok(c.cpo.add(posted))) {
                return TransferResult.OVERFLOWS;
            }
            d.dp = d.dp.subtract(p.amount());
            c.cp = c.cp.subtract(p.amount());
            d.dpo = d.dpo.add(posted);
            c.cpo = c.cpo.add(posted);
            s.status.put(p.request().id(), post ? PendingStatus.POSTED : PendingStatus.VOIDED);
            s.ts = Math.max(s.ts + 1, now);
            s.transfers.put(t.id(), new T(t, p.debit(), p.credit(), post ? posted : p.amount(), s.ts, 0));
            return TransferResult.OK;
        }
        if (!t.pendingId().isZero()) {
            return TransferResult.PENDING_ID_MUST_BE_ZERO;
        }
        boolean pending = t.has(TransferFlag.PENDING);
        if (t.timeoutSeconds() != 0 && !pending) {
            return TransferResult.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER;
        }
        if (t.debitAccountId().isReserved() || t.creditAccountId().isReserved()) {
            return TransferResult.ACCOUNT_ID_MUST_NOT_BE_RESERVED;
        }
        if (t.debitAccountId().equals(t.creditAccountId())) {
            return TransferResult.ACCOUNTS_MUST_BE_DIFFERENT;
        }
        if (t.ledger() == 0) {
            return TransferResult.LEDGER_MUST_NOT_BE_ZERO;
        }
        if (t.code() == 0) {
            return TransferResult.CODE_MUST_NOT_BE_ZERO;
        }
        A d = s.accounts.get(t.debitAccountId());
        if (d == null) {
            return TransferResult.DEBIT_ACCOUNT_NOT_FOUND;
        }
        A c = s.accounts.get(t.creditAccountId());
        if (c == null) {
            return TransferResult.CREDIT_ACCOUNT_NOT_FOUND;
        }
        if (d.ledger != c.ledger) {
            return TransferResult.ACCOUNTS_MUST_HAVE_THE_SAME_LEDGER;
        }
        if (t.ledger() != d.ledger) {
            return TransferResult.TRANSFER_MUST_HAVE_THE_SAME_LEDGER_AS_ACCOUNTS;
        }
        long stamp = Math.max(s.ts + 1, now);
        long expiresAt = 0;
        if (pending && t.timeoutSeconds() > 0) {
            BigInteger at = BigInteger.valueOf(stamp)
                    .add(BigInteger.valueOf(t.timeoutSeconds()).multiply(BigInteger.valueOf(1_000_000_000L)));
            if (at.bitLength() > 63) {
                return TransferResult.OVERFLOWS_TIMEOUT;
            }
            expiresAt = at.longValueExact();
        }
        if (!ok(d.dp.add(d.dpo).add(amt)) || !ok(c.cp.add(c.cpo).add(amt))) {
            return TransferResult.OVERFLOWS;
        }
        if ((d.flags & 1) != 0 && d.dp.add(d.dpo).add(amt).compareTo(d.cpo) > 0) {
            return TransferResult.EXCEEDS_CREDITS;
        }
        if ((c.flags & 2) != 0 && c.cp.add(c.cpo).add(amt).compareTo(c.dpo) > 0) {
            return TransferResult.EXCEEDS_DEBITS;
        }
        if (pending) {
            d.dp = d.dp.add(amt);
            c.cp = c.cp.add(amt);
            s.status.put(t.id(), PendingStatus.PENDING);
        } else {
            d.dpo = d.dpo.add(amt);
            c.cpo = c.cpo.add(amt);
        }
        s.ts = stamp;
        s.transfers.put(t.id(), new T(t, t.debitAccountId(), t.creditAccountId(), amt, stamp, expiresAt));
        return TransferResult.OK;
    }

    /** True if the real account has the model's counters. */
    public boolean matches(Account a) {
        A m = s.accounts.get(a.id());
        return m != null
                && m.dp.equals(a.debitsPending().toBigInteger())
                && m.dpo.equals(a.debitsPosted().toBigInteger())
                && m.cp.equals(a.creditsPending().toBigInteger())
                && m.cpo.equals(a.creditsPosted().toBigInteger());
    }

    static Amount amount(BigInteger v) {
        return Amount.of(v);
    }
}
