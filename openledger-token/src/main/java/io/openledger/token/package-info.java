/**
 * OPEN token accounting.
 *
 * <ul>
 *   <li>{@link io.openledger.token.Ledger}: a TigerBeetle-style double-entry ledger (accounts with
 *       pending and posted debits and credits, idempotent client ids, two-phase transfers with
 *       timeouts, linked all-or-nothing chains, balance-limit flags, history, group commit), opened on
 *       any core {@code KeyValueStore} by {@link io.openledger.token.Ledger#open} (cached) or {@link
 *       io.openledger.token.Ledger#openUncached} (nothing kept between calls, for stores whose owner
 *       rolls writes back).
 *   <li>{@link io.openledger.token.OpenToken}: ERC-20 semantics over the ledger with a fixed supply
 *       of 10^27 base units issued once; {@link io.openledger.token.Genesis} and {@link
 *       io.openledger.token.Vesting} for the allocation.
 *   <li>{@link io.openledger.token.FeeSchedule}, {@link io.openledger.token.FeeSplit} and {@link
 *       io.openledger.token.LargestRemainder} for exact fees and splits; {@link
 *       io.openledger.token.InferenceSettlement} implements core's {@code Settlement}.
 *   <li>{@link io.openledger.token.Staking} and {@link io.openledger.token.Votes} (their state
 *       kept entirely in the ledger) and {@link io.openledger.token.Governor} (proposals in memory or
 *       in a key-value store) for staking, slashing, rewards and governance. The ids of transfers
 *       these services make up come from a {@link io.openledger.token.TransferIds} source: random by
 *       default, deterministic where the ledger is replicated state.
 * </ul>
 *
 * <p>Everything above the ledger uses only the {@link io.openledger.token.Ledger} interface, so a
 * different implementation (an L2 chain's state) runs it unchanged; such an implementation can be
 * checked with the contract kit {@code io.openledger.token.testing.LedgerContract} in this module's
 * test-jar.
 */
@NullMarked
package io.openledger.token;

import org.jspecify.annotations.NullMarked;
