package io.openledger.attribution;

import io.openledger.core.ContributorId;
import io.openledger.core.contract.DatanetVersionRef;
import java.util.Arrays;
import java.util.Objects;

/**
 * One training record as attribution sees it: an id unique within its corpus, the contributor who
 * owns it, the datanet version that holds it, and its token ids. Immutable and thread-safe; the
 * token array is copied in and out.
 */
public final class CorpusRecord {
    private final String id;
    private final ContributorId contributor;
    private final DatanetVersionRef version;
    private final int[] tokens;

    private CorpusRecord(String id, ContributorId contributor, DatanetVersionRef version, int[] tokens) {
        this.id = id;
        this.contributor = contributor;
        this.version = version;
        this.tokens = tokens;
    }

    /**
     * A record.
     *
     * @param id 1 to 256 characters, unique within a corpus
     * @param contributor who is paid for this record's influence
     * @param version the datanet version holding the record
     * @param tokens token ids, each at least 0 (copied)
     * @throws IllegalArgumentException if {@code id} is empty or longer than 256 characters, or a
     *     token id is negative
     */
    public static CorpusRecord of(String id, ContributorId contributor, DatanetVersionRef version, int[] tokens) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(contributor, "contributor");
        Objects.requireNonNull(version, "version");
        if (id.isEmpty() || id.length() > 256) {
            throw new IllegalArgumentException("record id must have 1 to 256 characters, got " + id.length());
        }
        int[] copy = tokens.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] < 0) {
                throw new IllegalArgumentException(
                        "record " + id + ": token ids must be >= 0, got " + copy[i] + " at index " + i);
            }
        }
        return new CorpusRecord(id, contributor, version, copy);
    }

    /** The record id, unique within its corpus. */
    public String id() {
        return id;
    }

    /** The contributor who owns the record. */
    public ContributorId contributor() {
        return contributor;
    }

    /** The datanet version that holds the record. */
    public DatanetVersionRef version() {
        return version;
    }

    /** A copy of the token ids. */
    public int[] tokens() {
        return tokens.clone();
    }

    /** The number of tokens. */
    public int length() {
        return tokens.length;
    }

    /** The token at {@code index}. @throws IndexOutOfBoundsException outside {@code [0, length())} */
    public int tokenAt(int index) {
        return tokens[index];
    }

    /** True if the two records hold the same token sequence. */
    public boolean sameTokens(CorpusRecord other) {
        return Arrays.equals(tokens, other.tokens);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CorpusRecord r
                && id.equals(r.id)
                && contributor.equals(r.contributor)
                && version.equals(r.version)
                && Arrays.equals(tokens, r.tokens);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, contributor, version, Arrays.hashCode(tokens));
    }

    @Override
    public String toString() {
        return "CorpusRecord[" + id + ", " + contributor + ", " + version.datanet() + "@" + version.version() + ", "
                + tokens.length + " tokens]";
    }
}
