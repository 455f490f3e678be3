package io.openledger.lora.internal;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/** Splits a range of rows over a fork-join pool of a fixed size. Thread-safe. */
public final class Parallel {
    /** Body over a half-open range. */
    @FunctionalInterface
    public interface RangeBody {
        /** Processes [from, to). */
        void run(int from, int to);
    }

    private final ForkJoinPool pool;
    private final int threads;

    /** A pool of {@code threads} workers (1 runs everything on the caller). */
    public Parallel(int threads) {
        this.threads = threads;
        this.pool = threads > 1 ? new ForkJoinPool(threads) : ForkJoinPool.commonPool();
    }

    /** Worker count. */
    public int threads() {
        return threads;
    }

    /** Runs {@code body} over [0, n) in about {@code 4 × threads} chunks; small work stays on the caller. */
    public void range(int n, long workPerItem, RangeBody body) {
        if (threads <= 1 || n < 2 || n * workPerItem < 32_768) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(n, threads * 16);
        pool.invoke(new Task(body, 0, n, Math.max(1, (n + chunks - 1) / chunks)));
    }

    private static final class Task extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final transient RangeBody body;
        private final int from;
        private final int to;
        private final int grain;

        Task(RangeBody body, int from, int to, int grain) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.grain = grain;
        }

        @Override
        protected void compute() {
            if (to - from <= grain) {
                body.run(from, to);
                return;
            }
            int mid = (from + to) >>> 1;
            invokeAll(new Task(body, from, mid, grain), new Task(body, mid, to, grain));
        }
    }

    /** Stops the workers (no-op for the common pool). */
    public void shutdown() {
        if (threads > 1) {
            pool.shutdown();
        }
    }
}
