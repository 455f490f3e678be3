/**
 * OpenLedger token module: a TigerBeetle-style double-entry {@link io.openledger.token.Ledger} on
 * the core key-value store, and the OPEN token, genesis and vesting, fee splitting and settlement,
 * staking and governance over it.
 */
module io.openledger.token {
    requires transitive io.openledger.core;
    requires static org.jspecify;
    requires java.management; // LedgerThroughput reports CPU time

    exports io.openledger.token;
}
