package io.openledger.datanet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** MinHash estimates against the exact Jaccard similarity of shingle sets. */
class MinHashProperties {
    static final MinHasher H = new MinHasher(5, 128);

    static Set<String> shingles(String text) {
        String t = MinHasher.normalise(text);
        Set<String> out = new HashSet<>();
        for (int i = 0; i + 5 <= t.length(); i++) {
            out.add(t.substring(i, i + 5));
        }
        return out;
    }

    static double jaccard(String a, String b) {
        Set<String> x = shingles(a);
        Set<String> y = shingles(b);
        Set<String> inter = new HashSet<>(x);
        inter.retainAll(y);
        Set<String> union = new HashSet<>(x);
        union.addAll(y);
        return (double) inter.size() / union.size();
    }

    static String text(Random rnd, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            int len = 2 + rnd.nextInt(8);
            for (int c = 0; c < len; c++) {
                sb.append((char) ('a' + rnd.nextInt(26)));
            }
            sb.append(' ');
        }
        return sb.toString().strip();
    }

    // fixed seed: the bound is about 3.5 standard deviations of a 128-position estimate
    @Property(tries = 60, seed = "20261121")
    void estimateIsCloseToTheExactJaccard(@ForAll long seed, @ForAll @IntRange(min = 0, max = 40) int edits) {
        Random rnd = new Random(seed);
        String a = text(rnd, 60);
        String[] w = a.split(" ");
        for (int e = 0; e < edits; e++) {
            w[rnd.nextInt(w.length)] = text(rnd, 1);
        }
        String b = String.join(" ", w);
        double exact = jaccard(a, b);
        double est = MinHasher.similarity(H.signature(a), H.signature(b));
        assertThat(Math.abs(est - exact))
                .as("exact %.3f, estimate %.3f", exact, est)
                .isLessThan(0.16);
    }

    @Test
    void layoutAndCaseDoNotMatterAndSignaturesAreDeterministic() {
        assertThat(H.signature("Hello   World\n\nagain")).isEqualTo(H.signature("hello world again"));
        assertThat(new MinHasher(5, 128).signature("some text here")).isEqualTo(H.signature("some text here"));
        assertThat(MinHasher.similarity(H.signature("a"), H.signature("a"))).isEqualTo(1.0);
        assertThat(MinHasher.similarity(H.signature("completely different"), H.signature("nothing alike here")))
                .isLessThan(0.3);
    }

    @Test
    void bandingIsChosenBelowTheThreshold() {
        assertThat(LshIndex.bandsFor(128, 0.8)).containsExactly(16, 8);
        assertThat(LshIndex.bandsFor(128, 0.5)).containsExactly(32, 4); // (1/32)^(1/4) = 0.42
        assertThat(LshIndex.bandsFor(128, 0.05)).containsExactly(128, 1);
    }
}
