/** Ethereum and OP Stack transactions: legacy, EIP-2930, EIP-1559, EIP-4844 and the 0x7E deposit. */
@NullMarked
package io.openledger.chain.tx;

import org.jspecify.annotations.NullMarked;
