package io.openledger.lora.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker pool: every item exactly once, the split pass's two kinds of work, failures. */
class ParallelTest {
    private final Parallel parallel = new Parallel(3);

    @AfterEach
    void stop() {
        parallel.shutdown();
    }

    @Test
    void rangeRunsEveryItemOnceInWholeAlignedChunks() {
        AtomicIntegerArray seen = new AtomicIntegerArray(1000);
        parallel.range(1000, 1000, 48, (from, to) -> {
            assertThat(from % 48).isZero();
            for (int i = from; i < to; i++) {
                seen.incrementAndGet(i);
            }
        });
        for (int i = 0; i < 1000; i++) {
            assertThat(seen.get(i)).as("item %d", i).isEqualTo(1);
        }
    }

    @Test
    void splitRunsBothKindsOnceEachAndTheWorkersStartOnTheSecond() throws Exception {
        for (int round = 0; round < 20; round++) {
            AtomicIntegerArray a = new AtomicIntegerArray(500);
            AtomicIntegerArray b = new AtomicIntegerArray(70);
            // the first kind waits until the second kind has begun: the caller starts on the first
            // kind, so unless a worker starts on the second, nothing ever counts down
            CountDownLatch secondStarted = new CountDownLatch(1);
            parallel.split(
                    500,
                    10_000,
                    16,
                    (from, to) -> {
                        try {
                            assertThat(secondStarted.await(30, TimeUnit.SECONDS))
                                    .as("a worker started on the second kind")
                                    .isTrue();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        for (int i = from; i < to; i++) {
                            a.incrementAndGet(i);
                        }
                    },
                    70,
                    10_000,
                    (from, to) -> {
                        secondStarted.countDown();
                        for (int i = from; i < to; i++) {
                            b.incrementAndGet(i);
                        }
                    });
            for (int i = 0; i < 500; i++) {
                assertThat(a.get(i)).isEqualTo(1);
            }
            for (int i = 0; i < 70; i++) {
                assertThat(b.get(i)).isEqualTo(1);
            }
        }
    }

    @Test
    void splitTakesEmptyRangesAndSmallWorkStaysOnTheCaller() {
        int[] a = new int[1];
        parallel.split(0, 1, 1, (from, to) -> a[0] += to - from, 5, 1, (from, to) -> a[0] += 10 * (to - from));
        assertThat(a[0]).isEqualTo(50);
        parallel.split(4, 1, 1, (from, to) -> a[0] += to - from, 0, 1, (from, to) -> a[0] += 1000);
        assertThat(a[0]).isEqualTo(54);
        AtomicIntegerArray big = new AtomicIntegerArray(64);
        parallel.split(0, 1, 1, (from, to) -> {}, 64, 100_000, (from, to) -> {
            for (int i = from; i < to; i++) {
                big.incrementAndGet(i);
            }
        });
        for (int i = 0; i < 64; i++) {
            assertThat(big.get(i)).isEqualTo(1);
        }
    }

    @Test
    void aFailureInEitherKindReachesTheCallerAndThePoolStaysUsable() {
        assertThatThrownBy(() -> parallel.split(100, 10_000, 1, (from, to) -> {}, 100, 10_000, (from, to) -> {
                    if (from <= 42 && 42 < to) {
                        throw new IllegalStateException("item 42");
                    }
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("item 42");
        assertThatThrownBy(() -> parallel.split(
                        100,
                        10_000,
                        1,
                        (from, to) -> {
                            throw new ArithmeticException("first kind");
                        },
                        100,
                        10_000,
                        (from, to) -> {}))
                .isInstanceOf(ArithmeticException.class);
        AtomicIntegerArray after = new AtomicIntegerArray(100);
        parallel.range(100, 10_000, (from, to) -> {
            for (int i = from; i < to; i++) {
                after.incrementAndGet(i);
            }
        });
        for (int i = 0; i < 100; i++) {
            assertThat(after.get(i)).isEqualTo(1);
        }
    }
}
