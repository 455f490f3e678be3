package io.openledger.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.openledger.attribution.testing.TestCorpora;
import io.openledger.core.ModelId;
import io.openledger.core.contract.DatanetVersionRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * What OLMoTrace adds on top of span matching: spans kept within sentences, overlapping spans merged
 * into highlight regions, and the retrieved records ranked by BM25 relevance to the prompt and output.
 */
class SpanPresentationTest {
    @Test
    void bm25MatchesAPublishedExample() {
        // the example of the bm25 Elixir package's documentation (hexdocs.pm/bm25), k1 1.2, b 0.75,
        // documents and query split into words: [1.8455076734299591, 1.0126973514850315, 0.0]
        WordTokenizer tok = new WordTokenizer();
        Map<String, int[]> docs = new LinkedHashMap<>();
        docs.put("d1", tok.encode("BM25 is a ranking function"));
        docs.put("d2", tok.encode("used by search engines"));
        docs.put("d3", tok.encode("to rank matching documents"));
        List<Bm25.Scored> ranked = Bm25.DEFAULT.rank(tok.encode("ranking search function"), docs);
        assertThat(ranked).extracting(Bm25.Scored::id).containsExactly("d1", "d2", "d3");
        assertThat(ranked.get(0).score()).isCloseTo(1.8455076734299591, within(1e-12));
        assertThat(ranked.get(1).score()).isCloseTo(1.0126973514850315, within(1e-12));
        assertThat(ranked.get(2).score()).isZero();
        assertThat(RetrievedDocument.of(ranked))
                .extracting(RetrievedDocument::relevance)
                .containsExactly(
                        RetrievedDocument.Relevance.HIGH,
                        RetrievedDocument.Relevance.MEDIUM,
                        RetrievedDocument.Relevance.LOW);
        assertThat(Bm25.DEFAULT.rank(new int[] {1}, Map.of())).isEmpty();
        assertThatThrownBy(() -> new Bm25(1.2, 1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 200)
    void regionsAreDisjointAndCoverExactlyTheSpans(@ForAll long seed, @ForAll @IntRange(min = 0, max = 12) int count) {
        Random rnd = new Random(seed);
        List<MatchedSpan> spans = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int start = rnd.nextInt(40);
            spans.add(new MatchedSpan(
                    start,
                    1 + rnd.nextInt(8),
                    1,
                    -1,
                    1,
                    List.of("r" + rnd.nextInt(5), "r" + rnd.nextInt(5)).stream()
                            .distinct()
                            .sorted()
                            .toList()));
        }
        List<MatchedSpan.Region> regions = MatchedSpan.regions(spans);
        TreeSet<Integer> covered = new TreeSet<>();
        spans.forEach(s -> {
            for (int t = s.start(); t < s.end(); t++) {
                covered.add(t);
            }
        });
        TreeSet<Integer> byRegions = new TreeSet<>();
        int members = 0;
        for (int k = 0; k < regions.size(); k++) {
            MatchedSpan.Region r = regions.get(k);
            if (k > 0) {
                assertThat(r.start()).isGreaterThanOrEqualTo(regions.get(k - 1).end()); // disjoint, in order
            }
            TreeSet<String> ids = new TreeSet<>();
            for (MatchedSpan s : r.spans()) {
                assertThat(s.start()).isGreaterThanOrEqualTo(r.start());
                assertThat(s.end()).isLessThanOrEqualTo(r.end());
                ids.addAll(s.recordIds());
            }
            assertThat(r.recordIds()).containsExactlyElementsOf(ids);
            for (int t = r.start(); t < r.end(); t++) {
                byRegions.add(t);
            }
            members += r.spans().size();
        }
        assertThat(members).isEqualTo(spans.size());
        // a region is one stretch of covered tokens: merging never bridges a gap
        assertThat(byRegions).isEqualTo(covered);
        // and spans in different regions share no token
        for (int a = 0; a < regions.size(); a++) {
            for (int b = a + 1; b < regions.size(); b++) {
                for (MatchedSpan x : regions.get(a).spans()) {
                    for (MatchedSpan y : regions.get(b).spans()) {
                        assertThat(x.end() <= y.start() || y.end() <= x.start()).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void spansStayInSentencesAndRetrievedRecordsAreRankedByRelevance() {
        WordTokenizer tok = new WordTokenizer();
        DatanetVersionRef v = TestCorpora.version("med", 1);
        Corpus corpus = InMemoryCorpus.builder()
                .addVersion(v)
                .add(CorpusRecord.of(
                        "aspirin",
                        TestCorpora.contributor(1),
                        v,
                        tok.encode("aspirin irreversibly inhibits cyclooxygenase in platelets . "
                                + "it thins the blood for days")))
                .add(CorpusRecord.of(
                        "ibuprofen",
                        TestCorpora.contributor(2),
                        v,
                        tok.encode("ibuprofen reversibly inhibits cyclooxygenase for pain and fever")))
                .add(CorpusRecord.of(
                        "heart", TestCorpora.contributor(3), v, tok.encode("a resting heart beats sixty times")))
                .build();
        int[] out = tok.encode("aspirin irreversibly inhibits cyclooxygenase in platelets . it thins the blood");
        int period = tok.encode(".")[0];
        AttributionQuery query = AttributionQuery.builder()
                .model(ModelId.of("m"))
                .promptTokens(tok.encode("how does aspirin act on platelets"))
                .outputTokens(out)
                .trainedOn(List.of(v))
                .build();

        try (var free = SpanMethod.builder()
                        .minLength(3)
                        .keepFraction(1)
                        .build()
                        .prepare(corpus);
                var sentences = SpanMethod.builder()
                        .minLength(3)
                        .keepFraction(1)
                        .sentenceBreaks(Set.of(period))
                        .build()
                        .prepare(corpus)) {
            // without breaks one span runs across the period; with them it stops at the period
            assertThat(free.score(query).spans())
                    .extracting(MatchedSpan::length)
                    .containsExactly(out.length);
            RecordScores split = sentences.score(query);
            assertThat(split.spans())
                    .extracting(MatchedSpan::start, MatchedSpan::length)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(0, 7), org.assertj.core.groups.Tuple.tuple(7, 4));
            assertThat(out[6]).isEqualTo(period); // the first span ends with the period
            for (MatchedSpan s : split.spans()) {
                for (int i = s.start(); i < s.end() - 1; i++) {
                    assertThat(out[i]).isNotEqualTo(period);
                }
            }
            // the retrieved record comes ranked; records no span retrieved are not listed
            assertThat(split.documents())
                    .extracting(RetrievedDocument::recordId)
                    .containsExactly("aspirin");
            assertThat(split.documents().getFirst().relevance()).isEqualTo(RetrievedDocument.Relevance.HIGH);
        }

        // two records retrieved: the one sharing more of the prompt and output ranks first
        int[] both = tok.encode("ibuprofen reversibly inhibits cyclooxygenase while aspirin irreversibly inhibits"
                + " cyclooxygenase in platelets");
        try (var a = SpanMethod.builder().minLength(3).keepFraction(1).build().prepare(corpus)) {
            RecordScores r = a.score(query.withOutputTokens(both));
            assertThat(r.documents()).extracting(RetrievedDocument::recordId).containsExactly("aspirin", "ibuprofen");
            assertThat(r.documents().get(0).bm25())
                    .isGreaterThan(r.documents().get(1).bm25());
            assertThat(MatchedSpan.regions(r.spans())).hasSize(2);
        }
    }
}
