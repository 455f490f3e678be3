package io.openledger.attribution.internal;

import io.openledger.attribution.Corpus;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.Occurrence;
import io.openledger.core.contract.DatanetVersionRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The shards of a corpus, one per datanet version, in a directory. A shard whose file exists with the
 * matching fingerprint is reused, so adding a version builds only that version's shard. Thread-safe.
 */
public final class ShardSet implements AutoCloseable {
    private final Map<DatanetVersionRef, SuffixArrayShard> shards;
    private final Map<DatanetVersionRef, List<CorpusRecord>> records;
    private final @Nullable Path ownedDirectory;
    private final int built;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ShardSet(
            Map<DatanetVersionRef, SuffixArrayShard> shards,
            Map<DatanetVersionRef, List<CorpusRecord>> records,
            @Nullable Path ownedDirectory,
            int built) {
        this.shards = shards;
        this.records = records;
        this.ownedDirectory = ownedDirectory;
        this.built = built;
    }

    /**
     * Opens or builds the shards of every version of {@code corpus} in {@code directory}; if {@code
     * temporary}, the directory is deleted on close.
     */
    public static ShardSet open(Corpus corpus, Path directory, boolean temporary) {
        Map<DatanetVersionRef, SuffixArrayShard> shards = new LinkedHashMap<>();
        Map<DatanetVersionRef, List<CorpusRecord>> records = new LinkedHashMap<>();
        int built = 0;
        try {
            for (DatanetVersionRef v : corpus.versions()) {
                List<CorpusRecord> rs = corpus.records(v);
                Path file = directory.resolve(fileName(v));
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
                shards.put(v, shard);
                records.put(v, rs);
            }
        } catch (RuntimeException e) {
            shards.values().forEach(SuffixArrayShard::close);
            throw e;
        }
        return new ShardSet(shards, records, temporary ? directory : null, built);
    }

    /** The shard file name of a version: datanet id, version and root prefix, made file-safe. */
    public static String fileName(DatanetVersionRef v) {
        String safe = v.datanet().value().replaceAll("[^A-Za-z0-9._-]", "_");
        return safe + "-v" + v.version() + "-" + v.root().toString().substring(2, 18) + ".olsa";
    }

    /** How many shards this open built (the rest were reused). */
    public int built() {
        return built;
    }

    /** The versions, in corpus order. */
    public List<DatanetVersionRef> versions() {
        return List.copyOf(shards.keySet());
    }

    /** The shard of {@code v}. @throws IllegalArgumentException if absent */
    public SuffixArrayShard shard(DatanetVersionRef v) {
        checkOpen();
        SuffixArrayShard s = shards.get(v);
        if (s == null) {
            throw new IllegalArgumentException("no index shard for datanet version " + v.datanet() + "@" + v.version());
        }
        return s;
    }

    /** The records of {@code v}, by ordinal. */
    public List<CorpusRecord> records(DatanetVersionRef v) {
        shard(v);
        return records.get(v);
    }

    /** Total file bytes. */
    public long bytes() {
        return shards.values().stream().mapToLong(SuffixArrayShard::bytes).sum();
    }

    /** Occurrences of {@code q} in {@code versions}. */
    public long count(int[] q, Collection<DatanetVersionRef> versions) {
        long c = 0;
        for (DatanetVersionRef v : versions) {
            long[] r = shard(v).find(q, 0, q.length);
            c += r[1] - r[0];
        }
        return c;
    }

    /** Tokens (separators excluded) in {@code versions}. */
    public long tokenCount(Collection<DatanetVersionRef> versions) {
        long c = 0;
        for (DatanetVersionRef v : versions) {
            c += shard(v).tokenCount();
        }
        return c;
    }

    /** Up to {@code limit} occurrences of {@code q}, by version then suffix order. */
    public List<Occurrence> locate(int[] q, Collection<DatanetVersionRef> versions, int limit) {
        List<Occurrence> out = new ArrayList<>();
        for (DatanetVersionRef v : versions) {
            SuffixArrayShard s = shard(v);
            List<CorpusRecord> rs = records.get(v);
            long[] r = s.find(q, 0, q.length);
            for (long x = r[0]; x < r[1] && out.size() < limit; x++) {
                long pos = s.suffix(x);
                int ord = s.recordAt(pos);
                out.add(new Occurrence(rs.get(ord), (int) (pos - s.recordStart(ord))));
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
        shards.values().forEach(SuffixArrayShard::close);
        if (ownedDirectory != null) {
            try (Stream<Path> files = Files.walk(ownedDirectory)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete temporary index " + ownedDirectory, e);
            }
        }
    }
}
