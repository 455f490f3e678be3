/** OpenLedger token module. */
module io.openledger.token {
    requires transitive io.openledger.core;
    requires static org.jspecify;

    exports io.openledger.token;
}
