package io.openledger.core.contract;

import io.openledger.core.Address;
import io.openledger.core.DatanetId;
import java.util.Optional;

/**
 * Where datanet version roots are anchored: in memory by default ({@link InMemoryAnchorContract}),
 * on the L2 chain's DatanetRegistry when {@code openledger-chain} is wired in. Implementations are
 * thread-safe.
 */
public interface AnchorContract {
    /**
     * Anchors a version root. Anchoring the same version again with the same root is a no-op that
     * returns the first receipt; with a different root it is rejected.
     *
     * @param owner the datanet owner, who alone may anchor its versions
     * @throws AnchorRejectedException if the version is already anchored with another root, or
     *     {@code owner} is not the datanet's owner
     */
    AnchorReceipt anchor(DatanetVersionRef version, Address owner);

    /** The anchor of a version, if it has one. */
    Optional<AnchorReceipt> lookup(DatanetId datanet, long version);
}
