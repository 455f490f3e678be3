package io.openledger.attribution;

import io.openledger.core.contract.DatanetVersionRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** An immutable {@link Corpus} held on the heap. Thread-safe. */
public final class InMemoryCorpus implements Corpus {
    private static final Comparator<DatanetVersionRef> VERSION_ORDER = Comparator.comparing(DatanetVersionRef::datanet)
            .thenComparingLong(DatanetVersionRef::version)
            .thenComparing(r -> r.root().toString());

    private final Map<DatanetVersionRef, List<CorpusRecord>> byVersion;
    private final Map<String, CorpusRecord> byId;

    private InMemoryCorpus(Map<DatanetVersionRef, List<CorpusRecord>> byVersion, Map<String, CorpusRecord> byId) {
        this.byVersion = byVersion;
        this.byId = byId;
    }

    /**
     * A corpus holding {@code records}, grouped by their version in the given order.
     *
     * @throws IllegalArgumentException if two records share an id
     */
    public static InMemoryCorpus of(List<CorpusRecord> records) {
        Builder b = builder();
        records.forEach(b::add);
        return b.build();
    }

    /** A builder for a corpus. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public List<DatanetVersionRef> versions() {
        return List.copyOf(byVersion.keySet());
    }

    @Override
    public List<CorpusRecord> records(DatanetVersionRef version) {
        List<CorpusRecord> r = byVersion.get(version);
        if (r == null) {
            throw new IllegalArgumentException("corpus holds no datanet version " + version.datanet() + "@"
                    + version.version() + " (root " + version.root() + ")");
        }
        return r;
    }

    @Override
    public Optional<CorpusRecord> record(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The total number of records. */
    public int size() {
        return byId.size();
    }

    /** Collects records; not thread-safe. */
    public static final class Builder {
        private final Map<String, CorpusRecord> byId = new LinkedHashMap<>();
        private final Map<DatanetVersionRef, List<CorpusRecord>> byVersion = new HashMap<>();

        private Builder() {}

        /**
         * Adds a record.
         *
         * @throws IllegalArgumentException if a record with the same id was added
         */
        public Builder add(CorpusRecord record) {
            if (byId.putIfAbsent(record.id(), record) != null) {
                throw new IllegalArgumentException("duplicate record id '" + record.id() + "'");
            }
            byVersion.computeIfAbsent(record.version(), v -> new ArrayList<>()).add(record);
            return this;
        }

        /** Declares a version even if it has no records yet. */
        public Builder addVersion(DatanetVersionRef version) {
            byVersion.computeIfAbsent(version, v -> new ArrayList<>());
            return this;
        }

        /** The corpus. */
        public InMemoryCorpus build() {
            TreeMap<DatanetVersionRef, List<CorpusRecord>> sorted = new TreeMap<>(VERSION_ORDER);
            byVersion.forEach((k, v) -> sorted.put(k, List.copyOf(v)));
            return new InMemoryCorpus(java.util.Collections.unmodifiableSortedMap(sorted), Map.copyOf(byId));
        }
    }
}
