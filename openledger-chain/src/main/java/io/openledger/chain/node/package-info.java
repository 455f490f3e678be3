/**
 * The OpenLedger L2 node: world state over the Merkle Patricia Trie, execution of transfers, deposits
 * and native system contracts with OP Stack fees, a sequencer, crash-safe persistence and an Ethereum
 * JSON-RPC server. Start with {@link io.openledger.chain.node.L2Node#builder()}.
 */
@NullMarked
package io.openledger.chain.node;

import org.jspecify.annotations.NullMarked;
