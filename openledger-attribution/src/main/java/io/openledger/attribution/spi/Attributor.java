package io.openledger.attribution.spi;

import io.openledger.attribution.AttributionQuery;
import io.openledger.attribution.RecordScores;

/**
 * A method prepared over one corpus. Must be thread-safe: one attributor answers concurrent queries.
 * Closing releases indexes (memory maps, temporary files); queries after close fail with {@link
 * IllegalStateException}.
 */
public interface Attributor extends AutoCloseable {
    /**
     * Raw influence of each record of the query's datanet versions on the query's output. Records
     * not named have score 0. Scores may be negative; only positive ones earn. The same query over
     * the same corpus must give the same scores, whatever the order of the records in the corpus.
     *
     * @throws IllegalArgumentException if the query names a datanet version the corpus lacks
     */
    RecordScores score(AttributionQuery query);

    /** Bytes of index this attributor holds on disk or in memory (0 if none). */
    default long indexBytes() {
        return 0;
    }

    @Override
    default void close() {}
}
