package io.openledger.chain.trie;

import io.openledger.chain.internal.Nibbles;
import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.rlp.RlpException;
import io.openledger.chain.rlp.RlpItem;
import io.openledger.chain.rlp.RlpList;
import io.openledger.chain.rlp.RlpString;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Merkle proof: the RLP encodings of the trie nodes on the path from the root towards a key, in
 * the form {@code eth_getProof} returns. It proves either the key's value or its absence.
 * Immutable and thread-safe.
 *
 * @param nodes node encodings, root first (an unmodifiable copy)
 */
public record TrieProof(List<Bytes> nodes) {
    /** Copies {@code nodes}. */
    public TrieProof {
        nodes = List.copyOf(nodes);
    }

    /**
     * Checks the proof for a (non-secure) trie key against {@code root}.
     *
     * @return the proven value, or empty if the proof shows the key is absent
     * @throws InvalidProofException if a node the path needs is missing from the proof or malformed
     */
    public Optional<Bytes> verify(Hash root, Bytes key) {
        return walk(root, Nibbles.of(key.toArray()));
    }

    /**
     * Checks the proof for a secure-trie key (the path is keccak256 of {@code key}).
     *
     * @return the proven value, or empty if absent
     * @throws InvalidProofException if the proof is incomplete or malformed
     */
    public Optional<Bytes> verifySecure(Hash root, Bytes key) {
        return walk(root, Nibbles.of(Hashing.keccak256(key).toArray()));
    }

    private Optional<Bytes> walk(Hash root, byte[] path) {
        if (root.equals(MerklePatriciaTrie.EMPTY_ROOT)) {
            return Optional.empty();
        }
        Map<Hash, Bytes> byHash = new HashMap<>();
        for (Bytes n : nodes) {
            byHash.put(Hashing.keccak256(n), n);
        }
        try {
            RlpItem node = load(byHash, root);
            int pos = 0;
            while (true) {
                RlpList list = node.asList("trie node");
                RlpItem next;
                if (list.size() == 17) {
                    if (pos == path.length) {
                        return value(list.get(16));
                    }
                    next = list.get(path[pos++]);
                } else if (list.size() == 2) {
                    boolean[] leaf = new boolean[1];
                    byte[] p = Nibbles.fromHexPrefix(
                            list.get(0).asString("node path").bytes().toArray(), leaf);
                    boolean prefixMatches = Nibbles.commonPrefix(p, path, pos) == p.length;
                    if (leaf[0]) {
                        return prefixMatches && pos + p.length == path.length ? value(list.get(1)) : Optional.empty();
                    }
                    if (!prefixMatches) {
                        return Optional.empty();
                    }
                    pos += p.length;
                    next = list.get(1);
                } else {
                    throw new InvalidProofException("trie node with " + list.size() + " elements");
                }
                if (next instanceof RlpString s) {
                    if (s.bytes().isEmpty()) {
                        return Optional.empty();
                    }
                    node = load(byHash, s.asHash("child reference"));
                } else {
                    node = next;
                }
            }
        } catch (RlpException | IllegalArgumentException e) {
            throw new InvalidProofException("malformed proof node: " + e.getMessage());
        }
    }

    private static Optional<Bytes> value(RlpItem item) {
        Bytes v = item.asString("value").bytes();
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    private static RlpItem load(Map<Hash, Bytes> byHash, Hash hash) {
        Bytes enc = byHash.get(hash);
        if (enc == null) {
            throw new InvalidProofException("proof lacks the node " + hash);
        }
        return Rlp.decode(enc);
    }
}
