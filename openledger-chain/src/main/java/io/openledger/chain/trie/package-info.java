/** The Merkle Patricia Trie (Yellow Paper appendix D), its secure variant and Merkle proofs. */
@NullMarked
package io.openledger.chain.trie;

import org.jspecify.annotations.NullMarked;
