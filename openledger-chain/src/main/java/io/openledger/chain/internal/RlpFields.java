package io.openledger.chain.internal;

import io.openledger.chain.rlp.Rlp;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds an RLP list field by field, encoding each scalar canonically. Not thread-safe. */
public final class RlpFields {
    private final List<Bytes> items = new ArrayList<>();

    /** Adds an unsigned 64-bit integer. */
    public RlpFields uint(long v) {
        items.add(Rlp.encodeLong(v));
        return this;
    }

    /** Adds a non-negative integer. */
    public RlpFields uint(BigInteger v) {
        items.add(Rlp.encodeBigInteger(v));
        return this;
    }

    /** Adds an amount as a minimal integer. */
    public RlpFields uint(Amount v) {
        items.add(Rlp.encodeBytes(v.toMinimalBytes()));
        return this;
    }

    /** Adds a byte string. */
    public RlpFields bytes(Bytes v) {
        items.add(Rlp.encodeBytes(v));
        return this;
    }

    /** Adds a hash as a 32-byte string. */
    public RlpFields hash(Hash h) {
        return bytes(h.bytes());
    }

    /** Adds an address, or the empty string for none. */
    public RlpFields address(Optional<Address> a) {
        return bytes(a.map(Address::bytes).orElse(Bytes.EMPTY));
    }

    /** Adds a boolean: 0x01 or the empty string. */
    public RlpFields bool(boolean b) {
        items.add(Rlp.encodeBytes(b ? Bytes.of((byte) 1) : Bytes.EMPTY));
        return this;
    }

    /** Adds an EIP-2930 access list. */
    public RlpFields accessList(List<io.openledger.chain.tx.AccessListEntry> list) {
        List<Bytes> entries = new ArrayList<>(list.size());
        for (var e : list) {
            List<Bytes> keys = new ArrayList<>(e.storageKeys().size());
            for (Hash k : e.storageKeys()) {
                keys.add(Rlp.encodeBytes(k.bytes()));
            }
            entries.add(Rlp.encodeList(Rlp.encodeBytes(e.address().bytes()), Rlp.encodeList(keys)));
        }
        items.add(Rlp.encodeList(entries));
        return this;
    }

    /** Adds a list of hashes. */
    public RlpFields hashes(List<Hash> hashes) {
        List<Bytes> enc = new ArrayList<>(hashes.size());
        for (Hash h : hashes) {
            enc.add(Rlp.encodeBytes(h.bytes()));
        }
        items.add(Rlp.encodeList(enc));
        return this;
    }

    /** Adds y parity, r and s, or three zeros for an unsigned transaction. */
    public RlpFields signature(Optional<io.openledger.chain.tx.TxSignature> sig) {
        if (sig.isEmpty()) {
            return uint(0).uint(0).uint(0);
        }
        return uint(sig.get().yParity()).uint(sig.get().r()).uint(sig.get().s());
    }

    /** Adds an already-encoded item. */
    public RlpFields raw(Bytes encoded) {
        items.add(encoded);
        return this;
    }

    /** The encoded list. */
    public Bytes list() {
        return Rlp.encodeList(items);
    }

    /** {@code type ++ list()}. */
    public Bytes typed(int type) {
        return Bytes.concat(Bytes.of((byte) type), list());
    }
}
