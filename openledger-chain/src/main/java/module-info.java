/** OpenLedger chain module. */
module io.openledger.chain {
    requires transitive io.openledger.core;
    requires io.openledger.token;
    requires static org.jspecify;

    exports io.openledger.chain;
}
