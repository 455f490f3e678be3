package io.openledger.attribution;

import io.openledger.attribution.internal.ShardSet;
import io.openledger.core.contract.DatanetVersionRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * A suffix-array index over a corpus (infini-gram style): one shard file per datanet version (or
 * several consecutive ones for a version of 2^31 - 2 tokens or more), built with SA-IS and
 * memory-mapped. Answers count and locate queries for any
 * token sequence. Reopening a directory reuses every shard whose version and records are unchanged,
 * so a new version never rebuilds old shards.
 *
 * <p>Thread-safe; close it to unmap the files (and delete them, for a temporary index).
 */
public final class SpanIndex implements AutoCloseable {
    private final ShardSet shards;

    private SpanIndex(ShardSet shards) {
        this.shards = shards;
    }

    /**
     * Opens the index of {@code corpus} in {@code directory}, building the shards that are missing or
     * stale.
     *
     * @throws UncheckedIOException if a shard cannot be written or mapped
     * @throws IndexFormatException if an existing shard file is corrupt
     * @throws IllegalArgumentException if one record alone holds 2^31 - 2 tokens or more
     */
    public static SpanIndex open(Corpus corpus, Path directory) {
        return new SpanIndex(ShardSet.open(corpus, directory, false));
    }

    /**
     * Builds the index of {@code corpus} in a new temporary directory that {@link #close()} deletes.
     *
     * @throws UncheckedIOException if it cannot be written
     */
    public static SpanIndex temporary(Corpus corpus) {
        try {
            return new SpanIndex(ShardSet.open(corpus, Files.createTempDirectory("openledger-span-"), true));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary index directory", e);
        }
    }

    /** The indexed versions. */
    public List<DatanetVersionRef> versions() {
        return shards.versions();
    }

    /** How many shards opening this index built (the others were reused from disk). */
    public int shardsBuilt() {
        return shards.built();
    }

    /** The file name a version's shard has in the index directory. */
    public static String shardFileName(DatanetVersionRef version) {
        return ShardSet.fileName(version);
    }

    /** Occurrences of {@code sequence} in all versions. */
    public long count(int[] sequence) {
        return count(sequence, versions());
    }

    /**
     * Occurrences of {@code sequence} in {@code versions}. The empty sequence occurs once per stream
     * position (tokens and record separators).
     *
     * @throws IllegalArgumentException if a version is not indexed
     */
    public long count(int[] sequence, Collection<DatanetVersionRef> versions) {
        return shards.count(sequence.clone(), versions);
    }

    /**
     * Up to {@code limit} occurrences of {@code sequence} in {@code versions}, by version and then
     * suffix order.
     *
     * @throws IllegalArgumentException if a version is not indexed or {@code limit} is negative
     */
    public List<Occurrence> locate(int[] sequence, Collection<DatanetVersionRef> versions, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        return shards.locate(sequence.clone(), versions, limit);
    }

    /** Tokens (separators excluded) in {@code versions}. */
    public long tokenCount(Collection<DatanetVersionRef> versions) {
        return shards.tokenCount(versions);
    }

    /** Bytes of all shard files. */
    public long bytes() {
        return shards.bytes();
    }

    /** The shards, for the span method in this module. */
    ShardSet shards() {
        return shards;
    }

    @Override
    public void close() {
        shards.close();
    }
}
