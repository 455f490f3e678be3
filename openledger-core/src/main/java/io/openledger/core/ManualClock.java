package io.openledger.core;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to: for tests and simulations. {@link #nanoTime()} advances
 * with {@link #advance}. Thread-safe.
 */
public final class ManualClock implements Clock {
    private final AtomicLong nanosSinceEpoch;

    /** A clock standing at {@code start}. */
    public ManualClock(Instant start) {
        this.nanosSinceEpoch = new AtomicLong(
                Math.addExact(Math.multiplyExact(start.getEpochSecond(), 1_000_000_000L), start.getNano()));
    }

    /** A clock standing at 2026-01-01T00:00:00Z. */
    public ManualClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Override
    public Instant now() {
        long n = nanosSinceEpoch.get();
        return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
    }

    @Override
    public long nanoTime() {
        return nanosSinceEpoch.get();
    }

    /**
     * Moves the clock forward.
     *
     * @throws IllegalArgumentException if {@code d} is negative
     */
    public ManualClock advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a clock cannot go back: " + d);
        }
        nanosSinceEpoch.addAndGet(d.toNanos());
        return this;
    }

    /** Sets the clock to {@code t}, which must not be earlier than now. */
    public ManualClock set(Instant t) {
        advance(Duration.between(now(), t));
        return this;
    }
}
