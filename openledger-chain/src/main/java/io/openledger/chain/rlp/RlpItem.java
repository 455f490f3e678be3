package io.openledger.chain.rlp;

/**
 * A decoded or to-be-encoded RLP item: a byte string or a list of items. Implementations are
 * immutable and thread-safe; equality is by content, never by where an item was decoded from.
 */
public sealed interface RlpItem permits RlpString, RlpList {
    /**
     * The byte offset at which this item started in the input it was decoded from, or -1 for an
     * item built in memory. Used only to make error messages point at the right place.
     */
    int position();

    /**
     * This item as a string.
     *
     * @param what a name for the item used in the error message, e.g. {@code "nonce"}
     * @throws RlpException if it is a list
     */
    default RlpString asString(String what) {
        if (this instanceof RlpString s) {
            return s;
        }
        throw new RlpException(position(), what + " must be a string, found a list");
    }

    /**
     * This item as a list.
     *
     * @param what a name for the item used in the error message
     * @throws RlpException if it is a string
     */
    default RlpList asList(String what) {
        if (this instanceof RlpList l) {
            return l;
        }
        throw new RlpException(position(), what + " must be a list, found a string");
    }
}
