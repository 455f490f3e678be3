package io.openledger.chain.internal.node;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.core.Bytes;

/** A system-contract call that failed: its state changes are undone and the reason is returned as Error(string). */
public final class Revert extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@code reason} is what Solidity's {@code require(cond, reason)} would return. */
    public Revert(String reason) {
        super(reason, null, false, false);
    }

    /** The revert data: {@code Error(string)} selector 0x08c379a0 and the ABI-encoded reason. */
    public Bytes data() {
        return Abi.encodeCall("Error(string)", java.util.List.of(new AbiValue.Text(getMessage())));
    }
}
