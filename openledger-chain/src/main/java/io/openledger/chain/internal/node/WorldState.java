package io.openledger.chain.internal.node;

import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.rlp.RlpList;
import io.openledger.chain.rlp.RlpString;
import io.openledger.chain.trie.MerklePatriciaTrie;
import io.openledger.chain.trie.TrieProof;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.store.KeyValueStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The L2 world state: accounts {@code rlp([nonce, balance, storageRoot, codeHash])} in the secure
 * Merkle Patricia Trie (Yellow Paper §4.1), one secure storage trie per account, all nodes kept in a
 * {@link KeyValueStore} under {@code "chain/state/"}. Changes live in an overlay with an undo
 * journal ({@link #checkpoint()} / {@link #revert(int)}) until {@link #commit()} folds them into the
 * tries and returns the new state root. Old roots stay readable (nodes are never deleted), which is
 * what historical queries and proofs use. Not thread-safe.
 */
public final class WorldState {
    /** keccak256 of empty code. */
    public static final Hash EMPTY_CODE_HASH = Hashing.keccak256(Bytes.EMPTY);

    static final Bytes NODE_PREFIX = Bytes.utf8("chain/state/");

    /** One account. */
    public record Account(long nonce, Amount balance, Hash storageRoot, Hash codeHash) {
        static final Account EMPTY = new Account(0, Amount.ZERO, MerklePatriciaTrie.EMPTY_ROOT, EMPTY_CODE_HASH);

        Bytes encode() {
            return Rlp.encode(RlpList.of(
                    RlpString.ofLong(nonce),
                    RlpString.ofAmount(balance),
                    RlpString.of(storageRoot.bytes()),
                    RlpString.of(codeHash.bytes())));
        }

        static Account decode(Bytes enc) {
            RlpList l = ((RlpList) Rlp.decode(enc)).requireSize("account", 4);
            return new Account(
                    ((RlpString) l.get(0)).asLong("nonce"),
                    ((RlpString) l.get(1)).asAmount("balance"),
                    ((RlpString) l.get(2)).asHash("storageRoot"),
                    ((RlpString) l.get(3)).asHash("codeHash"));
        }

        boolean isEmpty() {
            return nonce == 0
                    && balance.isZero()
                    && storageRoot.equals(MerklePatriciaTrie.EMPTY_ROOT)
                    && codeHash.equals(EMPTY_CODE_HASH);
        }
    }

    private final KeyValueStore store;
    private MerklePatriciaTrie accounts;
    private final Map<Address, Account> cache = new HashMap<>();
    private final Set<Address> dirty = new LinkedHashSet<>();
    private final Map<Address, Map<Hash, Bytes>> storage = new HashMap<>();
    private final Map<Address, Map<Hash, Bytes>> dirtyStorage = new LinkedHashMap<>();
    private final Map<Hash, Bytes> code = new HashMap<>();
    private final List<Runnable> journal = new ArrayList<>();

    /** Opens the state with root {@code root} over {@code store} (whose nodes must be there). */
    public WorldState(KeyValueStore store, Hash root) {
        this.store = store;
        this.accounts = trie(root);
    }

    private MerklePatriciaTrie trie(Hash root) {
        return MerklePatriciaTrie.builder()
                .secure(true)
                .store(store)
                .keyPrefix(NODE_PREFIX)
                .root(root)
                .nodeCacheSize(65_536)
                .build();
    }

    /** The account (the empty account if absent). */
    public Account account(Address a) {
        Account cached = cache.get(a);
        if (cached != null) {
            return cached;
        }
        Account acc = accounts.get(a.bytes()).map(Account::decode).orElse(Account.EMPTY);
        cache.put(a, acc);
        return acc;
    }

    /** The balance of {@code a}. */
    public Amount balance(Address a) {
        return account(a).balance();
    }

    /** The nonce of {@code a}. */
    public long nonce(Address a) {
        return account(a).nonce();
    }

    private void set(Address a, Account next) {
        Account prev = account(a);
        boolean wasDirty = dirty.contains(a);
        journal.add(() -> {
            cache.put(a, prev);
            if (!wasDirty) {
                dirty.remove(a);
            }
        });
        cache.put(a, next);
        dirty.add(a);
    }

    /** Credits {@code v} to {@code a} (journaled). */
    public void addBalance(Address a, Amount v) {
        if (v.isZero()) {
            return;
        }
        Account acc = account(a);
        set(a, new Account(acc.nonce(), acc.balance().add(v), acc.storageRoot(), acc.codeHash()));
    }

    /**
     * Debits {@code v} from {@code a} (journaled).
     *
     * @throws io.openledger.core.AmountOverflowException if the balance is lower; callers check first
     */
    public void subBalance(Address a, Amount v) {
        if (v.isZero()) {
            return;
        }
        Account acc = account(a);
        set(a, new Account(acc.nonce(), acc.balance().sub(v), acc.storageRoot(), acc.codeHash()));
    }

    /** Adds one to the nonce of {@code a} (journaled). */
    public void incrementNonce(Address a) {
        Account acc = account(a);
        set(a, new Account(acc.nonce() + 1, acc.balance(), acc.storageRoot(), acc.codeHash()));
    }

    /** Installs {@code code} (a marker for native system contracts). */
    public void setCode(Address a, Bytes c) {
        Account acc = account(a);
        Hash h = Hashing.keccak256(c);
        code.put(h, c);
        store.put(Bytes.utf8("chain/code/").append(h.bytes()), c);
        set(a, new Account(acc.nonce(), acc.balance(), acc.storageRoot(), h));
    }

    /** The code of {@code a} (empty for accounts without code). */
    public Bytes code(Address a) {
        Hash h = account(a).codeHash();
        if (h.equals(EMPTY_CODE_HASH)) {
            return Bytes.EMPTY;
        }
        return code.computeIfAbsent(
                h, k -> store.get(Bytes.utf8("chain/code/").append(k.bytes())).orElse(Bytes.EMPTY));
    }

    /** The storage value of {@code slot} (empty if unset). */
    public Bytes storage(Address a, Hash slot) {
        Map<Hash, Bytes> m = storage.computeIfAbsent(a, k -> new HashMap<>());
        Bytes v = m.get(slot);
        if (v != null) {
            return v;
        }
        Hash root = account(a).storageRoot();
        if (root.equals(MerklePatriciaTrie.EMPTY_ROOT)) {
            v = Bytes.EMPTY;
        } else {
            v = trie(root)
                    .get(slot.bytes())
                    .map(enc -> ((RlpString) Rlp.decode(enc)).bytes())
                    .orElse(Bytes.EMPTY);
        }
        m.put(slot, v);
        return v;
    }

    /** Sets a storage value; empty deletes it. */
    public void setStorage(Address a, Hash slot, Bytes value) {
        Bytes prev = storage(a, slot);
        Map<Hash, Bytes> d = dirtyStorage.computeIfAbsent(a, k -> new LinkedHashMap<>());
        boolean wasDirty = d.containsKey(slot);
        Bytes prevDirty = d.get(slot);
        journal.add(() -> {
            storage.get(a).put(slot, prev);
            if (wasDirty) {
                dirtyStorage.get(a).put(slot, prevDirty == null ? Bytes.EMPTY : prevDirty);
            } else {
                dirtyStorage.get(a).remove(slot);
            }
        });
        storage.get(a).put(slot, value);
        d.put(slot, value);
        if (!dirty.contains(a)) {
            Account acc = account(a);
            set(a, acc); // marks the account for the storage-root update
        }
    }

    /** A point to return to with {@link #revert(int)}. */
    public int checkpoint() {
        return journal.size();
    }

    /** Undoes every change made since {@code checkpoint}. */
    public void revert(int checkpoint) {
        for (int i = journal.size() - 1; i >= checkpoint; i--) {
            journal.remove(i).run();
        }
    }

    /** Folds every change into the tries (nodes go to the store) and returns the state root. */
    public Hash commit() {
        for (Map.Entry<Address, Map<Hash, Bytes>> e : dirtyStorage.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            Address a = e.getKey();
            Account acc = account(a);
            MerklePatriciaTrie t = trie(acc.storageRoot());
            for (Map.Entry<Hash, Bytes> s : e.getValue().entrySet()) {
                if (s.getValue().isEmpty()) {
                    t.delete(s.getKey().bytes());
                } else {
                    t.put(s.getKey().bytes(), Rlp.encodeBytes(s.getValue()));
                }
            }
            Hash root = t.commit();
            cache.put(a, new Account(acc.nonce(), acc.balance(), root, acc.codeHash()));
        }
        for (Address a : dirty) {
            Account acc = cache.get(a);
            if (acc == null || acc.isEmpty()) {
                accounts.delete(a.bytes());
            } else {
                accounts.put(a.bytes(), acc.encode());
            }
        }
        dirty.clear();
        dirtyStorage.clear();
        journal.clear();
        return accounts.commit();
    }

    /** The root as of the last {@link #commit()}. */
    public Hash root() {
        return accounts.rootHash();
    }

    /** Drops uncommitted changes and reopens at {@code root}. */
    public void reset(Hash root) {
        cache.clear();
        dirty.clear();
        storage.clear();
        dirtyStorage.clear();
        journal.clear();
        accounts = trie(root);
    }

    /** Proof of the account in the committed state. */
    public TrieProof proveAccount(Address a) {
        return accounts.prove(a.bytes());
    }

    /** Proof of a storage slot against the account's committed storage root. */
    public TrieProof proveStorage(Address a, Hash slot) {
        return trie(account(a).storageRoot()).prove(slot.bytes());
    }

    /** Visits every committed account as (keccak(address), account). */
    public void forEachAccount(java.util.function.BiConsumer<Bytes, Account> visitor) {
        accounts.forEach((k, v) -> {
            visitor.accept(k, Account.decode(v));
            return true;
        });
    }
}
