package io.openledger.chain.trie;

import io.openledger.chain.internal.Nibbles;
import io.openledger.chain.internal.PatriciaTrie;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.store.KeyValueStore;
import io.openledger.core.store.WriteBatch;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.jspecify.annotations.Nullable;

/**
 * An Ethereum Merkle Patricia Trie (Yellow Paper appendix D): a map of byte keys to non-empty byte
 * values whose root hash commits to the whole content, byte-compatible with go-ethereum and the
 * {@code ethereum/tests} TrieTests vectors. In the <em>secure</em> variant (state and storage tries)
 * every key is replaced by its keccak256 before use.
 *
 * <p>Backed by an optional {@link KeyValueStore}: nodes are loaded lazily by hash (keys are {@code
 * keyPrefix ++ hash}) through a bounded in-memory cache, updates stay in memory, and {@link
 * #commit()} writes only the nodes created since the last commit, in one atomic batch. Old nodes are
 * never deleted, so every committed root stays readable.
 *
 * <p>Not thread-safe: confine an instance to one thread or guard it. {@link TrieProof} is safe to
 * share.
 */
public final class MerklePatriciaTrie {
    /** keccak256(rlp("")) = 0x56e81f17…b421, the root of the empty trie. */
    public static final Hash EMPTY_ROOT = PatriciaTrie.EMPTY_ROOT;

    private final PatriciaTrie trie;
    private final boolean secure;
    private final @Nullable KeyValueStore store;
    private final Bytes keyPrefix;

