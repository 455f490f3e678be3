/** OpenLedger datanet module. */
module io.openledger.datanet {
    requires transitive io.openledger.core;
    requires static org.jspecify;

    exports io.openledger.datanet;
}
