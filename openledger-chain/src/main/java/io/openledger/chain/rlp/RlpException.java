package io.openledger.chain.rlp;

/**
 * Input that is not canonical RLP, or an RLP item that does not have the shape a decoder expected.
 * The message names the byte offset into the decoded input and what was wrong there.
 */
public class RlpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int position;

    /**
     * An exception about the item at {@code position}.
     *
     * @param position byte offset into the decoded input, or -1 if the item was not decoded from bytes
     * @param message what was wrong
     */
    public RlpException(int position, String message) {
        super(position >= 0 ? "RLP at byte " + position + ": " + message : "RLP: " + message);
        this.position = position;
    }

    /** The byte offset of the offending item in the decoded input, or -1 if unknown. */
    public int position() {
        return position;
    }
}
