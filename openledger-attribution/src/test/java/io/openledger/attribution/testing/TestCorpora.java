package io.openledger.attribution.testing;

import io.openledger.attribution.AttributionQuery;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.InMemoryCorpus;
import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.ModelId;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.crypto.Hashing;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Corpora and planted tasks for attribution tests and for implementers of new methods. */
public final class TestCorpora {
    /** The model every test query names. */
    public static final ModelId MODEL = ModelId.of("test-model");

    private TestCorpora() {}

    /** A datanet version whose root is the keccak of its name and number. */
    public static DatanetVersionRef version(String datanet, long version) {
        return new DatanetVersionRef(
                DatanetId.of(datanet), version, Hashing.keccak256(Bytes.utf8(datanet + "@" + version)));
    }

    /** Contributor number {@code i} (address i + 1). */
    public static ContributorId contributor(int i) {
        return ContributorId.fromHex("0x" + String.format("%040x", i + 1));
    }

    /**
     * A random corpus: {@code versions} datanet versions ("dn-0", "dn-1", …, version 1), each with
     * {@code records} records of 0 to {@code maxLength} tokens drawn uniformly from {@code [0,
     * vocabulary)}, owned by four contributors.
     */
    public static InMemoryCorpus random(Random rnd, int versions, int records, int maxLength, int vocabulary) {
        var b = InMemoryCorpus.builder();
        for (int v = 0; v < versions; v++) {
            DatanetVersionRef ref = version("dn-" + v, 1);
            b.addVersion(ref);
            for (int r = 0; r < records; r++) {
                int[] t = new int[rnd.nextInt(maxLength + 1)];
                for (int i = 0; i < t.length; i++) {
                    t[i] = rnd.nextInt(vocabulary);
                }
                b.add(CorpusRecord.of("dn-" + v + "/r" + r, contributor(rnd.nextInt(4)), ref, t));
            }
        }
        return b.build();
    }

    /**
     * A planted task: a corpus and an output whose author is known.
     *
     * @param corpus the corpus
     * @param query an output quoting {@code quoted} verbatim among generic text
     * @param source the contributor whose records are quoted
     * @param quoted the ids of the quoted records
     */
    public record Planted(InMemoryCorpus corpus, AttributionQuery query, ContributorId source, List<String> quoted) {}

    /**
     * Several contributors each write records drawn from one shared Zipf-like vocabulary (so single
     * words say nothing about the author); the output mixes generic text from the same distribution
     * with {@code quotes} whole records of one randomly chosen contributor, quoted verbatim.
     */
    public static Planted planted(Random rnd, int contributors, int recordsEach, int quotes) {
        int vocabulary = 2000;
        DatanetVersionRef a = version("planted-a", 1);
        DatanetVersionRef b = version("planted-b", 3);
        var builder = InMemoryCorpus.builder();
        List<List<CorpusRecord>> byContributor = new ArrayList<>();
        for (int c = 0; c < contributors; c++) {
            List<CorpusRecord> mine = new ArrayList<>();
            for (int r = 0; r < recordsEach; r++) {
                int[] t = zipf(rnd, 20 + rnd.nextInt(30), vocabulary);
                CorpusRecord rec = CorpusRecord.of("c" + c + "-r" + r, contributor(c), c % 2 == 0 ? a : b, t);
                builder.add(rec);
                mine.add(rec);
            }
            byContributor.add(mine);
        }
        int source = rnd.nextInt(contributors);
        List<CorpusRecord> pool = new ArrayList<>(byContributor.get(source));
        Collections.shuffle(pool, rnd);
        List<Integer> out = new ArrayList<>();
        List<String> quoted = new ArrayList<>();
        for (int q = 0; q < quotes; q++) {
            for (int t : zipf(rnd, 10 + rnd.nextInt(20), vocabulary)) {
                out.add(t);
            }
            CorpusRecord rec = pool.get(q % pool.size());
            for (int t : rec.tokens()) {
                out.add(t);
            }
            quoted.add(rec.id());
        }
        for (int t : zipf(rnd, 10, vocabulary)) {
            out.add(t);
        }
        AttributionQuery query = AttributionQuery.builder()
                .model(MODEL)
                .outputTokens(out.stream().mapToInt(Integer::intValue).toArray())
                .trainedOn(List.of(a, b))
                .build();
        return new Planted(builder.build(), query, contributor(source), quoted);
    }

    /** {@code n} tokens from a Zipf(1) distribution over {@code [0, vocabulary)}. */
    public static int[] zipf(Random rnd, int n, int vocabulary) {
        double h = 0;
        for (int i = 1; i <= vocabulary; i++) {
            h += 1.0 / i;
        }
        int[] out = new int[n];
        for (int j = 0; j < n; j++) {
            double u = rnd.nextDouble() * h;
            int i = 1;
            double acc = 1;
            while (acc < u && i < vocabulary) {
                i++;
                acc += 1.0 / i;
            }
            out[j] = i - 1;
        }
        return out;
    }

    /** The same corpus with each version's records in a shuffled order. */
    public static InMemoryCorpus shuffled(InMemoryCorpus corpus, Random rnd) {
        var b = InMemoryCorpus.builder();
        for (DatanetVersionRef v : corpus.versions()) {
            List<CorpusRecord> rs = new ArrayList<>(corpus.records(v));
            Collections.shuffle(rs, rnd);
            b.addVersion(v);
            rs.forEach(b::add);
        }
        return b.build();
    }
}
