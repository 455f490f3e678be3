package io.openledger.core;

/**
 * Identifier of a model, base or fine-tuned: 1 to 128 characters of {@code [A-Za-z0-9._:/@+-]}, starting with a letter or
 * digit.
 *
 * @param value the identifier text
 */
public record ModelId(String value) implements Comparable<ModelId> {
    /**
     * @throws IllegalArgumentException if {@code value} is empty, too long or has other characters
     */
    public ModelId {
        Identifiers.check("ModelId", value);
    }

    /** The identifier with this text. */
    public static ModelId of(String value) {
        return new ModelId(value);
    }

    @Override
    public int compareTo(ModelId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
