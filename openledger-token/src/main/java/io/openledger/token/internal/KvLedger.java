package io.openledger.token.internal;

import io.openledger.core.Amount;
import io.openledger.core.AmountOverflowException;
import io.openledger.core.Bytes;
import io.openledger.core.Clock;
import io.openledger.core.store.KeyValue;
import io.openledger.core.store.KeyValueIterator;
import io.openledger.core.store.KeyValueStore;
import io.openledger.core.store.WriteBatch;
import io.openledger.token.Account;
import io.openledger.token.AccountBalance;
import io.openledger.token.AccountFlag;
import io.openledger.token.AccountId;
import io.openledger.token.AccountResult;
import io.openledger.token.Ledger;
import io.openledger.token.LedgerCorruptionException;
import io.openledger.token.PendingStatus;
import io.openledger.token.Transfer;
import io.openledger.token.TransferFlag;
import io.openledger.token.TransferId;
import io.openledger.token.TransferResult;
import io.openledger.token.internal.LedgerCodec.Failed;
import io.openledger.token.internal.LedgerCodec.Recorded;
import io.openledger.token.internal.LedgerCodec.StoredTransfer;
import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Ledger} over a {@link KeyValueStore}. A request is evaluated against a working overlay
 * of the committed state (with an undo log for linked chains) and then stored with one {@link
 * WriteBatch}; only after the store accepted the batch does the in-memory cache of accounts and
 * expiries move. So a store failure, a crash, or a rejected transfer never leaves a half-applied
 * request. Thread-safe: requests are serialised by the instance's monitor (the ledger is a single
 * state machine, as TigerBeetle's).
 */
public final class KvLedger implements Ledger {
    private static final BigInteger NANOS = BigInteger.valueOf(1_000_000_000L);

    private record Expiry(long at, TransferId id) implements Comparable<Expiry> {
        @Override
        public int compareTo(Expiry o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : id.compareTo(o.id);
        }
    }

    private final KeyValueStore store;
    private final Clock clock;
    /** False: nothing is kept between calls; every read goes to the store (see {@link #openUncached}). */
    private final boolean cached;

    private final Map<AccountId, Account> accounts = new HashMap<>();
    private final TreeSet<Expiry> expiries = new TreeSet<>();
    /** Most transfers applied in one group commit (TigerBeetle's batch limit is 8,190 events). */
    private static final int MAX_GROUP_TRANSFERS = 8190;

    private final java.util.concurrent.ConcurrentLinkedQueue<Submission> submissions =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private IdFilter transferIds;
    private long lastTimestamp;

    private KvLedger(KeyValueStore store, Clock clock, boolean cached) {
        this.store = store;
        this.clock = clock;
        this.cached = cached;
        // 128 KiB for the cached ledger's id filter; the uncached one (built per L2 call) never uses it
        this.transferIds = new IdFilter(cached ? 20 : 6);
    }

    /**
     * Opens the ledger stored in {@code store}: loads and checks every account and the expiry index.
     *
     * @throws LedgerCorruptionException if a record is damaged or the double-entry sums do not close
     */
    public static KvLedger open(KeyValueStore store, Clock clock) {
        KvLedger l = new KvLedger(store, clock, true);
        l.load();
        return l;
    }

    /**
     * A ledger over {@code store} that keeps nothing in memory between calls: accounts, the expiry
     * index and the last timestamp are read from the store on every request, so whoever owns the
     * store may roll its writes back (a reverted L2 transaction) and several such ledgers may work
     * on the same store one after another. Opening reads nothing and checks no sums. The store must
     * support {@code get}, {@code write} and {@code scan} over the account, expiry and per-account
     * history prefixes ({@code tl/a/}, {@code tl/e/}, {@code tl/h/{account16}}), returning keys in
     * unsigned byte order.
     */
    public static KvLedger openUncached(KeyValueStore store, Clock clock) {
        return new KvLedger(store, clock, false);
    }

    /** The committed account {@code id} (from the cache, or the store when uncached). */
    private @Nullable Account committedAccount(AccountId id) {
        if (cached) {
            return accounts.get(id);
        }
        Bytes key = LedgerCodec.accountKey(id);
        Optional<Bytes> v = store.get(key);
        return v.isEmpty() ? null : decode(() -> LedgerCodec.decodeAccount(key, v.get()), key);
    }

