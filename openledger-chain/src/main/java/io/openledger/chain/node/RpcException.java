package io.openledger.chain.node;

import io.openledger.core.Bytes;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A request the node refused, with the JSON-RPC error code and the message Ethereum tools recognise
 * (geth's wording: "nonce too low", "insufficient funds for gas * price + value", "replacement
 * transaction underpriced", "invalid chain id", "execution reverted: …"). Nothing was applied.
 */
public final class RpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Invalid request parameters. */
    public static final int INVALID_PARAMS = -32602;
    /** Transaction rejected / server error (geth's code for txpool errors). */
    public static final int SERVER_ERROR = -32000;
    /** Execution reverted (EIP-1474 convention used by geth for eth_call and eth_estimateGas). */
    public static final int EXECUTION_REVERTED = 3;

    private final int code;
    private final transient @Nullable Bytes data;

    /** An error with {@code code} and {@code message}. */
    public RpcException(int code, String message) {
        this(code, message, null);
    }

    /** An error with revert {@code data}. */
    public RpcException(int code, String message, @Nullable Bytes data) {
        super(message, null, false, false);
        this.code = code;
        this.data = data;
    }

    /** The JSON-RPC error code. */
    public int code() {
        return code;
    }

    /** Revert data, if any. */
    public Optional<Bytes> data() {
        return Optional.ofNullable(data);
    }
}
