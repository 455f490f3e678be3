package io.openledger.lora.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Splits a range of rows over the calling thread and {@code threads - 1} workers. A decode step runs
 * dozens of sub-millisecond matrix passes, so the workers spin briefly for the next pass before
 * parking (waking a parked thread costs tens of microseconds, a large share of such a pass), the
 * caller takes chunks itself, and chunks are handed out dynamically so that one descheduled thread
 * on a busy machine does not hold up the pass. Thread-safe: concurrent callers are serialized.
 */
public final class Parallel {
    /** Body over a half-open range. */
    @FunctionalInterface
    public interface RangeBody {
        /** Processes [from, to). */
        void run(int from, int to);
    }

    private static final long SPIN_NANOS = 200_000;

    private static final class Job {
        final RangeBody body;
        final int n;
        final int chunk;
        final int chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile @Nullable Throwable error;

        Job(RangeBody body, int n, int chunks, int align) {
            this.body = body;
            this.n = n;
            int c = (n + chunks - 1) / chunks;
            // whole kernel calls per chunk: a chunk boundary inside a panel would compute it twice
            this.chunk = (c + align - 1) / align * align;
            this.chunks = (n + chunk - 1) / chunk;
        }

        void work() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                try {
                    body.run(c * chunk, Math.min(n, (c + 1) * chunk));
                } catch (Throwable t) {
                    error = t;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private final int threads;
    private final Thread[] workers;
    private volatile @Nullable Job current;
    private volatile boolean stopped;

    /** {@code threads} threads in all, the caller included (1 runs everything on the caller). */
    public Parallel(int threads) {
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofPlatform().daemon().name("lora-matmul-" + i).start(this::loop);
        }
    }

    /** Thread count, the caller included. */
    public int threads() {
        return threads;
    }

    private void loop() {
        Job last = null;
        boolean spin = true; // spin only right after a job: an idle pool must not burn a core
        while (!stopped) {
            Job j = current;
            if (j != null && j != last) {
                last = j;
                j.work();
                spin = true;
                continue;
            }
            if (spin) {
                long until = System.nanoTime() + SPIN_NANOS;
                while (current == last && !stopped && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                spin = false;
            } else {
                LockSupport.park(this); // range() and shutdown() unpark
            }
        }
    }

    /**
     * Runs {@code body} over [0, n) in about {@code 16 × threads} chunks; small work stays on the
     * caller. Rethrows the first failure of any chunk.
     */
    public void range(int n, long workPerItem, RangeBody body) {
        range(n, workPerItem, 1, body);
    }

    /**
     * {@link #range(int, long, RangeBody)} with every chunk boundary at a multiple of {@code align}
     * (the rows one kernel call covers).
     */
    public synchronized void range(int n, long workPerItem, int align, RangeBody body) {
        if (align < 1) {
            throw new IllegalArgumentException("alignment " + align);
        }
        if (threads <= 1 || n < 2 || n * workPerItem < 32_768) {
            body.run(0, n);
            return;
        }
        Job j = new Job(body, n, Math.min(n, threads * 16), align);
        current = j;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        j.work();
        while (j.done.get() < j.chunks) {
            Thread.onSpinWait();
        }
        Throwable t = j.error;
        if (t instanceof RuntimeException re) {
            throw re;
        } else if (t instanceof Error e) {
            throw e;
        } else if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    /** Stops the workers. */
    public void shutdown() {
        stopped = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
