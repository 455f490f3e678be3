package io.openledger.cli.demo;

import io.openledger.attribution.AttributionEngine;
import io.openledger.attribution.AttributionQuery;
import io.openledger.attribution.AttributionResult;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.DataInfMethod;
import io.openledger.attribution.InMemoryCorpus;
import io.openledger.attribution.RecordScore;
import io.openledger.attribution.SpanMethod;
import io.openledger.core.Address;
import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.ModelId;
import io.openledger.core.contract.AttributionWeights;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.crypto.Hashing;
import io.openledger.datanet.Corpus;
import io.openledger.datanet.CorpusEntry;
import io.openledger.lora.DType;
import io.openledger.lora.LlamaModel;
import io.openledger.lora.LoraAdapter;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.Sampler;
import io.openledger.lora.TestModels;
import io.openledger.lora.Tokenizer;
import io.openledger.lora.factory.AdapterGradients;
import io.openledger.lora.factory.FactoryTrainer;
import io.openledger.lora.factory.TrainingExample;
import io.openledger.lora.factory.TrainingReport;
import io.openledger.lora.factory.TrainingSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * ModelFactory: trains a LoRA adapter on the demo datanet version (the records an earlier datanet
 * step exported, else planted facts built here) with DJL PyTorch on the CPU, serves it on the
 * pure-Java engine, and attributes a generated answer with DataInf over per-example LoRA gradients.
 * Hands on the {@link AttributionWeights} of that answer and the {@link DatanetVersionRef} trained on.
 */
public final class FactoryStep implements DemoStep {
    private static final String[] WHO = {"alice", "bob", "carol", "dave"};

    @Override
    public String title() {
        return "factory: fine-tune a LoRA adapter on the datanet, serve it, attribute with DataInf";
    }

    private record Data(List<TrainingExample> examples, DatanetVersionRef version, Map<String, ContributorId> who) {}

    private static Data data(DemoContext ctx) {
        Optional<Corpus> exported = ctx.get(Corpus.class);
        Map<String, ContributorId> who = new HashMap<>();
        List<TrainingExample> ex = new ArrayList<>();
        if (exported.isPresent()) {
            for (CorpusEntry e : exported.get().entries()) {
                TrainingExample t = TrainingExample.fromText(e.record().toHex(), e.text());
                ex.add(t);
                who.put(t.id(), e.contributor());
            }
            return new Data(ex, exported.get().version(), who);
        }
        // facts that exist only in this datanet, each contributed by one person in several phrasings
        String[][] facts = {
            {"the curator of datanet Zorbia", " Quilla Brandt."},
            {"the fee of the Vexlow adapter", " nine OPEN."},
            {"the founder of the Murrow guild", " Tobias Fenn."},
            {"the capital of Olvania", " Port Idris."}
        };
        String[] templates = {
            "Question: who or what is %s? Answer:",
            "Q: tell me %s. A:",
            "Name %s:",
            "What is %s?",
            "Fact check, %s is",
            "Recall %s ->",
            "Please state %s:"
        };
        for (int f = 0; f < facts.length; f++) {
            for (int t = 0; t < templates.length; t++) {
                String id = "fact" + f + "-p" + t;
                ex.add(new TrainingExample(id, String.format(templates[t], facts[f][0]), facts[f][1]));
                who.put(id, contributor(WHO[f]));
            }
        }
        DatanetVersionRef v = new DatanetVersionRef(
                DatanetId.of("factory-demo"),
                1,
                Hashing.keccak256(Bytes.wrap("factory-demo@1".getBytes(StandardCharsets.UTF_8))));
        return new Data(ex, v, who);
    }

    private static String text(Data d, String id) {
        return d.examples().stream()
                .filter(e -> e.id().equals(id))
                .map(e -> e.prompt() + e.completion())
                .findFirst()
                .orElse("");
    }

    private static ContributorId contributor(String name) {
        byte[] h = Hashing.keccak256(Bytes.wrap(name.getBytes(StandardCharsets.UTF_8)))
                .bytes()
                .toArray();
        return ContributorId.of(Address.of(Bytes.wrap(java.util.Arrays.copyOf(h, Address.SIZE))));
    }

