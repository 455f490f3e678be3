package io.openledger.chain.tx;
/** x */
final class Placeholder {}
