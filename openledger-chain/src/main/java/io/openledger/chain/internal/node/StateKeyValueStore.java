package io.openledger.chain.internal.node;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.store.KeyValue;
import io.openledger.core.store.KeyValueIterator;
import io.openledger.core.store.KeyValueStore;
import io.openledger.core.store.Snapshot;
import io.openledger.core.store.WriteBatch;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * A core {@link KeyValueStore} kept in the storage trie of one system account, so whatever a
 * component writes through it (the token module's ledger, the governor's proposals) is part of the
 * state root and is undone with the rest of a failed transaction (every write is a journaled {@link
 * WorldState#setStorage}). Values of any length are split over 32-byte slots as Solidity lays out
 * {@code bytes}:
 *
 * <pre>
 * base(K) = keccak256("kv/" ‖ K) as a uint256
 * slot base(K)          uint256(length(V) + 1)   (so an empty value differs from an absent key)
 * slot base(K) + 1 + i  bytes [32i, 32i + 32) of V, right-padded with zeros
 * </pre>
 *
 * Slot values are stored without leading zero bytes, as Ethereum stores storage words. {@link
 * #scan} is supported only over the prefixes named by an {@link Index} rule: every key with that
 * prefix (its bucket is the prefix plus {@code extra} more key bytes) is kept in an unordered set in
 * storage ({@code count} at {@code keccak256("ix/" ‖ bucket)}, member {@code j} — a length byte and
 * the key, at most 31 bytes — in the slots after it, its position at {@code keccak256("ip/" ‖ K)}),
 * and a scan reads the bucket and sorts it. Any other scan, and snapshots, throw {@link
 * UnsupportedOperationException}. Reads and writes charge gas per slot. Not thread-safe (one
 * transaction at a time, as the world state).
 */
final class StateKeyValueStore implements KeyValueStore {
    /** Gas per storage slot read. */
    static final long READ_GAS = 100;
    /** Gas per storage slot written with a non-zero word. */
    static final long WRITE_GAS = 1_000;
    /** Gas per storage slot cleared. */
    static final long CLEAR_GAS = 200;

    private static final BigInteger MOD = BigInteger.ONE.shiftLeft(256);

    /**
     * Keys starting with {@code prefix} are indexed in buckets of {@code prefix} plus the next {@code
     * extra} key bytes; {@code scan} accepts exactly such a bucket.
     */
    record Index(Bytes prefix, int extra) {
        boolean covers(Bytes key) {
            return key.size() >= prefix.size() + extra && startsWith(key, prefix);
        }

        Bytes bucketOf(Bytes key) {
            return key.slice(0, prefix.size() + extra);
        }
    }

    /** The scans the token module's uncached ledger makes: accounts, pending expiries, per-account history. */
    static final List<Index> LEDGER_INDEXES = List.of(
            new Index(Bytes.utf8("tl/a/"), 0), new Index(Bytes.utf8("tl/e/"), 0), new Index(Bytes.utf8("tl/h/"), 16));

    private final WorldState state;
    private final Address owner;
    private final LongConsumer gas;
    private final List<Index> indexes;

    StateKeyValueStore(WorldState state, Address owner, LongConsumer gas, List<Index> indexes) {
        this.state = state;
        this.owner = owner;
        this.gas = gas;
        this.indexes = List.copyOf(indexes);
    }

    private static boolean startsWith(Bytes key, Bytes prefix) {
        return key.size() >= prefix.size() && key.slice(0, prefix.size()).equals(prefix);
    }

    private static BigInteger base(String domain, Bytes key) {
        return new BigInteger(
                1, Hashing.keccak256(Bytes.utf8(domain), key).bytes().unsafeArray());
    }

    private static Hash slot(BigInteger base, long offset) {
        return Hash.of(Amount.of(base.add(BigInteger.valueOf(offset)).mod(MOD)).toBytes32());
    }

    private Bytes read(Hash slot) {
        gas.accept(READ_GAS);
        return state.storage(owner, slot);
    }

    private void write(Hash slot, Bytes word) {
        Bytes minimal = stripLeadingZeros(word);
        gas.accept(minimal.isEmpty() ? CLEAR_GAS : WRITE_GAS);
        state.setStorage(owner, slot, minimal);
    }

    private static Bytes stripLeadingZeros(Bytes w) {
        int i = 0;
        while (i < w.size() && w.get(i) == 0) {
            i++;
        }
        return i == 0 ? w : w.slice(i);
    }

    private static Bytes leftPad32(Bytes w) {
        if (w.size() == 32) {
            return w;
        }
        byte[] out = new byte[32];
        w.copyTo(out, 32 - w.size());
        return Bytes.wrap(out);
    }

    private static long asLong(Bytes stored) {
        return stored.isEmpty() ? 0 : new BigInteger(1, stored.unsafeArray()).longValueExact();
    }

    private static Bytes word(long v) {
        return Amount.of(v).toMinimalBytes();
    }

    /** The stored length of {@code key}'s value, or -1 if absent. */
    private long length(BigInteger base) {
        return asLong(read(slot(base, 0))) - 1;
    }

    @Override
    public Optional<Bytes> get(Bytes key) {
        BigInteger base = base("kv/", key);
        long len = length(base);
        if (len < 0) {
            return Optional.empty();
        }
        byte[] out = new byte[Math.toIntExact(len)];
        for (int i = 0; i * 32L < len; i++) {
            Bytes w = leftPad32(read(slot(base, 1 + i)));
            System.arraycopy(w.unsafeArray(), 0, out, i * 32, (int) Math.min(32, len - i * 32L));
        }
        return Optional.of(Bytes.wrap(out));
    }

    private Optional<Index> indexOf(Bytes key) {
        for (Index ix : indexes) {
            if (ix.covers(key)) {
                return Optional.of(ix);
            }
        }
        return Optional.empty();
    }

    private void check(Bytes key) {
        if (indexOf(key).isPresent() && key.size() > 31) {
            throw new IllegalArgumentException(
                    "key " + key + " is indexed for scans and must be at most 31 bytes, not " + key.size());
        }
    }

    @Override
    public void put(Bytes key, Bytes value) {
        check(key);
        apply(key, value);
    }

    private void apply(Bytes key, Bytes value) {
        BigInteger base = base("kv/", key);
        long old = length(base);
        write(slot(base, 0), word(value.size() + 1L));
        int chunks = (value.size() + 31) / 32;
        for (int i = 0; i < chunks; i++) {
            byte[] w = new byte[32];
            int n = Math.min(32, value.size() - i * 32);
            System.arraycopy(value.unsafeArray(), i * 32, w, 0, n);
            write(slot(base, 1 + i), Bytes.wrap(w));
        }
        for (long i = chunks; old > 0 && i * 32 < old; i++) {
            write(slot(base, 1 + i), Bytes.EMPTY);
        }
        if (old < 0) {
            indexOf(key).ifPresent(ix -> addToIndex(ix.bucketOf(key), key));
        }
    }

    @Override
    public void delete(Bytes key) {
        BigInteger base = base("kv/", key);
        long old = length(base);
        if (old < 0) {
            return;
        }
        write(slot(base, 0), Bytes.EMPTY);
        for (long i = 0; i * 32 < old; i++) {
            write(slot(base, 1 + i), Bytes.EMPTY);
        }
        indexOf(key).ifPresent(ix -> removeFromIndex(ix.bucketOf(key), key));
    }

    private void addToIndex(Bytes bucket, Bytes key) {
        BigInteger ix = base("ix/", bucket);
        long n = asLong(read(slot(ix, 0)));
        byte[] member = new byte[32];
        member[0] = (byte) key.size();
        key.copyTo(member, 1);
        write(slot(ix, 1 + n), Bytes.wrap(member));
        write(slot(ix, 0), word(n + 1));
        write(slot(base("ip/", key), 0), word(n + 1));
    }

    private void removeFromIndex(Bytes bucket, Bytes key) {
        BigInteger ix = base("ix/", bucket);
        long n = asLong(read(slot(ix, 0)));
        Hash posSlot = slot(base("ip/", key), 0);
        long j = asLong(read(posSlot)) - 1;
        if (j < 0 || j >= n) {
            throw new IllegalStateException("index of " + bucket + " does not hold " + key);
        }
        if (j != n - 1) { // move the last member into the hole
            Bytes last = read(slot(ix, n));
            write(slot(ix, 1 + j), last);
            write(slot(base("ip/", memberKey(last)), 0), word(j + 1));
        }
        write(slot(ix, n), Bytes.EMPTY);
        write(slot(ix, 0), word(n - 1));
        write(posSlot, Bytes.EMPTY);
    }

    private static Bytes memberKey(Bytes stored) {
        Bytes w = leftPad32(stored);
        return w.slice(1, 1 + Byte.toUnsignedInt(w.get(0)));
    }

    @Override
    public void write(WriteBatch batch) {
        for (WriteBatch.Op op : batch.ops()) {
            check(op.key()); // all keys first: nothing is applied if one is refused
        }
        for (WriteBatch.Op op : batch.ops()) {
            Bytes v = op.value();
            if (v == null) {
                delete(op.key());
            } else {
                apply(op.key(), v);
            }
        }
    }

    /**
     * The entries of one indexed bucket, in key order.
     *
     * @throws UnsupportedOperationException if {@code prefix} is not exactly an indexed bucket
     */
    @Override
    public KeyValueIterator scan(Bytes prefix) {
        boolean indexed = indexes.stream()
                .anyMatch(ix -> prefix.size() == ix.prefix().size() + ix.extra() && startsWith(prefix, ix.prefix()));
        if (!indexed) {
            throw new UnsupportedOperationException("scan over " + prefix + " is not indexed in the state store of "
                    + owner.toChecksumHex() + "; indexed prefixes: "
                    + indexes.stream()
                            .map(ix -> ix.prefix() + (ix.extra() > 0 ? " + " + ix.extra() + " bytes" : ""))
                            .toList());
        }
        BigInteger ix = base("ix/", prefix);
        long n = asLong(read(slot(ix, 0)));
        TreeMap<Bytes, Bytes> entries = new TreeMap<>();
        for (long j = 0; j < n; j++) {
            Bytes key = memberKey(read(slot(ix, 1 + j)));
            entries.put(
                    key, get(key).orElseThrow(() -> new IllegalStateException("indexed key " + key + " has no value")));
        }
        Iterator<java.util.Map.Entry<Bytes, Bytes>> it = entries.entrySet().iterator();
        return new KeyValueIterator() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public KeyValue next() {
                var e = it.next();
                return new KeyValue(e.getKey(), e.getValue());
            }

            @Override
            public void close() {}
        };
    }

    /** Not supported: the world state's own checkpoints are the snapshots here. */
    @Override
    public Snapshot snapshot() {
        throw new UnsupportedOperationException("the state store has no snapshots; use WorldState checkpoints");
    }

    @Override
    public void close() {}
}