    /** Re-reads the last timestamp from the store when uncached (it is kept in memory otherwise). */
    private void refresh() {
        if (!cached) {
            Optional<Bytes> ts = store.get(LedgerCodec.META_TIMESTAMP);
            lastTimestamp = ts.isPresent() ? LedgerCodec.decodeLong(LedgerCodec.META_TIMESTAMP, ts.get()) : 0;
        }
    }

    /** The expiry index in order (the cache, or a scan of the store when uncached). */
    private java.util.NavigableSet<Expiry> expiryIndex() {
        if (cached) {
            return expiries;
        }
        TreeSet<Expiry> out = new TreeSet<>();
        try (KeyValueIterator it = store.scan(Bytes.wrap(LedgerCodec.EXPIRY_PREFIX))) {
            while (it.hasNext()) {
                long[] e = LedgerCodec.parseExpiryKey(it.next().key());
                out.add(new Expiry(e[0], new TransferId(e[1], e[2])));
            }
        }
        return out;
    }

    private void load() {
        BigInteger dp = BigInteger.ZERO;
        BigInteger dpo = BigInteger.ZERO;
        BigInteger cp = BigInteger.ZERO;
        BigInteger cpo = BigInteger.ZERO;
        try (KeyValueIterator it = store.scan(Bytes.wrap(LedgerCodec.ACCOUNT_PREFIX))) {
            while (it.hasNext()) {
                KeyValue kv = it.next();
                Account a = decode(() -> LedgerCodec.decodeAccount(kv.key(), kv.value()), kv.key());
                accounts.put(a.id(), a);
                dp = dp.add(a.debitsPending().toBigInteger());
                dpo = dpo.add(a.debitsPosted().toBigInteger());
                cp = cp.add(a.creditsPending().toBigInteger());
                cpo = cpo.add(a.creditsPosted().toBigInteger());
            }
        }
        if (!dp.equals(cp) || !dpo.equals(cpo)) {
            throw new LedgerCorruptionException("double-entry sums do not close: debits pending/posted " + dp + "/"
                    + dpo + " vs credits " + cp + "/" + cpo);
        }
        try (KeyValueIterator it = store.scan(Bytes.wrap(LedgerCodec.EXPIRY_PREFIX))) {
            while (it.hasNext()) {
                long[] e = LedgerCodec.parseExpiryKey(it.next().key());
                expiries.add(new Expiry(e[0], new TransferId(e[1], e[2])));
            }
        }
        rebuildFilter(transferIds);
        Optional<Bytes> ts = store.get(LedgerCodec.META_TIMESTAMP);
        lastTimestamp = ts.isPresent() ? LedgerCodec.decodeLong(LedgerCodec.META_TIMESTAMP, ts.get()) : 0;
    }

    /** Adds every stored transfer id (and burned id) to {@code f}, which becomes the filter. */
    private void rebuildFilter(IdFilter f) {
        int prefix = LedgerCodec.TRANSFER_PREFIX.length;
        try (KeyValueIterator it = store.scan(Bytes.wrap(LedgerCodec.TRANSFER_PREFIX))) {
            while (it.hasNext()) {
                java.nio.ByteBuffer k = java.nio.ByteBuffer.wrap(it.next().key().unsafeArray(), prefix, 16);
                f.add(k.getLong(), k.getLong());
            }
        }
        transferIds = f;
    }

    private interface Decoder<T> {
        T decode();
    }

    private static <T> T decode(Decoder<T> d, Bytes key) {
        try {
            return d.decode();
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new LedgerCorruptionException("record under " + key + " is malformed: " + e.getMessage());
        }
    }

    private long nowNanos() {
        Instant now = clock.now();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
    }

    // ---------------------------------------------------------------- accounts

