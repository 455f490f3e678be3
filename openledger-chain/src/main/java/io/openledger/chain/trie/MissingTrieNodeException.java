package io.openledger.chain.trie;

import io.openledger.core.Hash;

/** A trie node referenced by hash is not in the backing store (or its bytes do not hash to it). */
public class MissingTrieNodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Hash node;

    /** The node {@code node} is missing. */
    public MissingTrieNodeException(Hash node) {
        super("trie node " + node + " is missing from the store");
        this.node = node;
    }

    /** The missing node's hash. */
    public Hash node() {
        return node;
    }
}
