/** OpenLedger lora module. */
module io.openledger.lora {
    requires transitive io.openledger.core;
    requires static org.jspecify;

    exports io.openledger.lora;
}
