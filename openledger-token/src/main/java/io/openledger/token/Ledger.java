package io.openledger.token;

import io.openledger.core.Clock;
import io.openledger.core.store.KeyValueStore;
import io.openledger.token.internal.KvLedger;
import java.util.List;
import java.util.Optional;

/**
 * A double-entry ledger with TigerBeetle semantics: accounts with pending and posted debits and
 * credits, transfers with client-chosen idempotent ids, two-phase transfers (pending, post, partial
 * post, void, timeout), linked all-or-nothing chains, balance-limit flags and per-account history.
 *
 * <p>Everything that moves money in this module (the OPEN token, vesting, fee settlement, staking)
 * talks only to this interface, so another implementation (for example an L2 chain's state) runs
 * them unchanged. Implementations must guarantee:
 *
 * <ul>
 *   <li>every call is atomic: a request's effects are all stored or none are, and a failed transfer
 *       changes no balance;
 *   <li>the sum of all posted debits equals the sum of all posted credits, and likewise for pending;
 *   <li>a transfer id is recorded at most once; a retry with the same fields returns {@link
 *       TransferResult#EXISTS} and moves nothing;
 *   <li>a pending transfer resolves (post, void, expiry) at most once, and never expires early.
 * </ul>
 *
 * <p>Implementations are thread-safe.
 */
public interface Ledger {
    /**
     * A ledger stored in {@code store} (keys under {@code "tl/"}), loading and checking what is
     * there. The ledger caches accounts and indexes in memory, so at most one ledger may be open on a
     * store at a time, and nothing else may write its keys. Opening reads every account and transfer
     * key once.
     *
     * @throws LedgerCorruptionException if stored records fail their checksums or the sums do not close
     */
    static Ledger open(KeyValueStore store, Clock clock) {
        return KvLedger.open(store, clock);
    }

    /**
     * A ledger stored in {@code store} (keys under {@code "tl/"}, the same layout as {@link #open})
     * that keeps nothing in memory between calls: every request reads the accounts, the pending-expiry
     * index and the last timestamp it needs from the store. So the store's owner may roll back what
     * the ledger wrote (an L2 chain reverting a failed transaction together with the rest of its
     * state), and ledgers opened one after another on the same store see each other's writes. Opening
     * reads and checks nothing. The store must answer {@code get} and {@code write}, and {@code scan}
     * over exactly the prefixes {@code tl/a/}, {@code tl/e/} and {@code tl/h/} followed by a 16-byte
     * account id, in unsigned key order; no other scan is made.
     */
    static Ledger openUncached(KeyValueStore store, Clock clock) {
        return KvLedger.openUncached(store, clock);
    }

    /** Creates accounts; returns one result per account, in order. Atomic. */
    List<AccountResult> createAccounts(List<Account> accounts);

    /** Creates one account. */
    default AccountResult createAccount(Account account) {
        return createAccounts(List.of(account)).getFirst();
    }

    /**
     * Applies transfers in order (linked chains all-or-nothing) after expiring pending transfers
     * whose timeout has passed; returns one result per transfer, in order. The whole request is stored
     * in one atomic write: with a durable store, one sync for the batch (group commit).
     */
    List<TransferResult> createTransfers(List<Transfer> transfers);

    /** Applies one transfer. */
    default TransferResult createTransfer(Transfer transfer) {
        return createTransfers(List.of(transfer)).getFirst();
    }

    /** The account, if it exists. */
    Optional<Account> lookupAccount(AccountId id);

    /** The recorded transfer, if it exists (post/void transfers with inherited fields filled in). */
    Optional<Transfer> lookupTransfer(TransferId id);

    /** The state of a pending transfer; empty if {@code id} is not a recorded pending transfer. */
    Optional<PendingStatus> pendingStatus(TransferId id);

    /**
     * Balances after each transfer that touched an account with {@link AccountFlag#HISTORY}, oldest
     * first; empty for other accounts. Expiry of pending transfers adds no entry.
     */
    List<AccountBalance> history(AccountId id);

    /**
     * The last {@link #history} entry of {@code id} whose timestamp is below {@code timestamp}, or
     * empty if there is none: the account's balances as they stood just before that time. This
     * default walks the whole history; a ledger that indexes it answers in O(log n) reads.
     */
    default Optional<AccountBalance> historyBefore(AccountId id, long timestamp) {
        AccountBalance last = null;
        for (AccountBalance b : history(id)) {
            if (b.timestamp() >= timestamp) {
                break;
            }
            last = b;
        }
        return Optional.ofNullable(last);
    }

    /** Every account, ordered by id (for audits). */
    List<Account> accounts();

    /**
     * Expires the pending transfers whose timeout has passed, atomically.
     *
     * @return how many expired
     */
    int expirePendingTransfers();
}
