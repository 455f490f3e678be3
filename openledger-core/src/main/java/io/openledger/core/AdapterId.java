package io.openledger.core;

/**
 * Identifier of a LoRA adapter served on a base model: 1 to 128 characters of {@code [A-Za-z0-9._:/@+-]}, starting with a letter or
 * digit.
 *
 * @param value the identifier text
 */
public record AdapterId(String value) implements Comparable<AdapterId> {
    /**
     * @throws IllegalArgumentException if {@code value} is empty, too long or has other characters
     */
    public AdapterId {
        Identifiers.check("AdapterId", value);
    }

    /** The identifier with this text. */
    public static AdapterId of(String value) {
        return new AdapterId(value);
    }

    @Override
    public int compareTo(AdapterId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
