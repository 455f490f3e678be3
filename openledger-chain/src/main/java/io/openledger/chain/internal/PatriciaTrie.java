package io.openledger.chain.internal;

import io.openledger.chain.internal.TrieNode.Branch;
import io.openledger.chain.internal.TrieNode.Extension;
import io.openledger.chain.internal.TrieNode.HashRef;
import io.openledger.chain.internal.TrieNode.Leaf;
import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.rlp.RlpException;
import io.openledger.chain.rlp.RlpItem;
import io.openledger.chain.rlp.RlpList;
import io.openledger.chain.rlp.RlpString;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The Merkle Patricia Trie algorithms over immutable {@link TrieNode}s: lookup, insert and delete
 * with the canonical node shapes (no extension above a non-branch, no branch with fewer than two
 * entries), node decoding, proofs and the set of nodes a commit must write. Not thread-safe.
 */
public final class PatriciaTrie {
    /** keccak256(rlp("")), the root of the empty trie. */
    public static final Hash EMPTY_ROOT =
            Hash.fromHex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");

    private final Function<Hash, Bytes> loader;
    private @Nullable TrieNode root;

    /**
     * A trie whose root is {@code rootHash}; nodes are fetched through {@code loader}, which throws
     * if a node is missing.
     */
    public PatriciaTrie(Hash rootHash, Function<Hash, Bytes> loader) {
        this.loader = loader;
        this.root = rootHash.equals(EMPTY_ROOT) ? null : new HashRef(rootHash);
    }

    /** The root hash. */
    public Hash rootHash() {
        TrieNode r = root;
        return r == null ? EMPTY_ROOT : r.hash();
    }

    /** The value under the nibble path {@code key}, or null. */
    public @Nullable Bytes get(byte[] key) {
        TrieNode node = root;
        int pos = 0;
        while (node != null) {
            node = resolve(node);
            switch (node) {
                case Leaf l -> {
                    return l.path.length == key.length - pos && Nibbles.commonPrefix(l.path, key, pos) == l.path.length
                            ? l.value
                            : null;
                }
                case Extension e -> {
                    if (Nibbles.commonPrefix(e.path, key, pos) != e.path.length) {
                        return null;
                    }
                    pos += e.path.length;
                    node = e.child;
                }
                case Branch b -> {
                    if (pos == key.length) {
                        return b.value;
                    }
                    node = b.children[key[pos++]];
                }
                case HashRef h -> throw new IllegalStateException("unresolved " + h.target);
            }
        }
        return null;
    }

    /** Stores {@code value} (non-empty) under the nibble path {@code key}. */
    public void put(byte[] key, Bytes value) {
        root = insert(root, key, 0, value);
    }

    /** Removes the nibble path {@code key}; does nothing if absent. */
    public void delete(byte[] key) {
        root = remove(root, key, 0);
    }

    /** The encodings of the nodes from the root towards {@code key} that a verifier needs. */
    public List<Bytes> proof(byte[] key) {
        List<Bytes> out = new ArrayList<>();
        TrieNode node = root;
        int pos = 0;
        boolean first = true;
        while (node != null) {
            node = resolve(node);
            if (first || node.isHashed()) {
                out.add(node.encoded());
            }
            first = false;
            switch (node) {
                case Leaf l -> node = null;
                case Extension e -> {
                    if (Nibbles.commonPrefix(e.path, key, pos) != e.path.length) {
                        node = null;
                    } else {
                        pos += e.path.length;
                        node = e.child;
                    }
                }
                case Branch b -> node = pos == key.length ? null : b.children[key[pos++]];
                case HashRef h -> throw new IllegalStateException("unresolved " + h.target);
            }
        }
        return out;
    }

    /**
     * Hands every node not yet stored to {@code sink} as (hash, encoding), children before parents;
     * inline nodes (under 32 bytes) are skipped, except the root, which is always written. Marks them
     * stored. Returns the root hash.
     */
    public Hash collectUnstored(BiConsumer<Hash, Bytes> sink) {
        TrieNode r = root;
        if (r == null) {
            return EMPTY_ROOT;
        }
        if (r.stored && !(r instanceof HashRef) && !r.isHashed()) {
            // a small node that was inline under a parent and is now the root has never been written on its own
            sink.accept(r.hash(), r.encoded());
        }
        collect(r, sink, true);
        return r.hash();
    }

