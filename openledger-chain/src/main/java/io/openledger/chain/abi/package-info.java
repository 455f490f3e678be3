/** Solidity contract ABI encoding (the {@code abi.encode} head/tail layout) of typed values. */
@NullMarked
package io.openledger.chain.abi;

import org.jspecify.annotations.NullMarked;
