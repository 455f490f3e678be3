package io.openledger.attribution;

import java.util.Optional;

/**
 * Flags low-quality records (spam, adversarial or off-topic data) so that their influence is
 * reduced. Must be deterministic and thread-safe.
 */
@FunctionalInterface
public interface QualityFilter {
    /** The penalty for {@code record}, or empty if it passes. */
    Optional<Penalty> assess(CorpusRecord record);
}
