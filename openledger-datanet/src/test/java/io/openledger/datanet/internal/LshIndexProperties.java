package io.openledger.datanet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.Hash;
import io.openledger.datanet.DataRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The LSH index after removals against one built without the removed records. */
class LshIndexProperties {
    static final MinHasher H = new MinHasher(5, 128);

    /** Distinct texts of which about half are light edits of an earlier one, so that matches occur. */
    static List<String> texts(Random rnd, int n) {
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String t;
            if (!out.isEmpty() && rnd.nextBoolean()) {
                String[] w = out.get(rnd.nextInt(out.size())).split(" ");
                w[rnd.nextInt(w.length)] = MinHashProperties.text(rnd, 1);
                t = String.join(" ", w);
            } else {
                t = MinHashProperties.text(rnd, 40);
            }
            if (seen.add(t)) {
                out.add(t);
            }
        }
        return out;
    }

    @Property(tries = 40)
    void removingRecordsAnswersLikeAnIndexBuiltWithoutThem(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 30) int n) {
        Random rnd = new Random(seed);
        List<String> texts = texts(rnd, n);
        LshIndex pruned = new LshIndex(128, 0.8);
        LshIndex rebuilt = new LshIndex(128, 0.8);
        Set<Hash> removed = new HashSet<>();
        for (String t : texts) {
            pruned.add(DataRecord.idOf(t), H.signature(t));
        }
        for (String t : texts) {
            Hash id = DataRecord.idOf(t);
            if (rnd.nextBoolean()) {
                removed.add(id);
                pruned.remove(id);
                pruned.remove(id); // a second removal does nothing
            } else {
                rebuilt.add(id, H.signature(t));
            }
        }
        pruned.remove(DataRecord.idOf("never indexed"));

        assertThat(pruned.size()).isEqualTo(rebuilt.size());
        for (String t : texts) {
            Hash id = DataRecord.idOf(t);
            assertThat(pruned.contains(id)).isEqualTo(rebuilt.contains(id));
            // a stale bucket entry would be a candidate without a signature, or a match to a removed record
            assertThat(pruned.best(DataRecord.idOf("query"), H.signature(t)))
                    .isEqualTo(rebuilt.best(DataRecord.idOf("query"), H.signature(t)));
        }
        // what was removed can be added again and is found again
        for (String t : texts) {
            if (removed.contains(DataRecord.idOf(t))) {
                pruned.add(DataRecord.idOf(t), H.signature(t));
                assertThat(pruned.best(DataRecord.idOf("query"), H.signature(t)))
                        .hasValueSatisfying(m -> assertThat(m.similarity()).isEqualTo(1.0));
            }
        }
    }
}
