package io.openledger.core.contract;

import io.openledger.core.DatanetId;
import io.openledger.core.Hash;

/**
 * A pointer to one immutable version of a datanet, with the Merkle root that pins its records.
 *
 * @param datanet the datanet
 * @param version the version number, from 1
 * @param root the Merkle root over the version's record hashes
 */
public record DatanetVersionRef(DatanetId datanet, long version, Hash root) {
    /**
     * @throws IllegalArgumentException if {@code version} is below 1
     */
    public DatanetVersionRef {
        if (version < 1) {
            throw new IllegalArgumentException("datanet versions start at 1, got " + version);
        }
    }
}
