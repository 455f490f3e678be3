package io.openledger.cli.demo;

import io.openledger.attribution.AttributionEngine;
import io.openledger.attribution.AttributionQuery;
import io.openledger.attribution.AttributionResult;
import io.openledger.attribution.Corpus;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.InMemoryCorpus;
import io.openledger.attribution.KnnShapleyMethod;
import io.openledger.attribution.MatchedSpan;
import io.openledger.attribution.SpanMethod;
import io.openledger.attribution.WordTokenizer;
import io.openledger.core.Address;
import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.ModelId;
import io.openledger.core.contract.AttributionWeights;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.contract.InferenceRecord;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.merkle.MerkleTree;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Proof of Attribution: indexes the datanet's records in a suffix array, finds the spans of a few
 * outputs that occur verbatim in it, and splits each output's contributor reward into exact shares.
 * Uses the {@link Corpus} and {@link InferenceRecord} of earlier steps when present; otherwise builds
 * a small datanet and outputs itself. Hands on the {@link AttributionWeights} (and, if no earlier
 * step made one, the {@link InferenceRecord} they belong to).
 */
public final class AttributionStep implements DemoStep {
    private static final String[][] DEMO_RECORDS = {
        {"alice", "A datanet is a community dataset whose every version is anchored on chain by its Merkle root."},
        {
            "alice",
            "Contributors sign each submission, and the owner approves or rejects it before a new version is published."
        },
        {"alice", "Attribution weights always sum to exactly one, so no reward is lost to rounding."},
        {"bob", "LoRA trains two small low-rank matrices per layer while the base weights stay frozen."},
        {"bob", "One base model can serve thousands of adapters when requests for different adapters share a batch."},
        {"bob", "Adapters are loaded on demand and evicted from a cache with a fixed byte budget."},
        {"carol", "Inference fees are split between the model developer, the stakers and the data contributors."},
        {"carol", "Stake that is slashed for adversarial data is never paid out to anyone."},
    };

    private static final String[] DEMO_OUTPUTS = {
        "Sure. In short, a datanet is a community dataset whose every version is anchored on chain by its Merkle root,"
                + " and contributors sign each submission, and the owner approves or rejects it before a new version is published.",
        "Good question! LoRA trains two small low-rank matrices per layer while the base weights stay frozen;"
                + " inference fees are split between the model developer, the stakers and the data contributors.",
        "I am not sure about that one, but the weather is lovely today.",
    };

    @Override
    public String title() {
        return "attribution: which records and contributors shaped an output (suffix-array spans)";
    }

