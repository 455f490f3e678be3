package io.openledger.chain.internal.node;

import io.openledger.chain.rlp.Rlp;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;

/** Storage values as Ethereum keeps words: minimal big-endian bytes, zero as empty. */
final class Rlpish {
    private Rlpish() {}

    static Bytes minimal(long v) {
        return Rlp.minimalBytes(v);
    }

    static Bytes minimal(Amount v) {
        return v.toMinimalBytes();
    }
}