    private MerklePatriciaTrie(Builder b) {
        this.secure = b.secure;
        this.store = b.store;
        this.keyPrefix = b.keyPrefix;
        Map<Hash, Bytes> cache = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Hash, Bytes> eldest) {
                return size() > b.nodeCacheSize;
            }
        };
        this.trie = new PatriciaTrie(b.root, hash -> {
            Bytes cached = cache.get(hash);
            if (cached != null) {
                return cached;
            }
            KeyValueStore s = store;
            Bytes enc = s == null ? null : s.get(keyPrefix.append(hash.bytes())).orElse(null);
            if (enc == null || !Hashing.keccak256(enc).equals(hash)) {
                throw new MissingTrieNodeException(hash);
            }
            cache.put(hash, enc);
            return enc;
        });
    }

    /** A new empty, in-memory, non-secure trie. */
    public static MerklePatriciaTrie inMemory() {
        return builder().build();
    }

    /** A builder; by default the trie is empty, non-secure and has no backing store. */
    public static Builder builder() {
        return new Builder();
    }

    /** True for the secure variant (keys hashed with keccak256). */
    public boolean isSecure() {
        return secure;
    }

    /**
     * The value stored under {@code key}.
     *
     * @throws MissingTrieNodeException if a node needed is not in the backing store
     */
    public Optional<Bytes> get(Bytes key) {
        return Optional.ofNullable(trie.get(path(key)));
    }

    /**
     * Stores {@code value} under {@code key}. An empty value deletes the key, as in every Ethereum
     * client (the trie cannot hold empty values).
     *
     * @throws MissingTrieNodeException if a node needed is not in the backing store (the trie is unchanged)
     */
    public void put(Bytes key, Bytes value) {
        if (value.isEmpty()) {
            delete(key);
        } else {
            trie.put(path(key), value);
        }
    }

    /**
     * Removes {@code key}; does nothing if it is absent.
     *
     * @throws MissingTrieNodeException if a node needed is not in the backing store (the trie is unchanged)
     */
    public void delete(Bytes key) {
        trie.delete(path(key));
    }

    /**
     * Visits every entry in ascending order of its trie key until {@code visitor} returns false. For
     * a secure trie the keys handed over are the keccak256 hashes, since the preimages are not kept.
     *
     * @throws MissingTrieNodeException if a node needed is not in the backing store
     */
    public void forEach(BiPredicate<Bytes, Bytes> visitor) {
        trie.forEach((path, value) -> visitor.test(Bytes.wrap(Nibbles.toBytes(path)), value));
    }

    /**
     * The smallest key strictly greater than {@code key} (trie keys: hashes for a secure trie), or
     * empty. Descends along {@code key}'s path and skips the subtrees before it, so it resolves
     * O(depth) nodes rather than walking the entries before the answer.
     *
     * @throws MissingTrieNodeException if a node needed is not in the backing store
     */
    public Optional<Bytes> nextKey(Bytes key) {
        return first(key, true);
    }

    /**
     * The largest key strictly less than {@code key} (trie keys: hashes for a secure trie), or empty.
     * Like {@link #nextKey}, it descends along {@code key}'s path instead of walking the trie.
     *
     * @throws MissingTrieNodeException if a node needed is not in the backing store
     */
    public Optional<Bytes> previousKey(Bytes key) {
        return first(key, false);
    }

    private Optional<Bytes> first(Bytes key, boolean after) {
        byte[] probe = path(key);
        byte[][] found = new byte[1][];
        BiPredicate<byte[], Bytes> stop = (path, value) -> {
            found[0] = path;
            return false;
        };
        if (after) {
            trie.forEachAfter(probe, stop);
        } else {
            trie.forEachBefore(probe, stop);
        }
        return Optional.ofNullable(found[0]).map(p -> Bytes.wrap(Nibbles.toBytes(p)));
    }

    /** The root hash of the current content (committed or not). */
    public Hash rootHash() {
        return trie.rootHash();
    }

    /**
     * Writes every node created since the last commit to the backing store in one atomic batch and
     * returns the root hash. Without a store, only returns the root hash.
     */
    public Hash commit() {
        KeyValueStore s = store;
        if (s == null) {
            return rootHash();
        }
        WriteBatch batch = new WriteBatch();
        Hash root = trie.collectUnstored((h, enc) -> batch.put(keyPrefix.append(h.bytes()), enc));
        if (!batch.isEmpty()) {
            s.write(batch);
        }
        return root;
    }

    /** Number of nodes a {@link #commit()} now would write (for tests and metrics). */
    public int pendingNodeCount() {
        return trie.countUnstored();
    }

    /**
     * A Merkle proof for {@code key}: present (value) or absent. Verify it with {@link
     * TrieProof#verify} (or {@link TrieProof#verifySecure} for a secure trie) against {@link
     * #rootHash()}.
     */
    public TrieProof prove(Bytes key) {
        return new TrieProof(trie.proof(path(key)));
    }

    private byte[] path(Bytes key) {
        return Nibbles.of(secure ? Hashing.keccak256(key).toArray() : key.unsafeArray());
    }

    /** Configures a {@link MerklePatriciaTrie}. Not thread-safe. */
    public static final class Builder {
        private boolean secure;
        private @Nullable KeyValueStore store;
        private Bytes keyPrefix = Bytes.utf8("chain/trie/");
        private Hash root = EMPTY_ROOT;
        private int nodeCacheSize = 4096;

        private Builder() {}

        /** Secure variant: keys are hashed with keccak256 (default false). */
        public Builder secure(boolean secure) {
            this.secure = secure;
            return this;
        }

        /** The store nodes are read from and committed to (default none: memory only). */
        public Builder store(KeyValueStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** Prefix of node keys in the store (default {@code "chain/trie/"}). */
        public Builder keyPrefix(Bytes keyPrefix) {
            this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
            return this;
        }

        /** The root to open (default the empty root); its nodes must be in the store. */
        public Builder root(Hash root) {
            this.root = Objects.requireNonNull(root, "root");
            return this;
        }

        /**
         * How many loaded node encodings to keep in memory (default 4096).
         *
         * @throws IllegalArgumentException if not in [0, 100_000_000]
         */
        public Builder nodeCacheSize(int nodeCacheSize) {
            if (nodeCacheSize < 0 || nodeCacheSize > 100_000_000) {
                throw new IllegalArgumentException("nodeCacheSize must be in [0, 100000000], got " + nodeCacheSize);
            }
            this.nodeCacheSize = nodeCacheSize;
            return this;
        }

        /**
         * The trie.
         *
         * @throws IllegalStateException if a non-empty root is given without a store
         */
        public MerklePatriciaTrie build() {
            if (store == null && !root.equals(EMPTY_ROOT)) {
                throw new IllegalStateException("root " + root + " needs a store to load its nodes from");
            }
            return new MerklePatriciaTrie(this);
        }
    }
}