    /**
     * Visits every (nibble path, value) in ascending key order until {@code visitor} returns false.
     * Returns false if the visit was stopped early.
     */
    public boolean forEach(BiPredicate<byte[], Bytes> visitor) {
        TrieNode r = root;
        return r == null || walk(r, Nibbles.EMPTY, false, visitor);
    }

    /**
     * Visits the (nibble path, value) entries whose path is greater than {@code probe}, in ascending
     * order, until {@code visitor} returns false. Subtrees that lie wholly at or below {@code probe}
     * are skipped without being resolved, so finding the next entry resolves only the nodes along
     * {@code probe}'s path and those towards the answer, not the entries before it. Returns false if
     * the visit was stopped early.
     */
    public boolean forEachAfter(byte[] probe, BiPredicate<byte[], Bytes> visitor) {
        TrieNode r = root;
        return r == null || seek(r, Nibbles.EMPTY, probe, false, visitor);
    }

    /**
     * Visits the (nibble path, value) entries whose path is less than {@code probe}, in descending
     * order, until {@code visitor} returns false. As {@link #forEachAfter}, subtrees wholly at or
     * above {@code probe} are skipped without being resolved. Returns false if stopped early.
     */
    public boolean forEachBefore(byte[] probe, BiPredicate<byte[], Bytes> visitor) {
        TrieNode r = root;
        return r == null || seek(r, Nibbles.EMPTY, probe, true, visitor);
    }

    // every entry of the subtree at prefix, ascending (a branch's value, then its children from 0)
    // or descending (its children from 15, then its value)
    private boolean walk(TrieNode node, byte[] prefix, boolean descending, BiPredicate<byte[], Bytes> visitor) {
        node = resolve(node);
        switch (node) {
            case Leaf l -> {
                return visitor.test(Nibbles.concat(prefix, l.path), l.value);
            }
            case Extension e -> {
                return walk(e.child, Nibbles.concat(prefix, e.path), descending, visitor);
            }
            case Branch b -> {
                if (descending) {
                    return children(b, prefix, 15, 0, true, visitor)
                            && (b.value == null || visitor.test(prefix, b.value));
                }
                return (b.value == null || visitor.test(prefix, b.value)) && children(b, prefix, 0, 15, false, visitor);
            }
            case HashRef h -> throw new IllegalStateException("unresolved " + h.target);
        }
    }

    // walk over the children of b from nibble `from` to nibble `to`, both included, each subtree in
    // the same direction (descending: from >= to)
    private boolean children(
            Branch b, byte[] prefix, int from, int to, boolean descending, BiPredicate<byte[], Bytes> visitor) {
        int step = descending ? -1 : 1;
        for (int i = from; i != to + step; i += step) {
            TrieNode c = b.children[i];
            if (c != null && !walk(c, Nibbles.concat(prefix, new byte[] {(byte) i}), descending, visitor)) {
                return false;
            }
        }
        return true;
    }

    // the subtree at prefix, which is probe[0, prefix.length): the entries after probe ascending,
    // or before it descending
    private boolean seek(
            TrieNode node, byte[] prefix, byte[] probe, boolean descending, BiPredicate<byte[], Bytes> visitor) {
        node = resolve(node);
        int d = prefix.length;
        int toward = descending ? -1 : 1; // the side of probe being visited
        switch (node) {
            case Leaf l -> {
                byte[] path = Nibbles.concat(prefix, l.path);
                return Integer.signum(Arrays.compare(path, probe)) != toward || visitor.test(path, l.value);
            }
            case Extension e -> {
                int c = segmentOrder(e.path, probe, d);
                byte[] next = Nibbles.concat(prefix, e.path);
                if (c == 0) {
                    return seek(e.child, next, probe, descending, visitor);
                }
                // the whole subtree is on one side of probe
                return c != toward || walk(e.child, next, descending, visitor);
            }
            case Branch b -> {
                // the branch's own value sits at prefix: probe itself (neither side) or a proper
                // prefix of it (before it), and every child sorts after a prefix equal to probe
                if (d == probe.length) {
                    return descending || children(b, prefix, 0, 15, false, visitor);
                }
                int nib = probe[d];
                TrieNode c = b.children[nib];
                if (c != null
                        && !seek(c, Nibbles.concat(prefix, new byte[] {(byte) nib}), probe, descending, visitor)) {
                    return false;
                }
                if (!descending) {
                    return nib == 15 || children(b, prefix, nib + 1, 15, false, visitor);
                }
                return (nib == 0 || children(b, prefix, nib - 1, 0, true, visitor))
                        && (b.value == null || visitor.test(prefix, b.value));
            }
            case HashRef h -> throw new IllegalStateException("unresolved " + h.target);
        }
    }

