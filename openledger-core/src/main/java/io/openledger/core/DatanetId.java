package io.openledger.core;

/**
 * Identifier of a datanet (a community dataset): 1 to 128 characters of {@code [A-Za-z0-9._:/@+-]}, starting with a letter or
 * digit.
 *
 * @param value the identifier text
 */
public record DatanetId(String value) implements Comparable<DatanetId> {
    /**
     * @throws IllegalArgumentException if {@code value} is empty, too long or has other characters
     */
    public DatanetId {
        Identifiers.check("DatanetId", value);
    }

    /** The identifier with this text. */
    public static DatanetId of(String value) {
        return new DatanetId(value);
    }

    @Override
    public int compareTo(DatanetId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
