package io.openledger.chain.block;
/** x */
final class Placeholder {}
