package io.openledger.attribution;

import io.openledger.attribution.internal.ShardSet;
import io.openledger.attribution.internal.SpanAttributor;
import io.openledger.attribution.spi.AttributionMethod;
import io.openledger.attribution.spi.Attributor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Span attribution in the style of infini-gram and OLMoTrace: finds the maximal spans of the output
 * that occur verbatim in the training datanets' suffix arrays, drops spans shorter than {@code
 * minLength} or more frequent than {@code maxCount}, keeps the {@code keepFraction · L} spans with
 * the lowest unigram probability (OLMoTrace, Liu et al. 2025), and gives each kept span the mass
 * {@code length · ln(1 + T / count)} (T: tokens searched), split equally over its occurrences and
 * summed per record. Long, unique matches therefore dominate; common short ones earn little.
 * Optionally, spans stay within sentences ({@link Builder#sentenceBreaks}). The records the kept
 * spans retrieved are also ranked by BM25 relevance to the prompt and output ({@link
 * RecordScores#documents()}), and the spans can be merged into highlight regions ({@link
 * MatchedSpan#regions}), as OLMoTrace shows them.
 *
 * <p>Id {@code "span-infini-gram"}. Immutable and thread-safe. The no-argument constructor (used by
 * {@link java.util.ServiceLoader}) builds indexes in temporary directories.
 */
public final class SpanMethod implements AttributionMethod {
    /** The stable id. */
    public static final String ID = "span-infini-gram";

    private final int minLength;
    private final long maxCount;
    private final double keepFraction;
    private final Set<Integer> sentenceBreaks;
    private final Bm25 bm25;
    private final @Nullable Path indexDirectory;

    /** The defaults: minimum length 6, max count 10,000, keep fraction 0.05, temporary indexes. */
    public SpanMethod() {
        this(builder());
    }

    private SpanMethod(Builder b) {
        this.minLength = b.minLength;
        this.maxCount = b.maxCount;
        this.keepFraction = b.keepFraction;
        this.sentenceBreaks = Set.copyOf(b.sentenceBreaks);
        this.bm25 = b.bm25;
        this.indexDirectory = b.indexDirectory;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String id() {
        return ID;
    }

    /** The minimum span length in tokens. */
    public int minLength() {
        return minLength;
    }

    /** Spans occurring more often than this are skipped. */
    public long maxCount() {
        return maxCount;
    }

    /** The fraction of the output length, rounded up and at least 1, of spans kept. */
    public double keepFraction() {
        return keepFraction;
    }

    /** Tokens that end a sentence: a span may end with one but not hold one inside (empty: none). */
    public Set<Integer> sentenceBreaks() {
        return sentenceBreaks;
    }

    /** How retrieved records are ranked for display ({@link RecordScores#documents()}). */
    public Bm25 bm25() {
        return bm25;
    }

    /**
     * Opens or builds the corpus's suffix-array shards (in the index directory, or a temporary one
     * the attributor deletes on close).
     *
     * @throws UncheckedIOException if the index cannot be written or read
     */
    @Override
    public Attributor prepare(Corpus corpus) {
        ShardSet shards;
        if (indexDirectory != null) {
            shards = ShardSet.open(corpus, indexDirectory, false);
        } else {
            try {
                shards = ShardSet.open(corpus, Files.createTempDirectory("openledger-span-"), true);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary index directory", e);
            }
        }
        return new SpanAttributor(shards, minLength, maxCount, keepFraction, true, sentenceBreaks, bm25);
    }

    /**
     * An attributor over an index the caller already opened; closing the attributor leaves the
     * index open.
     */
    public Attributor over(SpanIndex index) {
        return new SpanAttributor(index.shards(), minLength, maxCount, keepFraction, false, sentenceBreaks, bm25);
    }

    @Override
    public String toString() {
        return "SpanMethod[minLength=" + minLength + ", maxCount=" + maxCount + ", keepFraction=" + keepFraction
                + ", indexDirectory=" + indexDirectory + "]";
    }

    /** Collects settings; not thread-safe. */
    public static final class Builder {
        private int minLength = 6;
        private long maxCount = 10_000;
        private double keepFraction = 0.05;
        private Set<Integer> sentenceBreaks = Set.of();
        private Bm25 bm25 = Bm25.DEFAULT;
        private @Nullable Path indexDirectory;

        private Builder() {}

        /**
         * The minimum span length in tokens (OLMoTrace's attribution defaults to 10 subword tokens).
         *
         * @throws IllegalArgumentException unless {@code tokens} is in [1, 4096]
         */
        public Builder minLength(int tokens) {
            if (tokens < 1 || tokens > 4096) {
                throw new IllegalArgumentException("minLength must be in [1, 4096], got " + tokens);
            }
            this.minLength = tokens;
            return this;
        }

        /**
         * Spans occurring more often than this are skipped (infini-gram's attribution uses 10,000).
         *
         * @throws IllegalArgumentException unless {@code count} is in [1, 10^9]
         */
        public Builder maxCount(long count) {
            if (count < 1 || count > 1_000_000_000L) {
                throw new IllegalArgumentException("maxCount must be in [1, 1000000000], got " + count);
            }
            this.maxCount = count;
            return this;
        }

        /**
         * The fraction of the output length (rounded up, at least one) of spans kept, lowest unigram
         * probability first; 1 keeps every span.
         *
         * @throws IllegalArgumentException unless {@code fraction} is in (0, 1]
         */
        public Builder keepFraction(double fraction) {
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException("keepFraction must be in (0, 1], got " + fraction);
            }
            this.keepFraction = fraction;
            return this;
        }

        /**
         * Tokens that end a sentence (say the ids of ".", "!", "?" and a newline): spans are kept
         * self-contained, as OLMoTrace keeps them, so a span may end with one of these tokens but
         * never hold one inside. Default none.
         */
        public Builder sentenceBreaks(Set<Integer> tokens) {
            this.sentenceBreaks = Set.copyOf(tokens);
            return this;
        }

        /** The BM25 parameters that rank retrieved records (default k1 1.2, b 0.75). */
        public Builder bm25(Bm25 parameters) {
            this.bm25 = Objects.requireNonNull(parameters, "parameters");
            return this;
        }

        /** Where shards are kept between runs (default: a temporary directory per prepare). */
        public Builder indexDirectory(Path directory) {
            this.indexDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** The method. */
        public SpanMethod build() {
            return new SpanMethod(this);
        }
    }
}
