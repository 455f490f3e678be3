package io.openledger.token;

import io.openledger.core.Amount;

/**
 * An account's counters right after one transfer (kept for accounts with {@link
 * AccountFlag#HISTORY}). Immutable.
 *
 * @param transferId the transfer that produced these balances
 * @param timestamp that transfer's timestamp
 * @param debitsPending debits pending after it
 * @param debitsPosted debits posted after it
 * @param creditsPending credits pending after it
 * @param creditsPosted credits posted after it
 */
public record AccountBalance(
        TransferId transferId,
        long timestamp,
        Amount debitsPending,
        Amount debitsPosted,
        Amount creditsPending,
        Amount creditsPosted) {}
