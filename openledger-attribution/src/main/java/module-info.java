/** OpenLedger attribution module. */
module io.openledger.attribution {
    requires transitive io.openledger.core;
    requires static org.jspecify;

    exports io.openledger.attribution;
}
