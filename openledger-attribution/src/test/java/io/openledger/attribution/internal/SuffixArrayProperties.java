package io.openledger.attribution.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** SA-IS against a naive comparison sort. */
class SuffixArrayProperties {
    /** Naive reference: sort suffix starts by comparing the suffixes token by token. */
    static int[] naive(int[] text) {
        Integer[] idx = IntStream.range(0, text.length).boxed().toArray(Integer[]::new);
        Comparator<Integer> bySuffix = (a, b) -> {
            int i = a;
            int j = b;
            while (i < text.length && j < text.length) {
                if (text[i] != text[j]) {
                    return Integer.compare(text[i], text[j]);
                }
                i++;
                j++;
            }
            // the suffix that ended first is the smaller
            return Integer.compare(text.length - i, text.length - j);
        };
        Arrays.sort(idx, bySuffix);
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    @Property(tries = 300)
    void equalsNaiveSortOnRandomStreams(@ForAll @Size(max = 300) List<@IntRange(min = -1, max = 20) Integer> tokens) {
        int[] text = tokens.stream().mapToInt(Integer::intValue).toArray();
        assertThat(SuffixArrayShard.buildSuffixArray(text)).isEqualTo(naive(text));
    }

    @Property(tries = 300)
    void equalsNaiveSortOnBoundaryHeavyStreams(
            @ForAll @Size(max = 300) List<@IntRange(min = -1, max = 1) Integer> tokens) {
        // tokens 0 and 1 and the separator -1 only: long runs of equal suffix prefixes and boundaries
        int[] text = tokens.stream().mapToInt(Integer::intValue).toArray();
        assertThat(SuffixArrayShard.buildSuffixArray(text)).isEqualTo(naive(text));
    }

    @Property(tries = 200)
    void equalsNaiveSortOnRepetitiveStreams(@ForAll("repetitive") int[] text) {
        assertThat(SuffixArrayShard.buildSuffixArray(text)).isEqualTo(naive(text));
    }

    @Provide
    Arbitrary<int[]> repetitive() {
        Arbitrary<List<Integer>> pattern =
                Arbitraries.integers().between(-1, 5).list().ofMinSize(1).ofMaxSize(6);
        return pattern.flatMap(p -> Arbitraries.integers().between(1, 60).map(times -> {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < times; i++) {
                out.addAll(p);
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        }));
    }

    @Property(tries = 100)
    void largeAndSparseTokenIdsSortLikeSmallOnes(
            @ForAll @Size(max = 200) List<@IntRange(min = -1, max = 4) Integer> tokens) {
        // ids above 2^24 take the sorted-dictionary path; a monotone map must not change the order
        int[] small = tokens.stream().mapToInt(Integer::intValue).toArray();
        int[] large = Arrays.stream(small)
                .map(t -> t < 0 ? t : Integer.MAX_VALUE - 100 + t * 7)
                .toArray();
        assertThat(SuffixArrayShard.buildSuffixArray(large)).isEqualTo(naive(small));
    }

    @Property(tries = 6)
    void equalsNaiveSortOnLongSkewedStreams(@ForAll("skewed") int[] text) {
        // records of natural-text shape: the reduced problem is finished by prefix doubling
        assertThat(SuffixArrayShard.buildSuffixArray(text)).isEqualTo(naive(text));
    }

    @Provide
    Arbitrary<int[]> skewed() {
        return Arbitraries.longs().map(seed -> {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
            int[] out = new int[20_000 + rnd.nextInt(20_000)];
            for (int i = 0; i < out.length; i++) {
                // about one separator per 150 tokens; ids skewed towards 0 like word frequencies
                out[i] = rnd.nextInt(150) == 0 ? -1 : (int) Math.floor(Math.pow(2000, rnd.nextDouble())) - 1;
            }
            return out;
        });
    }

    @Property(tries = 50)
    void idsJustBelowTheDenseLimitSortLikeSmallOnes(
            @ForAll @Size(max = 200) List<@IntRange(min = -1, max = 4) Integer> tokens) {
        int[] small = tokens.stream().mapToInt(Integer::intValue).toArray();
        int[] large =
                Arrays.stream(small).map(t -> t < 0 ? t : (1 << 24) - 5 + t).toArray();
        assertThat(SuffixArrayShard.buildSuffixArray(large)).isEqualTo(naive(small));
    }

    @Test
    void saisRejectsTextWithoutSentinel() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Sais.suffixArray(new int[] {2, 1}, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sentinel");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Sais.suffixArray(new int[] {5, 0}, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside [1, 3)");
    }

    @Test
    void bananaIsTheTextbookOrder() {
        // "banana" with b=2, a=1, n=3: suffixes a, ana, anana, banana, na, nana
        int[] text = {2, 1, 3, 1, 3, 1};
        assertThat(SuffixArrayShard.buildSuffixArray(text)).containsExactly(5, 3, 1, 0, 4, 2);
    }
}
