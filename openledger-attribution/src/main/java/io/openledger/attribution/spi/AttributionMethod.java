package io.openledger.attribution.spi;

import io.openledger.attribution.Corpus;
import io.openledger.core.spi.Named;

/**
 * An attribution algorithm. Implementations have a public no-argument constructor (so that {@link
 * java.util.ServiceLoader} finds them through {@code META-INF/services} or a module's {@code
 * provides}) and are immutable and thread-safe; the per-corpus state (indexes, embeddings) lives in
 * the {@link Attributor} that {@link #prepare} returns.
 *
 * <p>Every implementation must pass the contract kit {@code AttributionMethodContract} in this
 * module's test-jar: determinism, empty input, exact normalisation and invariance under permuting
 * the corpus.
 */
public interface AttributionMethod extends Named {
    /**
     * Builds what this method needs to answer queries over {@code corpus} (for example a suffix
     * array per datanet version).
     *
     * @throws java.io.UncheckedIOException if an on-disk index cannot be written or read
     */
    Attributor prepare(Corpus corpus);
}
