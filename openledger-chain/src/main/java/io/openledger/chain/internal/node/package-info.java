/** The L2 node's implementation: world state, execution, system contracts, sequencer, storage, RPC. */
@NullMarked
package io.openledger.chain.internal.node;

import org.jspecify.annotations.NullMarked;
