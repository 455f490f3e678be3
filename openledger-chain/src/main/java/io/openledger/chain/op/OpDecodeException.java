package io.openledger.chain.op;

/**
 * OP Stack bytes (L1-info calldata, a {@code TransactionDeposited} log) that do not have the layout
 * the spec and op-node require. The message names the field and byte offset.
 */
public class OpDecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception saying what was wrong. */
    public OpDecodeException(String message) {
        super(message);
    }
}
