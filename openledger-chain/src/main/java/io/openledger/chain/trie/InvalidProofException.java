package io.openledger.chain.trie;

/** A Merkle proof does not prove anything about the given root: a node is missing or malformed. */
public class InvalidProofException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception saying what was wrong. */
    public InvalidProofException(String message) {
        super(message);
    }
}