    @Override
    public synchronized List<AccountResult> createAccounts(List<Account> list) {
        List<AccountResult> results = new ArrayList<>(list.size());
        Map<AccountId, Account> created = new LinkedHashMap<>();
        refresh();
        long ts = lastTimestamp;
        long now = nowNanos();
        for (Account a : list) {
            AccountResult r = validateAccount(a);
            if (r == AccountResult.OK) {
                Account existing = created.containsKey(a.id()) ? created.get(a.id()) : committedAccount(a.id());
                if (existing != null) {
                    r = existing.ledger() == a.ledger()
                                    && existing.code() == a.code()
                                    && existing.flags() == a.flags()
                                    && existing.userData() == a.userData()
                            ? AccountResult.EXISTS
                            : AccountResult.EXISTS_WITH_DIFFERENT_FIELDS;
                } else {
                    ts = Math.max(ts + 1, now);
                    created.put(
                            a.id(),
                            new Account(
                                    a.id(),
                                    a.ledger(),
                                    a.code(),
                                    a.flags(),
                                    a.userData(),
                                    Amount.ZERO,
                                    Amount.ZERO,
                                    Amount.ZERO,
                                    Amount.ZERO,
                                    ts));
                }
            }
            results.add(r);
        }
        if (!created.isEmpty()) {
            WriteBatch batch = new WriteBatch();
            for (Account a : created.values()) {
                batch.put(LedgerCodec.accountKey(a.id()), LedgerCodec.encodeAccount(a));
            }
            batch.put(LedgerCodec.META_TIMESTAMP, LedgerCodec.encodeLong(ts));
            store.write(batch);
            if (cached) {
                accounts.putAll(created);
            }
            lastTimestamp = ts;
        }
        return results;
    }

    private static AccountResult validateAccount(Account a) {
        if (a.id().isReserved()) {
            return AccountResult.ID_MUST_NOT_BE_RESERVED;
        }
        if (a.has(AccountFlag.DEBITS_MUST_NOT_EXCEED_CREDITS) && a.has(AccountFlag.CREDITS_MUST_NOT_EXCEED_DEBITS)) {
            return AccountResult.FLAGS_ARE_MUTUALLY_EXCLUSIVE;
        }
        if (a.ledger() == 0) {
            return AccountResult.LEDGER_MUST_NOT_BE_ZERO;
        }
        if (a.code() == 0) {
            return AccountResult.CODE_MUST_NOT_BE_ZERO;
        }
        if (!a.debitsPending().isZero()
                || !a.debitsPosted().isZero()
                || !a.creditsPending().isZero()
                || !a.creditsPosted().isZero()
                || a.timestamp() != 0) {
            return AccountResult.BALANCES_MUST_BE_ZERO;
        }
        return AccountResult.OK;
    }

    // ---------------------------------------------------------------- transfers

    /** One caller's request waiting for the group commit that applies it. */
    private static final class Submission {
        final List<Transfer> transfers;

        @Nullable
        List<TransferResult> results;

        @Nullable
        RuntimeException failure;

        boolean done; // written and read under the ledger's monitor

        Submission(List<Transfer> transfers) {
            this.transfers = transfers;
        }
    }

    /**
     * Group commit: concurrent callers queue their requests; whichever holds the monitor applies
     * every queued request in order (each keeps its own linked chains and results) and stores them
     * all with one write, so one fsync serves many callers. A caller whose request another thread
     * already committed returns at once.
     */
    @Override
    public List<TransferResult> createTransfers(List<Transfer> list) {
        Submission mine = new Submission(list);
        submissions.add(mine);
        synchronized (this) {
            while (!mine.done) {
                commitGroup();
            }
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return java.util.Objects.requireNonNull(mine.results);
    }

    private void commitGroup() {
        List<Submission> group = new ArrayList<>();
        int size = 0;
        for (Submission s = submissions.peek();
                s != null && (group.isEmpty() || size + s.transfers.size() <= MAX_GROUP_TRANSFERS);
                s = submissions.peek()) {
            group.add(submissions.poll());
            size += s.transfers.size();
        }
        long now = nowNanos();
        refresh();
        Work w = new Work();
        expireInto(w, now);
        for (Submission s : group) {
            s.results = applyRequest(w, s.transfers, now);
        }
        try {
            w.commit();
        } catch (RuntimeException e) {
            for (Submission s : group) {
                s.results = null;
                s.failure = e; // nothing of the group was stored
            }
        }
        for (Submission s : group) {
            s.done = true;
        }
    }

    private static List<TransferResult> applyRequest(Work w, List<Transfer> list, long now) {
        int n = list.size();
        TransferResult[] results = new TransferResult[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j < n && list.get(j).has(TransferFlag.LINKED)) {
                j++;
            }
            if (j == n) { // the chain never closes
                Arrays.fill(results, i, n, TransferResult.LINKED_EVENT_FAILED);
                results[n - 1] = TransferResult.LINKED_EVENT_CHAIN_OPEN;
                break;
            }
            if (j == i) {
                Transfer t = list.get(i);
                TransferResult r = w.apply(t, now);
                if (r.isTransient()) {
                    w.markFailed(t.id(), r);
                }
                results[i] = r;
            } else {
                int savepoint = w.savepoint();
                for (int k = i; k <= j; k++) {
                    TransferResult r = w.apply(list.get(k), now);
                    results[k] = r;
                    if (!r.isSuccess()) {
                        w.rollback(savepoint);
                        for (int m = i; m <= j; m++) {
                            if (m != k) {
                                results[m] = TransferResult.LINKED_EVENT_FAILED;
                            }
                        }
                        break;
                    }
                }
                w.endChain();
            }
            i = j + 1;
        }
        return Arrays.asList(results);
    }

