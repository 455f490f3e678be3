/** Block headers, receipts, logs blooms, list roots and the EIP-1559 base fee. */
@NullMarked
package io.openledger.chain.block;

import org.jspecify.annotations.NullMarked;
