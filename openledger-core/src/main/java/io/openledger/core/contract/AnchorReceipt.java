package io.openledger.core.contract;

import io.openledger.core.Address;
import io.openledger.core.Hash;
import java.time.Instant;

/**
 * Proof that a version root was anchored.
 *
 * @param version the anchored version and root
 * @param owner who anchored it
 * @param anchoredAt when
 * @param location where: e.g. {@code "memory"} or an L2 transaction hash
 * @param reference an identifier of the anchoring record (a transaction hash on chain)
 */
public record AnchorReceipt(
        DatanetVersionRef version, Address owner, Instant anchoredAt, String location, Hash reference) {}
