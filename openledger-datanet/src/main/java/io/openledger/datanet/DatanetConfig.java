package io.openledger.datanet;

import java.util.Objects;

/**
 * Limits and rates of a datanet service; built with {@link #builder()}, defaults from {@link
 * #defaults()}. Immutable.
 *
 * @param maxFileBytes largest file accepted for ingest, in bytes (default 5 MiB)
 * @param maxRecordBytes largest record, in UTF-8 bytes; longer paragraphs are split (default 4096)
 * @param shingleSize characters per shingle for near-duplicate detection (default 5)
 * @param minHashes MinHash functions per record signature (default 128)
 * @param nearDuplicateThreshold estimated Jaccard similarity from which a record is flagged as a
 *     near duplicate (default 0.8)
 * @param fees the publish fee schedule
 * @param autoAnchor whether each approval anchors the new version's root at once (default true)
 */
public record DatanetConfig(
        long maxFileBytes,
        int maxRecordBytes,
        int shingleSize,
        int minHashes,
        double nearDuplicateThreshold,
        FeeSchedule fees,
        boolean autoAnchor) {

    /** Default per-file cap: 5 MiB, as the OpenLedger product documents (5 MB per file). */
    public static final long DEFAULT_MAX_FILE_BYTES = 5L * 1024 * 1024;

    /**
     * @throws IllegalArgumentException naming the parameter and its allowed range
     */
    public DatanetConfig {
        check("maxFileBytes", maxFileBytes, 1, 1L << 31);
        check("maxRecordBytes", maxRecordBytes, 16, 1 << 20);
        check("shingleSize", shingleSize, 1, 64);
        check("minHashes", minHashes, 16, 1024);
        if (minHashes % 8 != 0) {
            throw new IllegalArgumentException("minHashes must be a multiple of 8, got " + minHashes);
        }
        if (!(nearDuplicateThreshold > 0 && nearDuplicateThreshold <= 1)) {
            throw new IllegalArgumentException(
                    "nearDuplicateThreshold must be in (0, 1], got " + nearDuplicateThreshold);
        }
        Objects.requireNonNull(fees, "fees");
    }

    private static void check(String name, long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + v);
        }
    }

    /** The defaults. */
    public static DatanetConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link DatanetConfig}; each setter checks its range at once. Not thread-safe. */
    public static final class Builder {
        private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;
        private int maxRecordBytes = 4096;
        private int shingleSize = 5;
        private int minHashes = 128;
        private double nearDuplicateThreshold = 0.8;
        private FeeSchedule fees = FeeSchedule.DEFAULT;
        private boolean autoAnchor = true;

        Builder() {}

        /** Largest file in bytes, in [1, 2^31]. */
        public Builder maxFileBytes(long v) {
            check("maxFileBytes", v, 1, 1L << 31);
            maxFileBytes = v;
            return this;
        }

        /** Largest record in UTF-8 bytes, in [16, 2^20]. */
        public Builder maxRecordBytes(int v) {
            check("maxRecordBytes", v, 16, 1 << 20);
            maxRecordBytes = v;
            return this;
        }

        /** Characters per shingle, in [1, 64]. */
        public Builder shingleSize(int v) {
            check("shingleSize", v, 1, 64);
            shingleSize = v;
            return this;
        }

        /** MinHash functions, a multiple of 8 in [16, 1024]. */
        public Builder minHashes(int v) {
            check("minHashes", v, 16, 1024);
            if (v % 8 != 0) {
                throw new IllegalArgumentException("minHashes must be a multiple of 8, got " + v);
            }
            minHashes = v;
            return this;
        }

        /** Near-duplicate threshold, in (0, 1]. */
        public Builder nearDuplicateThreshold(double v) {
            if (!(v > 0 && v <= 1)) {
                throw new IllegalArgumentException("nearDuplicateThreshold must be in (0, 1], got " + v);
            }
            nearDuplicateThreshold = v;
            return this;
        }

        /** The publish fee schedule. */
        public Builder fees(FeeSchedule v) {
            fees = Objects.requireNonNull(v, "fees");
            return this;
        }

        /** Whether approvals anchor at once. */
        public Builder autoAnchor(boolean v) {
            autoAnchor = v;
            return this;
        }

        /** The configuration. */
        public DatanetConfig build() {
            return new DatanetConfig(
                    maxFileBytes, maxRecordBytes, shingleSize, minHashes, nearDuplicateThreshold, fees, autoAnchor);
        }
    }
}
