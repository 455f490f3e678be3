/**
 * OpenLedger core: value types, hashing, secp256k1 signing, Merkle proofs, the key-value store SPI
 * and the small contracts through which the other modules cooperate.
 */
module io.openledger.core {
    requires transitive org.slf4j;
    requires org.bouncycastle.provider;
    requires static transitive org.jspecify;
    requires static rocksdbjni;

    exports io.openledger.core;
    exports io.openledger.core.crypto;
    exports io.openledger.core.merkle;
    exports io.openledger.core.store;
    exports io.openledger.core.spi;
    exports io.openledger.core.contract;
}
