/** OP Stack primitives: deposit source hashes, L1-info calldata, TransactionDeposited logs, L1 data fees. */
@NullMarked
package io.openledger.chain.op;

import org.jspecify.annotations.NullMarked;
