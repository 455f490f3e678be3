package io.openledger.chain.op;
/** x */
final class Placeholder {}
