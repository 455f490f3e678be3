/**
 * OpenLedger chain: Ethereum and OP Stack primitives, byte-for-byte with other clients. Strict RLP,
 * the Merkle Patricia Trie with proofs, transactions of every type including the OP deposit, receipts,
 * headers, base fees, L1 data fees and the OP Stack deposit and L1-info formats; and the OpenLedger
 * L2 node ({@code io.openledger.chain.node}): world state, execution with OP Stack fees, native system
 * contracts, a sequencer, crash-safe storage and an Ethereum JSON-RPC server.
 */
module io.openledger.chain {
    requires transitive io.openledger.core;
    requires transitive io.openledger.token;
    requires static org.jspecify;
    requires jdk.httpserver;
    requires java.net.http; // RpcAnchorContract talks to a node over JSON-RPC
    requires org.bouncycastle.provider;
    requires rocksdbjni;
    requires com.fasterxml.jackson.databind;

    exports io.openledger.chain.rlp;
    exports io.openledger.chain.trie;
    exports io.openledger.chain.tx;
    exports io.openledger.chain.op;
    exports io.openledger.chain.block;
    exports io.openledger.chain.abi;
    exports io.openledger.chain.node;
}