    @Override
    public void run(DemoContext ctx) {
        WordTokenizer tokenizer = new WordTokenizer();
        Map<ContributorId, String> names = new HashMap<>();
        Optional<io.openledger.datanet.Corpus> exported = ctx.get(io.openledger.datanet.Corpus.class);
        Optional<Corpus> given = ctx.get(Corpus.class).or(() -> exported.map(e -> fromDatanet(e, tokenizer)));
        Corpus corpus = given.orElseGet(() -> demoCorpus(tokenizer, names));
        if (exported.isPresent() && ctx.get(Corpus.class).isEmpty()) {
            DatanetVersionRef v = exported.get().version();
            ctx.say(
                    "indexing the datanet step's export %s@%d: %d records, word tokenizer",
                    v.datanet(), v.version(), exported.get().size());
        } else if (given.isPresent()) {
            ctx.say(
                    "using the corpus of the datanet step: %d versions",
                    corpus.versions().size());
        } else {
            DatanetVersionRef v = corpus.versions().get(0);
            ctx.say(
                    "no corpus from an earlier step: built datanet %s@%d with %d records from %d contributors",
                    v.datanet(), v.version(), corpus.records(v).size(), names.size());
        }
        List<Labelled> outputs = new ArrayList<>();
        Optional<InferenceRecord> inference = ctx.get(InferenceRecord.class);
        boolean wordTokenized = exported.isPresent() && ctx.get(Corpus.class).isEmpty();
        if (wordTokenized && inference.isPresent()) {
            // The LoRA step's toy model speaks its own BPE vocabulary; the export was tokenized by
            // words here, so its token ids cannot be looked up in this index.
            ctx.say("the LoRA step's output uses the toy model's BPE ids, not this index's word ids:"
                    + " attributing a sample answer in its place");
        } else {
            inference
                    .filter(r ->
                            !r.trainedOn().isEmpty() && r.trainedOn().stream().allMatch(corpus::contains))
                    .ifPresent(r ->
                            outputs.add(new Labelled("inference " + r.requestId(), AttributionQuery.of(r), false)));
        }
        if (given.isEmpty()) {
            for (String text : DEMO_OUTPUTS) {
                outputs.add(new Labelled(
                        "\"" + abbreviate(text, 60) + "\"",
                        AttributionQuery.builder()
                                .model(ModelId.of("demo-model"))
                                .outputTokens(tokenizer.encode(text))
                                .trainedOn(corpus.versions())
                                .build(),
                        true));
            }
        } else if (outputs.isEmpty() && exported.isPresent()) {
            outputs.add(quotingTwoContributors(exported.get(), corpus, tokenizer));
        } else if (outputs.isEmpty()) {
            // outputs quoting records of the given corpus, between filler tokens found nowhere in it
            outputs.add(quoting(corpus));
        }

        SpanMethod span = SpanMethod.builder()
                .indexDirectory(ctx.workDir().resolve("attribution-index"))
                .minLength(5)
                .keepFraction(0.2)
                .build();
        AttributionWeights handedOn = null;
        AttributionQuery handedQuery = null;
        try (AttributionEngine engine =
                        AttributionEngine.builder().method(span).corpus(corpus).build();
                AttributionEngine knn = AttributionEngine.builder()
                        .method(new KnnShapleyMethod())
                        .corpus(corpus)
                        .build()) {
            ctx.say("suffix-array index (SA-IS, one memory-mapped shard per version): %,d bytes", engine.indexBytes());
            for (Labelled o : outputs) {
                long t0 = System.nanoTime();
                AttributionResult r = engine.attribute(o.query());
                double ms = (System.nanoTime() - t0) / 1e6;
                ctx.say("output %s (%d tokens), %.1f ms:", o.label(), o.query().outputLength(), ms);
                int[] tokens = o.query().outputTokens();
                for (MatchedSpan s : r.spans()) {
                    int[] part = Arrays.copyOfRange(tokens, s.start(), s.end());
                    ctx.say(
                            "  span [%d, %d) \"%s\" occurs %d× in %s",
                            s.start(),
                            s.end(),
                            o.decodable() ? abbreviate(tokenizer.decode(part), 70) : Arrays.toString(part),
                            s.count(),
                            s.recordIds());
                }
                if (r.weights().isEmpty()) {
                    ctx.say("  no span long and rare enough: no contributor earns (weights empty)");
                }
                for (var e : r.weights().shares().entrySet()) {
                    ctx.say(
                            "  contributor %s%s: share %s",
                            e.getKey(),
                            names.containsKey(e.getKey()) ? " (" + names.get(e.getKey()) + ")" : "",
                            r.weights().fractionOf(e.getKey()).toPlainString());
                }
                if (!r.weights().isEmpty()) {
                    long sum = r.weights().shares().values().stream()
                            .mapToLong(Long::longValue)
                            .sum();
                    ctx.say("  shares sum to %d (exactly 10^18: %s)", sum, sum == AttributionWeights.ONE);
                    AttributionWeights k = knn.attribute(o.query()).weights();
                    ctx.say(
                            "  knn-shapley on hashed embeddings agrees on the top contributor: %s",
                            top(k).equals(top(r.weights())));
                    if (handedOn == null) {
                        handedOn = r.weights();
                        handedQuery = o.query();
                    }
                }
            }
        }
        if (handedOn != null) {
            ctx.put(AttributionWeights.class, handedOn);
            ctx.say("handed on the attribution weights of the first attributed output");
            if (inference.isEmpty() || wordTokenized) {
                ctx.put(InferenceRecord.class, inferenceRecord(handedQuery, inference));
                ctx.say("handed on an inference record for the attributed answer, for settlement");
            }
        }
    }

