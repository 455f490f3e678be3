package io.openledger.attribution.internal;

import io.openledger.attribution.Corpus;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.Occurrence;
import io.openledger.core.FileTrees;
import io.openledger.core.contract.DatanetVersionRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The shards of a corpus in a directory: each datanet version's records in one shard, or, for a
 * version too large for one (a shard holds fewer than 2^31 - 1 tokens and separators), in several
 * consecutive parts, searched together. A shard whose file exists with the matching fingerprint is
 * reused, so adding a version builds only that version's shards. Thread-safe.
 */
public final class ShardSet implements AutoCloseable {
    /** Tokens and separators one shard holds at most (SuffixArrayShard's int arrays). */
    static final long MAX_SHARD_STREAM = Integer.MAX_VALUE - 2L;

    /**
     * One shard of a version and the records it holds.
     *
     * @param shard the suffix-array shard
     * @param records its records, by ordinal in the shard
     */
    public record Part(SuffixArrayShard shard, List<CorpusRecord> records) {}

    private final Map<DatanetVersionRef, List<Part>> parts;
    private final @Nullable Path ownedDirectory;
    private final int built;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ShardSet(Map<DatanetVersionRef, List<Part>> parts, @Nullable Path ownedDirectory, int built) {
        this.parts = parts;
        this.ownedDirectory = ownedDirectory;
        this.built = built;
    }

    /**
     * Opens or builds the shards of every version of {@code corpus} in {@code directory}; if {@code
     * temporary}, the directory is deleted on close.
     *
     * @throws IllegalArgumentException if one record alone holds 2^31 - 2 tokens or more
     */
    public static ShardSet open(Corpus corpus, Path directory, boolean temporary) {
        return open(corpus, directory, temporary, MAX_SHARD_STREAM);
    }

    /** {@link #open(Corpus, Path, boolean)} with at most {@code maxStream} tokens and separators a shard. */
    static ShardSet open(Corpus corpus, Path directory, boolean temporary, long maxStream) {
        Map<DatanetVersionRef, List<Part>> parts = new LinkedHashMap<>();
        int built = 0;
        try {
            for (DatanetVersionRef v : corpus.versions()) {
                List<List<CorpusRecord>> chunks = split(v, corpus.records(v), maxStream);
                List<Part> vp = new ArrayList<>();
                parts.put(v, vp);
                for (int k = 0; k < chunks.size(); k++) {
                    List<CorpusRecord> rs = chunks.get(k);
                    Path file = directory.resolve(fileName(v, k));
                    byte[] fp = SuffixArrayShard.fingerprint(v, rs);
                    SuffixArrayShard shard = null;
                    if (Files.exists(file)) {
                        SuffixArrayShard existing = SuffixArrayShard.open(file);
                        if (Arrays.equals(existing.storedFingerprint(), fp)) {
                            shard = existing;
                        } else {
                            existing.close();
                        }
                    }
                    if (shard == null) {
                        SuffixArrayShard.build(v, rs, file);
                        shard = SuffixArrayShard.open(file);
                        built++;
                    }
                    vp.add(new Part(shard, List.copyOf(rs)));
                }
            }
        } catch (RuntimeException e) {
            parts.values().forEach(l -> l.forEach(p -> p.shard().close()));
            throw e;
        }
        Map<DatanetVersionRef, List<Part>> frozen = new LinkedHashMap<>();
        parts.forEach((v, l) -> frozen.put(v, List.copyOf(l)));
        return new ShardSet(frozen, temporary ? directory : null, built);
    }

    // the records in order, cut into runs of at most maxStream tokens and separators (at least one run)
    private static List<List<CorpusRecord>> split(DatanetVersionRef v, List<CorpusRecord> records, long maxStream) {
        List<List<CorpusRecord>> out = new ArrayList<>();
        List<CorpusRecord> run = new ArrayList<>();
        long stream = 0;
        for (CorpusRecord r : records) {
            long len = r.length() + 1L;
            if (len > maxStream) {
                throw new IllegalArgumentException("record " + r.id() + " of datanet version " + v.datanet() + "@"
                        + v.version() + " has " + r.length() + " tokens; one shard holds fewer than " + maxStream);
            }
            if (stream + len > maxStream) {
                out.add(run);
                run = new ArrayList<>();
                stream = 0;
            }
            run.add(r);
            stream += len;
        }
        out.add(run);
        return out;
    }

    /** The file name of a version's first (or only) shard: datanet id, version and root prefix, made file-safe. */
    public static String fileName(DatanetVersionRef v) {
        return fileName(v, 0);
    }

    /** The file name of part {@code k} of a version's shards ({@code -p1}, {@code -p2}… after the first). */
    static String fileName(DatanetVersionRef v, int k) {
        String safe = v.datanet().value().replaceAll("[^A-Za-z0-9._-]", "_");
        return safe + "-v" + v.version() + "-" + v.root().toString().substring(2, 18) + (k == 0 ? "" : "-p" + k)
                + ".olsa";
    }

    /** How many shards this open built (the rest were reused). */
    public int built() {
        return built;
    }

    /** The versions, in corpus order. */
    public List<DatanetVersionRef> versions() {
        return List.copyOf(parts.keySet());
    }

    /** The shards of {@code v}, in record order. @throws IllegalArgumentException if absent */
    public List<Part> parts(DatanetVersionRef v) {
        checkOpen();
        List<Part> l = parts.get(v);
        if (l == null) {
            throw new IllegalArgumentException("no index shard for datanet version " + v.datanet() + "@" + v.version());
        }
        return l;
    }

    /** Total file bytes. */
    public long bytes() {
        return parts.values().stream()
                .flatMap(List::stream)
                .mapToLong(p -> p.shard().bytes())
                .sum();
    }

    /** Occurrences of {@code q} in {@code versions}. */
    public long count(int[] q, Collection<DatanetVersionRef> versions) {
        long c = 0;
        for (DatanetVersionRef v : versions) {
            for (Part p : parts(v)) {
                long[] r = p.shard().find(q, 0, q.length);
                c += r[1] - r[0];
            }
        }
        return c;
    }

    /** Tokens (separators excluded) in {@code versions}. */
    public long tokenCount(Collection<DatanetVersionRef> versions) {
        long c = 0;
        for (DatanetVersionRef v : versions) {
            for (Part p : parts(v)) {
                c += p.shard().tokenCount();
            }
        }
        return c;
    }

    /** Up to {@code limit} occurrences of {@code q}, by version, then part, then suffix order. */
    public List<Occurrence> locate(int[] q, Collection<DatanetVersionRef> versions, int limit) {
        List<Occurrence> out = new ArrayList<>();
        for (DatanetVersionRef v : versions) {
            for (Part p : parts(v)) {
                SuffixArrayShard s = p.shard();
                long[] r = s.find(q, 0, q.length);
                for (long x = r[0]; x < r[1] && out.size() < limit; x++) {
                    long pos = s.suffix(x);
                    int ord = s.recordAt(pos);
                    out.add(new Occurrence(p.records().get(ord), (int) (pos - s.recordStart(ord))));
                }
            }
        }
        return out;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("index is closed");
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        parts.values().forEach(l -> l.forEach(p -> p.shard().close()));
        if (ownedDirectory != null) {
            try {
                FileTrees.delete(ownedDirectory);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete temporary index " + ownedDirectory, e);
            }
        }
    }
}
