package io.openledger.attribution;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * How records flagged as duplicates or by quality filters are penalised. Among records of the
 * searched datanet versions with identical token sequences, the one with the smallest id is the
 * original and the others are duplicates. When several penalties apply, their factors multiply and
 * their reasons are joined. Immutable and thread-safe.
 */
public final class QualityPolicy {
    private static final QualityPolicy DEFAULT = builder().build();
    private static final QualityPolicy NONE =
            builder().duplicateFactor(BigDecimal.ONE).build();

    private final BigDecimal duplicateFactor;
    private final List<QualityFilter> filters;

    private QualityPolicy(Builder b) {
        this.duplicateFactor = b.duplicateFactor;
        this.filters = List.copyOf(b.filters);
    }

    /** Duplicates earn nothing; no other filter. */
    public static QualityPolicy defaults() {
        return DEFAULT;
    }

    /** No penalties at all. */
    public static QualityPolicy none() {
        return NONE;
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** What a duplicate keeps of its score, in [0, 1]; 1 disables duplicate detection. */
    public BigDecimal duplicateFactor() {
        return duplicateFactor;
    }

    /** The quality filters, applied in order. */
    public List<QualityFilter> filters() {
        return filters;
    }

    /** Collects a policy; not thread-safe. */
    public static final class Builder {
        private BigDecimal duplicateFactor = BigDecimal.ZERO;
        private final List<QualityFilter> filters = new ArrayList<>();

        private Builder() {}

        /**
         * What a duplicate keeps of its score.
         *
         * @throws IllegalArgumentException unless {@code factor} is in [0, 1]
         */
        public Builder duplicateFactor(BigDecimal factor) {
            if (factor.signum() < 0 || factor.compareTo(BigDecimal.ONE) > 0) {
                throw new IllegalArgumentException("duplicateFactor must be in [0, 1], got " + factor);
            }
            this.duplicateFactor = factor;
            return this;
        }

        /** Adds a quality filter. */
        public Builder filter(QualityFilter filter) {
            filters.add(filter);
            return this;
        }

        /** The policy. */
        public QualityPolicy build() {
            return new QualityPolicy(this);
        }
    }
}
