package io.openledger.token;

import io.openledger.core.Bytes;
import java.nio.ByteBuffer;

/**
 * Where the token services ({@link OpenToken}, {@link Staking}, {@link Votes}) take the ids of the
 * transfers they make up themselves (legs of a stake, a vote move, an allowance change). The default,
 * {@link #random()}, draws from a {@link java.security.SecureRandom}; a replicated state machine (an
 * L2 chain, whose ledger is part of the state root) passes a {@linkplain #sequence deterministic
 * source} instead, so every replica and every replay records the same ids.
 *
 * <p>A source must never return a reserved id ({@link TransferId#isReserved()}) and should not
 * repeat one: a repeated id makes the ledger answer {@code EXISTS}/{@code EXISTS_WITH_DIFFERENT_FIELDS}
 * instead of moving money. Implementations say whether they are thread-safe.
 */
@FunctionalInterface
public interface TransferIds {
    /** The next id. */
    TransferId next();

    /** Fresh random ids from a {@link java.security.SecureRandom} ({@link TransferId#random()}). Thread-safe. */
    static TransferIds random() {
        return TransferId::random;
    }

    /**
     * The deterministic ids {@code TransferId.derive(domain, seed, uint64(k))} for {@code k = 0, 1, 2,
     * …}: the same domain and seed give the same sequence, so a replay gives the same ledger. Choose a
     * seed that no other source shares (an L2 transaction hash, say). Thread-safe.
     *
     * @throws IllegalArgumentException if {@code domain} is empty
     */
    static TransferIds sequence(String domain, Bytes seed) {
        if (domain.isEmpty()) {
            throw new IllegalArgumentException("domain must not be empty");
        }
        java.util.concurrent.atomic.AtomicLong counter = new java.util.concurrent.atomic.AtomicLong();
        return () -> TransferId.derive(
                domain,
                seed,
                Bytes.wrap(ByteBuffer.allocate(8)
                        .putLong(counter.getAndIncrement())
                        .array()));
    }
}
