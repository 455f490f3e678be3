package io.openledger.chain.internal;

import io.openledger.chain.rlp.Rlp;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import org.jspecify.annotations.Nullable;

/**
 * An immutable node of a Merkle Patricia Trie. Updates build new nodes along the changed path and
 * share the rest, so a node's encoding and hash are computed at most once and cached. The caches
 * are benign races (idempotent), so nodes may be read from several threads.
 */
public abstract sealed class TrieNode permits TrieNode.Leaf, TrieNode.Extension, TrieNode.Branch, TrieNode.HashRef {
    private @Nullable Bytes encoded;
    private @Nullable Hash hash;
    /** True once this node (and so every node below it) is known to be in the backing store. */
    volatile boolean stored;

    /** The RLP encoding of this node. */
    public final Bytes encoded() {
        Bytes e = encoded;
        if (e == null) {
            e = encode();
            encoded = e;
        }
        return e;
    }

    /** keccak256 of the encoding. */
    public Hash hash() {
        Hash h = hash;
        if (h == null) {
            h = Hashing.keccak256(encoded());
            hash = h;
        }
        return h;
    }

    /** How a parent refers to this node: the node itself if its encoding is under 32 bytes, else its hash. */
    Bytes reference() {
        Bytes e = encoded();
        return e.size() < 32 ? e : Rlp.encodeBytes(hash().bytes());
    }

    /** True if a parent refers to this node by hash (it is stored on its own). */
    public boolean isHashed() {
        return encoded().size() >= 32;
    }

    /** Marks this node as present in the backing store. */
    public void markStored() {
        stored = true;
    }

    /** True if this node is known to be in the backing store. */
    public boolean isStored() {
        return stored;
    }

    abstract Bytes encode();

    /** A leaf: the rest of the key path and the value. */
    public static final class Leaf extends TrieNode {
        final byte[] path;
        final Bytes value;

        Leaf(byte[] path, Bytes value) {
            this.path = path;
            this.value = value;
        }

        @Override
        Bytes encode() {
            return Rlp.encodeList(Rlp.encodeBytes(Bytes.wrap(Nibbles.hexPrefix(path, true))), Rlp.encodeBytes(value));
        }
    }

    /** An extension: a shared path and the single child below it (always a branch once resolved). */
    public static final class Extension extends TrieNode {
        final byte[] path;
        final TrieNode child;

        Extension(byte[] path, TrieNode child) {
            this.path = path;
            this.child = child;
        }

        @Override
        Bytes encode() {
            return Rlp.encodeList(Rlp.encodeBytes(Bytes.wrap(Nibbles.hexPrefix(path, false))), child.reference());
        }
    }

    /** A branch: sixteen children by next nibble, and the value of a key that ends here. */
    public static final class Branch extends TrieNode {
        private static final byte[] EMPTY_STRING = {(byte) 0x80};

        final @Nullable TrieNode[] children;
        final @Nullable Bytes value;

        Branch(@Nullable TrieNode[] children, @Nullable Bytes value) {
            this.children = children;
            this.value = value;
        }

        @Override
        Bytes encode() {
            Bytes[] refs = new Bytes[16];
            int n = 0;
            for (int i = 0; i < 16; i++) {
                TrieNode c = children[i];
                refs[i] = c == null ? null : c.reference();
                n += c == null ? 1 : refs[i].size();
            }
            Bytes v = value == null ? Bytes.wrap(EMPTY_STRING) : Rlp.encodeBytes(value);
            n += v.size();
            byte[] out = new byte[Rlp.headerLength(n) + n];
            int at = Rlp.writeHeader(out, 0, 0xc0, n);
            for (int i = 0; i < 16; i++) {
                if (refs[i] == null) {
                    out[at++] = (byte) 0x80;
                } else {
                    refs[i].copyTo(out, at);
                    at += refs[i].size();
                }
            }
            v.copyTo(out, at);
            return Bytes.wrap(out);
        }

        int count() {
            int n = value == null ? 0 : 1;
            for (TrieNode c : children) {
                if (c != null) {
                    n++;
                }
            }
            return n;
        }
    }

    /** A reference by hash to a node not yet loaded from the backing store. */
    public static final class HashRef extends TrieNode {
        final Hash target;

        HashRef(Hash target) {
            this.target = target;
            this.stored = true;
        }

        @Override
        public Hash hash() {
            return target;
        }

        @Override
        Bytes reference() {
            return Rlp.encodeBytes(target.bytes());
        }

        @Override
        public boolean isHashed() {
            return true;
        }

        @Override
        Bytes encode() {
            throw new IllegalStateException("a hash reference has no encoding of its own; resolve it first");
        }
    }
}