    /**
     * How every path through an extension {@code seg} starting at depth d sorts against probe, whose
     * first d nibbles the prefix matches: -1 all before, +1 all after (also when probe ends inside
     * seg, making it a proper prefix of them), 0 if seg continues probe, so its child decides.
     */
    private static int segmentOrder(byte[] seg, byte[] probe, int d) {
        for (int i = 0; i < seg.length; i++) {
            if (d + i >= probe.length) {
                return 1;
            }
            if (seg[i] != probe[d + i]) {
                return seg[i] < probe[d + i] ? -1 : 1;
            }
        }
        return 0;
    }

    /** Number of nodes {@link #collectUnstored} would hand over now. */
    public int countUnstored() {
        TrieNode r = root;
        return r == null ? 0 : count(r, true);
    }

    private static int count(TrieNode node, boolean isRoot) {
        if (node.stored) {
            return 0;
        }
        int n = 0;
        switch (node) {
            case Extension e -> n += count(e.child, false);
            case Branch b -> {
                for (TrieNode c : b.children) {
                    if (c != null) {
                        n += count(c, false);
                    }
                }
            }
            default -> {}
        }
        return n + (isRoot || node.isHashed() ? 1 : 0);
    }

    private static void collect(TrieNode node, BiConsumer<Hash, Bytes> sink, boolean isRoot) {
        if (node.stored) {
            return;
        }
        switch (node) {
            case Extension e -> collect(e.child, sink, false);
            case Branch b -> {
                for (TrieNode c : b.children) {
                    if (c != null) {
                        collect(c, sink, false);
                    }
                }
            }
            default -> {}
        }
        if (isRoot || node.isHashed()) {
            sink.accept(node.hash(), node.encoded());
        }
        node.markStored();
    }

    private TrieNode resolve(TrieNode node) {
        if (node instanceof HashRef h) {
            Bytes enc = loader.apply(h.target);
            TrieNode n = decode(enc, true);
            n.markStored();
            return n;
        }
        return node;
    }

    /**
     * Decodes a node encoding; children referenced by hash become unresolved references.
     *
     * @throws RlpException if the bytes are not a well-formed node
     */
    public static TrieNode decode(Bytes enc, boolean stored) {
        TrieNode n = decodeItem(Rlp.decode(enc));
        if (stored) {
            n.markStored();
        }
        return n;
    }

    private static TrieNode decodeItem(RlpItem item) {
        RlpList list = item.asList("trie node");
        if (list.size() == 2) {
            RlpString p = list.get(0).asString("trie node path");
            boolean[] leaf = new boolean[1];
            byte[] path;
            try {
                path = Nibbles.fromHexPrefix(p.bytes().toArray(), leaf);
            } catch (IllegalArgumentException e) {
                throw new RlpException(p.position(), e.getMessage());
            }
            if (leaf[0]) {
                return new Leaf(path, list.get(1).asString("leaf value").bytes());
            }
            if (path.length == 0) {
                throw new RlpException(list.position(), "extension node with an empty path");
            }
            return new Extension(path, child(list.get(1)));
        }
        if (list.size() == 17) {
            TrieNode[] children = new TrieNode[16];
            for (int i = 0; i < 16; i++) {
                RlpItem c = list.get(i);
                if (!(c instanceof RlpString s && s.bytes().isEmpty())) {
                    children[i] = child(c);
                }
            }
            Bytes v = list.get(16).asString("branch value").bytes();
            return new Branch(children, v.isEmpty() ? null : v);
        }
        throw new RlpException(list.position(), "a trie node has 2 or 17 elements, got " + list.size());
    }

    private static TrieNode child(RlpItem ref) {
        if (ref instanceof RlpString s) {
            return new HashRef(s.asHash("child reference"));
        }
        TrieNode n = decodeItem(ref);
        if (n.encoded().size() >= 32) {
            throw new RlpException(
                    ref.position(), "inline child node is " + n.encoded().size() + " bytes; 32 or more must be hashed");
        }
        return n;
    }

