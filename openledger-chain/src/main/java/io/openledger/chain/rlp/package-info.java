/** Strict Recursive Length Prefix (RLP) encoding and decoding, as the Ethereum Yellow Paper (appendix B) defines it. */
@NullMarked
package io.openledger.chain.rlp;

import org.jspecify.annotations.NullMarked;
