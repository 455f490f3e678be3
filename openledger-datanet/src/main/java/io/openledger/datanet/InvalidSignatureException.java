package io.openledger.datanet;

/** A contribution's signature does not recover to its contributor's address. */
public final class InvalidSignatureException extends DatanetException {
    private static final long serialVersionUID = 1L;

    /** An exception naming the contribution and the address the signature recovered to. */
    public InvalidSignatureException(String message) {
        super(message);
    }
}
