package io.openledger.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.attribution.testing.TestCorpora;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One engine answers concurrent queries exactly as it answers them one by one. */
class ConcurrencyTest {
    @Test
    void concurrentQueriesEqualSequentialOnes() throws Exception {
        var task = TestCorpora.planted(new Random(99), 6, 10, 3);
        List<AttributionQuery> queries = new ArrayList<>();
        Random rnd = new Random(5);
        for (int i = 0; i < 40; i++) {
            queries.add(TestCorpora.planted(rnd, 6, 10, 2).query().withOutputTokens(mix(task, rnd)));
        }
        for (var method : List.of(new SpanMethod(), new KnnShapleyMethod())) {
            try (AttributionEngine engine = AttributionEngine.builder()
                    .method(method)
                    .corpus(task.corpus())
                    .build()) {
                List<AttributionResult> sequential = new ArrayList<>();
                for (AttributionQuery q : queries) {
                    sequential.add(engine.attribute(
                            q.toBuilder().trainedOn(task.query().trainedOn()).build()));
                }
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    List<Future<AttributionResult>> futures = new ArrayList<>();
                    for (AttributionQuery q : queries) {
                        futures.add(pool.submit(() -> engine.attribute(q.toBuilder()
                                .trainedOn(task.query().trainedOn())
                                .build())));
                    }
                    for (int i = 0; i < queries.size(); i++) {
                        assertThat(futures.get(i).get()).isEqualTo(sequential.get(i));
                    }
                } finally {
                    pool.shutdown();
                }
            }
        }
    }

    private static int[] mix(TestCorpora.Planted task, Random rnd) {
        int[] out = task.query().outputTokens();
        for (int i = 0; i < out.length; i++) {
            if (rnd.nextInt(10) == 0) {
                out[i] = rnd.nextInt(2000);
            }
        }
        return out;
    }
}