    @Override
    public synchronized int expirePendingTransfers() {
        refresh();
        Work w = new Work();
        int n = expireInto(w, nowNanos());
        w.commit();
        return n;
    }

    private int expireInto(Work w, long now) {
        int n = 0;
        for (Expiry e : expiryIndex()) {
            if (e.at > now) {
                break;
            }
            Transfer p = ((Recorded) w.transfer(e.id)).transfer();
            Account d = w.account(p.debitAccountId());
            Account c = w.account(p.creditAccountId());
            if (d == null || c == null) {
                throw new LedgerCorruptionException("pending transfer " + e.id + " names a missing account");
            }
            w.putAccount(d.withBalances(
                    d.debitsPending().sub(p.amount()), d.debitsPosted(), d.creditsPending(), d.creditsPosted()));
            w.putAccount(c.withBalances(
                    c.debitsPending(), c.debitsPosted(), c.creditsPending().sub(p.amount()), c.creditsPosted()));
            w.putStatus(e.id, PendingStatus.EXPIRED);
            w.removeExpiry(e);
            n++;
        }
        return n;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public synchronized Optional<Account> lookupAccount(AccountId id) {
        return Optional.ofNullable(committedAccount(id));
    }

    @Override
    public synchronized Optional<Transfer> lookupTransfer(TransferId id) {
        return storedTransfer(id) instanceof Recorded(Transfer t) ? Optional.of(t) : Optional.empty();
    }

    @Override
    public synchronized Optional<PendingStatus> pendingStatus(TransferId id) {
        Bytes key = LedgerCodec.statusKey(id);
        return store.get(key).map(v -> {
            if (v.size() != 1 || v.get(0) < 0 || v.get(0) >= PendingStatus.values().length) {
                throw new LedgerCorruptionException("bad pending status under " + key);
            }
            return PendingStatus.values()[v.get(0)];
        });
    }

    @Override
    public synchronized List<Account> accounts() {
        if (cached) {
            return List.copyOf(new TreeMap<>(accounts).values());
        }
        TreeMap<AccountId, Account> all = new TreeMap<>();
        try (KeyValueIterator it = store.scan(Bytes.wrap(LedgerCodec.ACCOUNT_PREFIX))) {
            while (it.hasNext()) {
                KeyValue kv = it.next();
                Account a = decode(() -> LedgerCodec.decodeAccount(kv.key(), kv.value()), kv.key());
                all.put(a.id(), a);
            }
        }
        return List.copyOf(all.values());
    }

    @Override
    public synchronized List<AccountBalance> history(AccountId id) {
        List<AccountBalance> out = new ArrayList<>();
        try (KeyValueIterator it = store.scan(LedgerCodec.historyPrefix(id))) {
            while (it.hasNext()) {
                KeyValue kv = it.next();
                out.add(decode(() -> LedgerCodec.decodeHistory(kv.key(), kv.value()), kv.key()));
            }
        }
        return out;
    }

    /**
     * History entries of {@code acct} in the store. A store written before the history index has
     * entries but no count: they are indexed into {@code batch} now, once.
     */
    private long historyCount(AccountId acct, WriteBatch batch) {
        Bytes countKey = LedgerCodec.historyCountKey(acct);
        Optional<Bytes> c = store.get(countKey);
        if (c.isPresent()) {
            return decode(() -> LedgerCodec.decodeLong(countKey, c.get()), countKey);
        }
        long k = 0;
        for (AccountBalance b : history(acct)) {
            batch.put(LedgerCodec.historyOrdinalKey(acct, k++), LedgerCodec.encodeLong(b.timestamp()));
        }
        return k;
    }

    @Override
    public synchronized Optional<AccountBalance> historyBefore(AccountId id, long timestamp) {
        Bytes countKey = LedgerCodec.historyCountKey(id);
        Optional<Bytes> c = store.get(countKey);
        if (c.isEmpty()) {
            return Ledger.super.historyBefore(id, timestamp); // none, or not indexed yet
        }
        long n = decode(() -> LedgerCodec.decodeLong(countKey, c.get()), countKey);
        long lo = 0;
        long hi = n;
        long found = -1;
        while (lo < hi) { // the last entry whose timestamp is below `timestamp`
            long mid = (lo + hi) >>> 1;
            long ts = ordinalTimestamp(id, mid);
            if (ts < timestamp) {
                found = ts;
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo == 0) {
            return Optional.empty();
        }
        Bytes key = LedgerCodec.historyKey(id, found);
        Bytes v = store.get(key)
                .orElseThrow(() -> new LedgerCorruptionException("history index names a missing entry " + key));
        return Optional.of(decode(() -> LedgerCodec.decodeHistory(key, v), key));
    }

    private long ordinalTimestamp(AccountId id, long k) {
        Bytes key = LedgerCodec.historyOrdinalKey(id, k);
        Bytes v = store.get(key)
                .orElseThrow(() -> new LedgerCorruptionException("history index entry " + key + " is missing"));
        return decode(() -> LedgerCodec.decodeLong(key, v), key);
    }

    private @Nullable StoredTransfer storedTransfer(TransferId id) {
        Bytes key = LedgerCodec.transferKey(id);
        Optional<Bytes> v = store.get(key);
        return v.isEmpty() ? null : decode(() -> LedgerCodec.decodeTransfer(key, v.get()), key);
    }

    // ---------------------------------------------------------------- one request's working state

    /** Uncommitted changes of one request, with an undo log so a linked chain can be rolled back. */
    private final class Work {
        final Map<AccountId, Account> touched = new LinkedHashMap<>();
        final Map<TransferId, StoredTransfer> transfers = new LinkedHashMap<>();
        final Map<TransferId, PendingStatus> statuses = new LinkedHashMap<>();
        final Map<Expiry, Boolean> expiryChanges = new LinkedHashMap<>(); // true: add, false: remove
        final List<Map.Entry<AccountId, AccountBalance>> history = new ArrayList<>();
        final ArrayDeque<Runnable> undo = new ArrayDeque<>();
        boolean inChain; // a standalone transfer validates before it writes, so only chains need undo
        long ts = lastTimestamp;

        @Nullable
        Account account(AccountId id) {
            Account a = touched.get(id);
            return a != null ? a : committedAccount(id);
        }

        @Nullable
        StoredTransfer transfer(TransferId id) {
            StoredTransfer t = transfers.get(id);
            return t != null ? t : storedTransfer(id);
        }

        @Nullable
        PendingStatus status(TransferId id) {
            PendingStatus s = statuses.get(id);
            return s != null ? s : pendingStatus(id).orElse(null);
        }

        int savepoint() {
            inChain = true;
            return undo.size();
        }

        void rollback(int savepoint) {
            while (undo.size() > savepoint) {
                undo.pop().run();
            }
        }

        void endChain() {
            inChain = false;
            undo.clear();
        }

        private <K, V> void putUndoable(Map<K, V> map, K key, V value) {
            if (!inChain) {
                map.put(key, value);
                return;
            }
            boolean had = map.containsKey(key);
            V old = map.put(key, value);
            undo.push(() -> {
                if (had) {
                    map.put(key, old);
                } else {
                    map.remove(key);
                }
            });
        }

        void putAccount(Account a) {
            putUndoable(touched, a.id(), a);
        }

        void putStatus(TransferId id, PendingStatus s) {
            putUndoable(statuses, id, s);
        }

        void removeExpiry(Expiry e) {
            putUndoable(expiryChanges, e, Boolean.FALSE);
        }

        void markFailed(TransferId id, TransferResult r) {
            putUndoable(transfers, id, new Failed(r));
        }

        void setTimestamp(long t) {
            long old = ts;
            ts = t;
            if (inChain) {
                undo.push(() -> ts = old);
            }
        }

        void addHistory(Account a, Transfer t) {
            if (a.has(AccountFlag.HISTORY)) {
                int size = history.size();
                history.add(Map.entry(
                        a.id(),
                        new AccountBalance(
                                t.id(),
                                t.timestamp(),
                                a.debitsPending(),
                                a.debitsPosted(),
                                a.creditsPending(),
                                a.creditsPosted())));
                if (inChain) {
                    undo.push(() -> history.subList(size, history.size()).clear());
                }
            }
        }

        TransferResult apply(Transfer t, long now) {
            int kind = t.flags()
                    & (TransferFlag.PENDING.bit() | TransferFlag.POST_PENDING.bit() | TransferFlag.VOID_PENDING.bit());
            if (Integer.bitCount(kind) > 1) {
                return TransferResult.FLAGS_ARE_MUTUALLY_EXCLUSIVE;
            }
            if (t.id().isReserved()) {
                return TransferResult.ID_MUST_NOT_BE_RESERVED;
            }
            boolean resolving = t.has(TransferFlag.POST_PENDING) || t.has(TransferFlag.VOID_PENDING);
            StoredTransfer existing = transfer(t.id());
            if (existing instanceof Failed) {
                return TransferResult.ID_ALREADY_FAILED;
            }
            if (existing instanceof Recorded(Transfer e)) {
                return sameRequest(t, e) ? TransferResult.EXISTS : TransferResult.EXISTS_WITH_DIFFERENT_FIELDS;
            }
            return resolving ? resolve(t, now) : create(t, now);
        }

        private TransferResult create(Transfer t, long now) {
            if (!t.pendingId().isZero()) {
                return TransferResult.PENDING_ID_MUST_BE_ZERO;
            }
            if (t.timeoutSeconds() != 0 && !t.has(TransferFlag.PENDING)) {
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
            Account d = account(t.debitAccountId());
            if (d == null) {
                return TransferResult.DEBIT_ACCOUNT_NOT_FOUND;
            }
            Account c = account(t.creditAccountId());
            if (c == null) {
                return TransferResult.CREDIT_ACCOUNT_NOT_FOUND;
            }
            if (d.ledger() != c.ledger()) {
                return TransferResult.ACCOUNTS_MUST_HAVE_THE_SAME_LEDGER;
            }
            if (t.ledger() != d.ledger()) {
                return TransferResult.TRANSFER_MUST_HAVE_THE_SAME_LEDGER_AS_ACCOUNTS;
            }
            boolean pending = t.has(TransferFlag.PENDING);
            long stamp = Math.max(ts + 1, now);
            long expiresAt = 0;
            if (pending && t.timeoutSeconds() > 0) {
                BigInteger at = BigInteger.valueOf(stamp)
                        .add(BigInteger.valueOf(t.timeoutSeconds()).multiply(NANOS));
                if (at.bitLength() > 63) {
                    return TransferResult.OVERFLOWS_TIMEOUT;
                }
                expiresAt = at.longValueExact();
            }
            Amount amt = t.amount();
            Amount debitTotal;
            Amount creditTotal;
            try {
                // Overflow of pending + posted + amount on either side is an error, never a wrap.
                debitTotal = d.debitsPending().add(d.debitsPosted()).add(amt);
                creditTotal = c.creditsPending().add(c.creditsPosted()).add(amt);
            } catch (AmountOverflowException e) {
                return TransferResult.OVERFLOWS;
            }
            if (d.has(AccountFlag.DEBITS_MUST_NOT_EXCEED_CREDITS) && debitTotal.greaterThan(d.creditsPosted())) {
                return TransferResult.EXCEEDS_CREDITS;
            }
            if (c.has(AccountFlag.CREDITS_MUST_NOT_EXCEED_DEBITS) && creditTotal.greaterThan(c.debitsPosted())) {
                return TransferResult.EXCEEDS_DEBITS;
            }
            // Cannot overflow: each new counter is at most the total checked above.
            Account d2 = pending
                    ? d.withBalances(
                            d.debitsPending().add(amt), d.debitsPosted(), d.creditsPending(), d.creditsPosted())
                    : d.withBalances(
                            d.debitsPending(), d.debitsPosted().add(amt), d.creditsPending(), d.creditsPosted());
            Account c2 = pending
                    ? c.withBalances(
                            c.debitsPending(),
                            c.debitsPosted(),
                            c.creditsPending().add(amt),
                            c.creditsPosted())
                    : c.withBalances(
                            c.debitsPending(),
                            c.debitsPosted(),
                            c.creditsPending(),
                            c.creditsPosted().add(amt));
            Transfer recorded = t.withTimestamp(stamp);
            setTimestamp(stamp);
            putUndoable(transfers, t.id(), new Recorded(recorded));
            putAccount(d2);
            putAccount(c2);
            if (pending) {
                putStatus(t.id(), PendingStatus.PENDING);
                if (expiresAt != 0) {
                    putUndoable(expiryChanges, new Expiry(expiresAt, t.id()), Boolean.TRUE);
                }
            }
            addHistory(d2, recorded);
            addHistory(c2, recorded);
            return TransferResult.OK;
        }

        private TransferResult resolve(Transfer t, long now) {
            if (t.pendingId().isReserved() || t.pendingId().equals(t.id())) {
                return TransferResult.PENDING_ID_MUST_BE_VALID;
            }
            if (t.timeoutSeconds() != 0) {
                return TransferResult.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER;
            }
            StoredTransfer st = transfer(t.pendingId());
            if (!(st instanceof Recorded(Transfer p))) {
                return TransferResult.PENDING_TRANSFER_NOT_FOUND;
            }
            if (!p.has(TransferFlag.PENDING)) {
                return TransferResult.PENDING_TRANSFER_NOT_PENDING;
            }
            if ((!t.debitAccountId().isReserved() && !t.debitAccountId().equals(p.debitAccountId()))
                    || (!t.creditAccountId().isReserved()
                            && !t.creditAccountId().equals(p.creditAccountId()))
                    || (t.ledger() != 0 && t.ledger() != p.ledger())
                    || (t.code() != 0 && t.code() != p.code())) {
                return TransferResult.PENDING_TRANSFER_HAS_DIFFERENT_FIELDS;
            }
            boolean post = t.has(TransferFlag.POST_PENDING);
            Amount amt;
            if (post) {
                amt = t.amount().equals(Amount.MAX) ? p.amount() : t.amount();
                if (amt.greaterThan(p.amount())) {
                    return TransferResult.EXCEEDS_PENDING_TRANSFER_AMOUNT;
                }
            } else {
                if (!t.amount().isZero() && !t.amount().equals(p.amount())) {
                    return TransferResult.PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT;
                }
                amt = p.amount();
            }
            PendingStatus s = status(p.id());
            if (s == PendingStatus.POSTED) {
                return TransferResult.PENDING_TRANSFER_ALREADY_POSTED;
            }
            if (s == PendingStatus.VOIDED) {
                return TransferResult.PENDING_TRANSFER_ALREADY_VOIDED;
            }
            if (s == PendingStatus.EXPIRED || (p.timeoutSeconds() > 0 && expiresAt(p) <= now)) {
                return TransferResult.PENDING_TRANSFER_EXPIRED;
            }
            Account d = account(p.debitAccountId());
            Account c = account(p.creditAccountId());
            if (d == null || c == null) {
                throw new LedgerCorruptionException("pending transfer " + p.id() + " names a missing account");
            }
            Account d2;
            Account c2;
            try {
                Amount posted = post ? amt : Amount.ZERO;
                d2 = d.withBalances(
                        d.debitsPending().sub(p.amount()),
                        d.debitsPosted().add(posted),
                        d.creditsPending(),
                        d.creditsPosted());
                c2 = c.withBalances(
                        c.debitsPending(),
                        c.debitsPosted(),
                        c.creditsPending().sub(p.amount()),
                        c.creditsPosted().add(posted));
            } catch (AmountOverflowException e) {
                return TransferResult.OVERFLOWS;
            }
            long stamp = Math.max(ts + 1, now);
            Transfer recorded = new Transfer(
                    t.id(),
                    p.debitAccountId(),
                    p.creditAccountId(),
                    amt,
                    p.id(),
                    0,
                    p.ledger(),
                    p.code(),
                    t.flags(),
                    t.userData(),
                    stamp);
            setTimestamp(stamp);
            putUndoable(transfers, t.id(), new Recorded(recorded));
            putAccount(d2);
            putAccount(c2);
            putStatus(p.id(), post ? PendingStatus.POSTED : PendingStatus.VOIDED);
            if (p.timeoutSeconds() > 0) {
                removeExpiry(new Expiry(expiresAt(p), p.id()));
            }
            addHistory(d2, recorded);
            addHistory(c2, recorded);
            return TransferResult.OK;
        }

        void commit() {
            if (touched.isEmpty() && transfers.isEmpty() && statuses.isEmpty() && expiryChanges.isEmpty()) {
                return;
            }
            WriteBatch batch = new WriteBatch();
            for (Account a : touched.values()) {
                batch.put(LedgerCodec.accountKey(a.id()), LedgerCodec.encodeAccount(a));
            }
            for (var e : transfers.entrySet()) {
                batch.put(
                        LedgerCodec.transferKey(e.getKey()),
                        switch (e.getValue()) {
                            case Recorded(Transfer t) -> LedgerCodec.encodeTransfer(t);
                            case Failed(TransferResult r) -> LedgerCodec.encodeFailed(e.getKey(), r);
                        });
            }
            for (var e : statuses.entrySet()) {
                batch.put(LedgerCodec.statusKey(e.getKey()), Bytes.of((byte)
                        e.getValue().ordinal()));
            }
            for (var e : expiryChanges.entrySet()) {
                Bytes key = LedgerCodec.expiryKey(e.getKey().at, e.getKey().id);
                if (e.getValue()) {
                    batch.put(key, Bytes.EMPTY);
                } else {
                    batch.delete(key);
                }
            }
            Map<AccountId, Long> counts = new HashMap<>();
            for (var h : history) {
                AccountId acct = h.getKey();
                long ts = h.getValue().timestamp();
                batch.put(LedgerCodec.historyKey(acct, ts), LedgerCodec.encodeHistory(h.getValue()));
                long k = counts.computeIfAbsent(acct, a -> historyCount(a, batch));
                batch.put(LedgerCodec.historyOrdinalKey(acct, k), LedgerCodec.encodeLong(ts));
                counts.put(acct, k + 1);
            }
            counts.forEach((acct, n) -> batch.put(LedgerCodec.historyCountKey(acct), LedgerCodec.encodeLong(n)));
            batch.put(LedgerCodec.META_TIMESTAMP, LedgerCodec.encodeLong(ts));
            store.write(batch); // throws without changing the cache if the store refuses
            lastTimestamp = ts;
            if (!cached) {
                return;
            }
            accounts.putAll(touched);
            for (TransferId id : transfers.keySet()) {
                transferIds.add(id.hi(), id.lo());
            }
            if (transferIds.crowded()) {
                rebuildFilter(transferIds.grown());
            }
            for (var e : expiryChanges.entrySet()) {
                if (e.getValue()) {
                    expiries.add(e.getKey());
                } else {
                    expiries.remove(e.getKey());
                }
            }
            lastTimestamp = ts;
        }
    }

    private static long expiresAt(Transfer p) {
        return p.timestamp() + p.timeoutSeconds() * 1_000_000_000L;
    }

    /** Same client request? Fields left zero in a post/void were inherited and match anything. */
    private static boolean sameRequest(Transfer t, Transfer e) {
        if (t.flags() != e.flags() || t.userData() != e.userData() || t.timeoutSeconds() != e.timeoutSeconds()) {
            return false;
        }
        boolean resolving = t.has(TransferFlag.POST_PENDING) || t.has(TransferFlag.VOID_PENDING);
        if (!resolving) {
            return t.debitAccountId().equals(e.debitAccountId())
                    && t.creditAccountId().equals(e.creditAccountId())
                    && t.amount().equals(e.amount())
                    && t.pendingId().equals(e.pendingId())
                    && t.ledger() == e.ledger()
                    && t.code() == e.code();
        }
        boolean amountMatches = t.has(TransferFlag.POST_PENDING)
                ? t.amount().equals(Amount.MAX) || t.amount().equals(e.amount())
                : t.amount().isZero() || t.amount().equals(e.amount());
        return amountMatches
                && t.pendingId().equals(e.pendingId())
                && (t.debitAccountId().isReserved() || t.debitAccountId().equals(e.debitAccountId()))
                && (t.creditAccountId().isReserved() || t.creditAccountId().equals(e.creditAccountId()))
                && (t.ledger() == 0 || t.ledger() == e.ledger())
                && (t.code() == 0 || t.code() == e.code());
    }
}
