package io.openledger.datanet;

import io.openledger.core.Hash;

/**
 * A record of a contribution that repeats or resembles one already in the datanet (or earlier in
 * the same contribution).
 *
 * @param record the flagged record's id
 * @param kind exact or near duplicate
 * @param resembles the id of the record it repeats or resembles
 * @param similarity estimated Jaccard similarity of their shingle sets, in [0, 1]; 1 for exact
 */
public record DuplicateFlag(Hash record, Kind kind, Hash resembles, double similarity) {
    /** How close the records are. */
    public enum Kind {
        /** Same text, so the same id. The record is not added again on approval. */
        EXACT,
        /** MinHash similarity at or above the configured threshold. Added on approval if approved. */
        NEAR
    }

    /**
     * @throws IllegalArgumentException if {@code similarity} is outside [0, 1]
     */
    public DuplicateFlag {
        if (!(similarity >= 0 && similarity <= 1)) {
            throw new IllegalArgumentException("similarity must be in [0, 1], got " + similarity);
        }
    }
}
