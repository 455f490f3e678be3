package io.openledger.core.contract;

/** An anchoring request that the contract refused; nothing was recorded. */
public final class AnchorRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with the reason. */
    public AnchorRejectedException(String message) {
        super(message);
    }
}
