package io.openledger.attribution;

import io.openledger.core.contract.DatanetVersionRef;
import java.util.List;
import java.util.Optional;

/**
 * The training records attribution can credit, grouped by datanet version. A datanet module exports
 * its versions through this interface; {@link InMemoryCorpus} serves tests and embedded use.
 *
 * <p>Implementations must be immutable (or at least never change a version's records once it is
 * visible) and thread-safe: indexes are built from a version once and reused.
 */
public interface Corpus {
    /** The versions held, in a stable order (datanet id, then version number). */
    List<DatanetVersionRef> versions();

    /**
     * The records of {@code version}, in the version's stable order.
     *
     * @throws IllegalArgumentException if the corpus does not hold {@code version}
     */
    List<CorpusRecord> records(DatanetVersionRef version);

    /** The record with this id, if any version holds it. */
    Optional<CorpusRecord> record(String id);

    /** True if the corpus holds {@code version}. */
    default boolean contains(DatanetVersionRef version) {
        return versions().contains(version);
    }
}
