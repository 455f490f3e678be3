package io.openledger.chain.rlp;

import java.util.List;

/**
 * An RLP list. Immutable and thread-safe; equality is by content.
 *
 * @param items the elements (an unmodifiable copy)
 * @param position the offset the list was decoded from, or -1
 */
public record RlpList(List<RlpItem> items, int position) implements RlpItem {
    /** Copies {@code items}. */
    public RlpList {
        items = List.copyOf(items);
    }

    /** A list built in memory. */
    public static RlpList of(List<? extends RlpItem> items) {
        return new RlpList(List.copyOf(items), -1);
    }

    /** A list built in memory. */
    public static RlpList of(RlpItem... items) {
        return new RlpList(List.of(items), -1);
    }

    /** Number of elements. */
    public int size() {
        return items.size();
    }

    /** The element at {@code index}. */
    public RlpItem get(int index) {
        return items.get(index);
    }

    /**
     * Checks the element count.
     *
     * @param what the structure's name for the message
     * @throws RlpException if the list does not have exactly {@code expected} elements
     */
    public RlpList requireSize(String what, int expected) {
        if (items.size() != expected) {
            throw new RlpException(
                    position,
                    what + " must have " + expected + " elements, got " + items.size()
                            + (items.size() < expected ? " (too few)" : " (too many)"));
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RlpList l && items.equals(l.items);
    }

    @Override
    public int hashCode() {
        return items.hashCode();
    }

    @Override
    public String toString() {
        return items.toString();
    }
}
