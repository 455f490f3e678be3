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
            int c = Math.max(1, (n + chunks - 1) / chunks);
            // whole kernel calls per chunk: a chunk boundary inside a panel would compute it twice
            this.chunk = (c + align - 1) / align * align;
            this.chunks = (n + chunk - 1) / chunk; // 0 for an empty range
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

    /** One pass: the caller starts on {@code first}, the workers on {@code second} (if any). */
    private record Pass(Job first, @Nullable Job second) {
        void workerPart() {
            if (second != null) {
                second.work();
            }
            first.work();
        }

        void callerPart() {
            first.work();
            if (second != null) {
                second.work();
            }
        }

        boolean finished() {
            return first.done.get() >= first.chunks && (second == null || second.done.get() >= second.chunks);
        }
    }

    private final int threads;
    private final Thread[] workers;
    private volatile @Nullable Pass current;
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
        Pass last = null;
        boolean spin = true; // spin only right after a job: an idle pool must not burn a core
        while (!stopped) {
            Pass j = current;
            if (j != null && j != last) {
                last = j;
                j.workerPart();
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
        run(new Pass(new Job(body, n, Math.min(n, threads * 16), align), null));
    }

    /**
     * Two independent kinds of work in one pass: the calling thread starts on {@code a} and the
     * workers on {@code b}, and each turns to the other kind when its own runs out. Given a
     * compute-bound {@code a} and a memory-bound {@code b} (the LoRA matrices of many adapters, read
     * once each), one core streams memory while the others compute, instead of every core first
     * computing and then waiting on memory together. A kind with no items is never called.
     */
    public synchronized void split(int nA, long workA, int alignA, RangeBody a, int nB, long workB, RangeBody b) {
        if (alignA < 1) {
            throw new IllegalArgumentException("alignment " + alignA);
        }
        if (threads <= 1 || (long) nA * workA + (long) nB * workB < 32_768) {
            if (nA > 0) {
                a.run(0, nA);
            }
            if (nB > 0) {
                b.run(0, nB);
            }
            return;
        }
        run(new Pass(
                new Job(a, nA, Math.max(1, Math.min(nA, threads * 16)), alignA),
                new Job(b, nB, Math.max(1, Math.min(nB, threads * 16)), 1)));
    }

    private void run(Pass pass) {
        current = pass;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        pass.callerPart();
        while (!pass.finished()) {
            Thread.onSpinWait();
        }
        Throwable t = pass.first().error;
        if (t == null && pass.second() != null) {
            t = pass.second().error;
        }
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
