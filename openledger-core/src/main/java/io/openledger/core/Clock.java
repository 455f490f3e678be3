package io.openledger.core;

import java.time.Instant;

/**
 * The time source for everything time-based (vesting, unbonding, timeouts, leases). Production code
 * takes a {@code Clock} instead of calling the system clock so that tests control time.
 */
public interface Clock {
    /** The current instant. */
    Instant now();

    /** Monotonic nanoseconds for measuring durations; only differences are meaningful. */
    default long nanoTime() {
        return System.nanoTime();
    }

    /** Milliseconds since the epoch. */
    default long millis() {
        return now().toEpochMilli();
    }

    /** The system clock. */
    static Clock system() {
        return Instant::now;
    }
}