    private static Optional<ContributorId> top(AttributionWeights w) {
        return w.shares().entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    private record Labelled(String label, AttributionQuery query, boolean decodable) {}

    private static Corpus demoCorpus(WordTokenizer tokenizer, Map<ContributorId, String> names) {
        List<int[]> tokens = new ArrayList<>();
        List<Bytes> leaves = new ArrayList<>();
        for (String[] r : DEMO_RECORDS) {
            tokens.add(tokenizer.encode(r[1]));
            leaves.add(Bytes.utf8(r[1]));
        }
        DatanetVersionRef v = new DatanetVersionRef(
                DatanetId.of("demo-qa"), 1, MerkleTree.of(leaves).root());
        var b = InMemoryCorpus.builder();
        for (int i = 0; i < DEMO_RECORDS.length; i++) {
            String name = DEMO_RECORDS[i][0];
            ContributorId c = ContributorId.of(
                    Address.of(Hashing.keccak256(Bytes.utf8(name)).bytes().slice(12)));
            names.put(c, name);
            b.add(CorpusRecord.of("demo-qa@1/" + i, c, v, tokens.get(i)));
        }
        return b.build();
    }

    /** The datanet export as an attribution corpus; record ids are qualified by version. */
    private static Corpus fromDatanet(io.openledger.datanet.Corpus export, WordTokenizer tokenizer) {
        DatanetVersionRef v = export.version();
        var b = InMemoryCorpus.builder();
        for (var e : export.entries()) {
            b.add(CorpusRecord.of(
                    v.datanet() + "@" + v.version() + "/" + e.record().toHex().substring(2, 14),
                    e.contributor(),
                    v,
                    tokenizer.encode(e.text())));
        }
        return b.build();
    }

    /** A sample answer that quotes one record of each of two contributors between words of its own. */
    private static Labelled quotingTwoContributors(
            io.openledger.datanet.Corpus export, Corpus corpus, WordTokenizer tokenizer) {
        List<io.openledger.datanet.CorpusEntry> picked = new ArrayList<>();
        for (var e : export.entries()) {
            if (e.text().length() > 40
                    && picked.stream().noneMatch(p -> p.contributor().equals(e.contributor()))) {
                picked.add(e);
            }
            if (picked.size() == 2) {
                break;
            }
        }
        StringBuilder text = new StringBuilder("Here is what I know. ");
        for (var e : picked) {
            text.append(e.text().strip()).append(" Furthermore, ");
        }
        text.append("that is all I can say.");
        return new Labelled(
                "sample answer quoting " + picked.size() + " contributors' records",
                AttributionQuery.builder()
                        .model(ModelId.of("demo-model"))
                        .outputTokens(tokenizer.encode(text.toString()))
                        .trainedOn(corpus.versions())
                        .build(),
                true);
    }

    private static Labelled quoting(Corpus corpus) {
        DatanetVersionRef v = corpus.versions().get(0);
        List<CorpusRecord> rs = corpus.records(v);
        int filler =
                rs.stream().flatMapToInt(r -> IntStream.of(r.tokens())).max().orElse(0) + 1;
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            out.add(filler);
        }
        rs.stream().filter(r -> r.length() > 0).findFirst().ifPresent(r -> {
            for (int t : r.tokens()) {
                out.add(t);
            }
        });
        for (int i = 0; i < 5; i++) {
            out.add(filler);
        }
        return new Labelled(
                "quoting a record of " + v.datanet() + "@" + v.version(),
                AttributionQuery.builder()
                        .model(ModelId.of("demo-model"))
                        .outputTokens(out.stream().mapToInt(Integer::intValue).toArray())
                        .trainedOn(List.of(v))
                        .build(),
                false);
    }

    private static InferenceRecord inferenceRecord(AttributionQuery q, Optional<InferenceRecord> served) {
        List<Integer> out = Arrays.stream(q.outputTokens()).boxed().toList();
        return new InferenceRecord(
                Hashing.keccak256(Bytes.utf8("demo-inference:" + out)),
                served.map(InferenceRecord::model).orElse(q.model()),
                served.flatMap(InferenceRecord::adapterId).orElse(null),
                Address.of(Hashing.keccak256(Bytes.utf8("demo-caller")).bytes().slice(12)),
                List.of(),
                out,
                q.trainedOn(),
                new InferenceRecord.Timings(Duration.ZERO, Duration.ofMillis(5), Duration.ofMillis(40)),
                Instant.EPOCH);
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