    private @Nullable TrieNode insert(@Nullable TrieNode node, byte[] key, int pos, Bytes value) {
        if (node == null) {
            return new Leaf(Nibbles.slice(key, pos, key.length), value);
        }
        node = resolve(node);
        switch (node) {
            case Leaf l -> {
                int c = Nibbles.commonPrefix(l.path, key, pos);
                int rem = key.length - pos;
                if (c == l.path.length && c == rem) {
                    return l.value.equals(value) ? l : new Leaf(l.path, value);
                }
                TrieNode[] children = new TrieNode[16];
                Bytes branchValue = null;
                if (c == l.path.length) {
                    branchValue = l.value;
                } else {
                    children[l.path[c]] = new Leaf(Nibbles.slice(l.path, c + 1, l.path.length), l.value);
                }
                if (c == rem) {
                    branchValue = value;
                } else {
                    children[key[pos + c]] = new Leaf(Nibbles.slice(key, pos + c + 1, key.length), value);
                }
                return wrap(Nibbles.slice(l.path, 0, c), new Branch(children, branchValue));
            }
            case Extension e -> {
                int c = Nibbles.commonPrefix(e.path, key, pos);
                if (c == e.path.length) {
                    TrieNode child = insert(e.child, key, pos + c, value);
                    return child == e.child ? e : new Extension(e.path, child);
                }
                TrieNode[] children = new TrieNode[16];
                Bytes branchValue = null;
                children[e.path[c]] = c + 1 == e.path.length
                        ? e.child
                        : new Extension(Nibbles.slice(e.path, c + 1, e.path.length), e.child);
                if (c == key.length - pos) {
                    branchValue = value;
                } else {
                    children[key[pos + c]] = new Leaf(Nibbles.slice(key, pos + c + 1, key.length), value);
                }
                return wrap(Nibbles.slice(e.path, 0, c), new Branch(children, branchValue));
            }
            case Branch b -> {
                if (pos == key.length) {
                    return value.equals(b.value) ? b : new Branch(b.children, value);
                }
                int k = key[pos];
                TrieNode child = insert(b.children[k], key, pos + 1, value);
                if (child == b.children[k]) {
                    return b;
                }
                TrieNode[] children = b.children.clone();
                children[k] = child;
                return new Branch(children, b.value);
            }
            case HashRef h -> throw new IllegalStateException("unresolved " + h.target);
        }
    }

    private static TrieNode wrap(byte[] prefix, Branch branch) {
        return prefix.length == 0 ? branch : new Extension(prefix, branch);
    }

    private @Nullable TrieNode remove(@Nullable TrieNode node, byte[] key, int pos) {
        if (node == null) {
            return null;
        }
        TrieNode original = node;
        node = resolve(node);
        switch (node) {
            case Leaf l -> {
                boolean match =
                        l.path.length == key.length - pos && Nibbles.commonPrefix(l.path, key, pos) == l.path.length;
                return match ? null : original;
            }
            case Extension e -> {
                if (Nibbles.commonPrefix(e.path, key, pos) != e.path.length) {
                    return original;
                }
                TrieNode child = remove(e.child, key, pos + e.path.length);
                if (child == e.child) {
                    return original;
                }
                return child == null ? null : join(e.path, child);
            }
            case Branch b -> {
                TrieNode[] children;
                Bytes value = b.value;
                if (pos == key.length) {
                    if (value == null) {
                        return original;
                    }
                    children = b.children;
                    value = null;
                } else {
                    int k = key[pos];
                    TrieNode child = remove(b.children[k], key, pos + 1);
                    if (child == b.children[k]) {
                        return original;
                    }
                    children = b.children.clone();
                    children[k] = child;
                }
                Branch nb = new Branch(children, value);
                if (nb.count() >= 2) {
                    return nb;
                }
                if (value != null) {
                    return new Leaf(Nibbles.EMPTY, value);
                }
                for (int i = 0; i < 16; i++) {
                    if (children[i] != null) {
                        return join(new byte[] {(byte) i}, children[i]);
                    }
                }
                return null;
            }
            case HashRef h -> throw new IllegalStateException("unresolved " + h.target);
        }
    }

    /** The node for {@code prefix} followed by {@code child}, merging paths so no extension sits above a non-branch. */
    private TrieNode join(byte[] prefix, TrieNode child) {
        TrieNode c = resolve(child);
        return switch (c) {
            case Leaf l -> new Leaf(Nibbles.concat(prefix, l.path), l.value);
            case Extension e -> new Extension(Nibbles.concat(prefix, e.path), e.child);
            case Branch b -> new Extension(prefix, c);
            case HashRef h -> throw new IllegalStateException("unresolved " + h.target);
        };
    }

    /** keccak256 of {@code b}, for callers that key nodes by hash. */
    public static Hash hashOf(Bytes b) {
        return Hashing.keccak256(b);
    }
}