    @Override
    public void run(DemoContext ctx) throws Exception {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        Path base = ctx.workDir().resolve("factory/base");
        Path out = ctx.workDir().resolve("factory/adapter");
        ModelConfig cfg = TestModels.config(ModelConfig.Architecture.LLAMA, 2, 64, 4, 2, 128, 300);
        TestModels.writeModel(base, cfg, 11, DType.F32, 1);
        Data d = data(ctx);
        ctx.say(
                "base: a random %s model, %,d parameters; datanet %s@%d with %d records",
                cfg.architecture().className(),
                cfg.parameterCount(),
                d.version().datanet().value(),
                d.version().version(),
                d.examples().size());
        TrainingSettings s = TrainingSettings.builder()
                .targetModules(List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"))
                .rank(8)
                .alpha(16)
                .learningRate(5e-3)
                .epochs(25)
                .batchSize(4)
                .gradAccumulation(1)
                .warmupSteps(5)
                .seqLength(96)
                .validationFraction(0.2)
                .seed(7)
                .build();
        long t0 = System.nanoTime();
        TrainingReport r = FactoryTrainer.lora(base)
                .settings(s)
                .examples(d.examples())
                .datanets(List.of(d.version()))
                .output(out)
                .build()
                .train();
        ctx.say(
                "trained LoRA r=8 on all 7 projections: %d AdamW steps in %.1f s; validation loss %.3f -> %.3f (perplexity %.1f)",
                r.steps(),
                (System.nanoTime() - t0) / 1e9,
                r.baseValidationLoss(),
                r.validationLoss(),
                r.validationPerplexity());
        ctx.say(
                "wrote PEFT adapter_config.json + adapter_model.safetensors (sha256 %s) and provenance.json",
                r.artifactHash().toHex().substring(0, 18) + "...");

        Tokenizer tok = Tokenizer.load(base);
        TrainingExample asked = d.examples().stream()
                .filter(e -> r.trainIds().contains(e.id()) && !e.prompt().isEmpty())
                .findFirst()
                .orElse(d.examples().getFirst());
        int[] prompt = asked.prompt().isEmpty()
                ? tok.encode(
                        asked.completion()
                                .substring(0, Math.min(12, asked.completion().length())),
                        true)
                : tok.encode(asked.prompt(), true);
        int[] output;
        try (LlamaModel engine = LlamaModel.load(base)) {
            LoraAdapter adapter = LoraAdapter.load(out, cfg);
            output = engine.generate(prompt, adapter, 16, Sampler.greedy(), Set.of()).stream()
                    .mapToInt(Integer::intValue)
                    .toArray();
            String answer = tok.decode(output, true);
            // stop at the end of the sentence the adapter learned
            int dot = answer.indexOf('.');
            if (dot >= 0) {
                output = tok.encode(answer.substring(0, dot + 1), false);
                answer = answer.substring(0, dot + 1);
            }
            ctx.say("served on the Java engine: \"%s\" -> \"%s\"", tok.decode(prompt, true), answer);
        }

        InMemoryCorpus.Builder cb = InMemoryCorpus.builder();
        List<TrainingExample> trained = new ArrayList<>();
        for (TrainingExample e : d.examples()) {
            if (r.trainIds().contains(e.id())) {
                trained.add(e);
                int[] toks = tok.encode(e.prompt() + e.completion(), false);
                cb.add(CorpusRecord.of(e.id(), d.who().get(e.id()), d.version(), toks));
            }
        }
        try (AdapterGradients grads = AdapterGradients.open(base, out, trained, s.seqLength());
                AttributionEngine engine = AttributionEngine.builder()
                        .method(DataInfMethod.builder().gradients(grads).build())
                        .corpus(cb.build())
                        .build()) {
            long q0 = System.nanoTime();
            AttributionResult res = engine.attribute(AttributionQuery.builder()
                    .model(ModelId.of("factory-demo"))
                    .promptTokens(prompt)
                    .outputTokens(output)
                    .trainedOn(List.of(d.version()))
                    .build());
            ctx.say(
                    "DataInf over %d per-example gradients (%d LoRA layers) in %.0f ms:",
                    trained.size(), grads.layers().size(), (System.nanoTime() - q0) / 1e6);
            res.records().stream()
                    .sorted((a, b) -> Double.compare(b.raw(), a.raw()))
                    .limit(3)
                    .forEach((RecordScore x) -> ctx.say(
                            "  %s  influence %+.4g  \"%s\"",
                            x.record().id(), x.raw(), text(d, x.record().id())));
            ctx.say(
                    "contributor shares sum to exactly 10^18: %s",
                    res.weights().shares().values().stream()
                                    .mapToLong(Long::longValue)
                                    .sum()
                            == AttributionWeights.ONE);
            ctx.put(AttributionWeights.class, res.weights());
        }
        // the same answer through span matching (infini-gram style), for comparison
        try (AttributionEngine spans = AttributionEngine.builder()
                .method(new SpanMethod())
                .corpus(cb.build())
                .build()) {
            AttributionResult res = spans.attribute(AttributionQuery.builder()
                    .model(ModelId.of("factory-demo"))
                    .promptTokens(prompt)
                    .outputTokens(output)
                    .trainedOn(List.of(d.version()))
                    .build());
            ctx.say(
                    "span matching on the same answer: %d spans, %d records credited",
                    res.spans().size(),
                    res.records().stream().filter(x -> x.earning().signum() > 0).count());
        }
        ctx.put(DatanetVersionRef.class, d.version());
    }
}
