package io.openledger.cli.demo;

import io.openledger.core.AdapterId;
import io.openledger.core.Address;
import io.openledger.core.Clock;
import io.openledger.core.ModelId;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.contract.InferenceRecord;
import io.openledger.core.store.RocksDbKeyValueStore;
import io.openledger.lora.AdapterConfig;
import io.openledger.lora.AdapterMerge;
import io.openledger.lora.DType;
import io.openledger.lora.LlamaModel;
import io.openledger.lora.LoraAdapter;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.Sampler;
import io.openledger.lora.TestModels;
import io.openledger.lora.Tokenizer;
import io.openledger.lora.serving.AdapterAccess;
import io.openledger.lora.serving.AdapterAccessException;
import io.openledger.lora.serving.AdapterCache;
import io.openledger.lora.serving.AdapterMix;
import io.openledger.lora.serving.AdapterRecord;
import io.openledger.lora.serving.AdapterRegistry;
import io.openledger.lora.serving.GenerationHandle;
import io.openledger.lora.serving.GenerationRequest;
import io.openledger.lora.serving.GenerationResult;
import io.openledger.lora.serving.LoraServer;
import io.openledger.lora.serving.ServingMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * OpenLoRA serving: a few hundred generated PEFT adapters registered (persisted in RocksDB) for one
 * base model, and a burst of requests for many different adapters (and the base) served in shared
 * batches under an adapter memory budget; hands on the {@link InferenceRecord} of one request.
 */
public final class LoraServingStep implements DemoStep {
    static final int ADAPTERS = 240;

    @Override
    public String title() {
        return "lora serving: hundreds of adapters on one base model, batched together";
    }

    @Override
    public void run(DemoContext ctx) throws Exception {
        Path root = ctx.workDir().resolve("lora-serving");
        Path modelDir = root.resolve("base-model");
        ModelConfig cfg = TestModels.config(ModelConfig.Architecture.LLAMA, 4, 256, 8, 2, 512, 512);
        TestModels.writeModel(modelDir, cfg, 2026, DType.BF16, 1);
        ctx.say(
                "base model: %,d parameters, %d layers (random weights, real formats)",
                cfg.parameterCount(), cfg.layers());
        Path db = root.resolve("registry-db");
        ModelId model = ModelId.of("openledger/demo-llama");
        int[] ranks = {4, 8, 16};
        List<String> targets = List.of("q_proj", "k_proj", "v_proj", "o_proj");
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(db)) {
            AdapterRegistry reg = new AdapterRegistry(store, model, cfg, Clock.system());
            long t0 = System.nanoTime();
            for (int i = 0; i < ADAPTERS; i++) {
                Path d = root.resolve("adapters/a" + i);
                int r = ranks[i % ranks.length];
                TestModels.writeAdapter(d, cfg, AdapterConfig.of(r, 2 * r, targets), 1000 + i, DType.BF16);
                Address owner = Address.fromHex(String.format("0x%040x", 0xA000 + i % 17));
                reg.register(AdapterId.of("adapter-" + i), d, owner, Map.of("rank", Integer.toString(r)));
                if ((i + 1) % 60 == 0) {
                    ctx.say(
                            "  [%-24s] %d/%d adapters written, validated and registered",
                            "#".repeat(24 * (i + 1) / ADAPTERS), i + 1, ADAPTERS);
                }
            }
            ctx.say(
                    "registered %d adapters (ranks 4/8/16 on q,k,v,o) in %.1f s, each validated against the base",
                    ADAPTERS, (System.nanoTime() - t0) / 1e9);
        }
        // reopen: the registry survives a restart
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(db)) {
            AdapterRegistry reg = new AdapterRegistry(store, model, cfg, Clock.system());
            List<AdapterRecord> all = reg.list();
            long total = all.stream().mapToLong(AdapterRecord::residentBytes).sum();
            ctx.say(
                    "reopened the registry from RocksDB: %d adapters, %,d bytes if all were resident",
                    all.size(), total);
            long budget = total / 4;
            AdapterCache cache = AdapterCache.builder(reg).budgetBytes(budget).build();
            Tokenizer tok = Tokenizer.load(modelDir);
            String[] prompts = {"What is a datanet?", "Who gets paid?", "Explain attribution.", "Proof of contribution"
            };
            List<DatanetVersionRef> trainedOn =
                    ctx.get(DatanetVersionRef.class).map(List::of).orElse(List.of());
            SplittableRandom rnd = new SplittableRandom(5);
            int burst = 96;
            Address mixer = Address.fromHex(String.format("0x%040x", 0xE000));
            try (LoraServer server = LoraServer.builder(modelDir, cache)
                    .maxBatch(32)
                    .mixes(root.resolve("mixes"), mixer)
                    .build()) {
                List<GenerationHandle> hs = new ArrayList<>();
                List<GenerationRequest> reqs = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int i = 0; i < burst; i++) {
                    AdapterId a = i % 8 == 7 ? null : AdapterId.of("adapter-" + rnd.nextInt(ADAPTERS));
                    GenerationRequest q = GenerationRequest.builder(tok.encode(prompts[i % prompts.length], true))
                            .adapter(a)
                            .maxTokens(12)
                            .caller(Address.fromHex(String.format("0x%040x", 0xC000 + i)))
                            .trainedOn(trainedOn)
                            .build();
                    reqs.add(q);
                    hs.add(server.submit(q));
                }
                List<GenerationResult> rs = new ArrayList<>();
                for (GenerationHandle h : hs) {
                    rs.add(h.result().join());
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                ServingMetrics m = server.metrics();
                long distinct =
                        reqs.stream().map(GenerationRequest::adapter).distinct().count();
                ctx.say(
                        "served a burst of %d requests on %d distinct adapters (+ base) in %.2f s: %,.0f tokens/s, %.1f rows per batched pass",
                        burst, distinct - 1, secs, m.generatedTokens() / secs, m.meanBatchRows());
                ctx.say(
                        "time to first token p50 %.1f ms, p99 %.1f ms; queue p99 %.1f ms",
                        m.ttftMillisP50(), m.ttftMillisP99(), m.queueMillisP99());
                AdapterCache.Stats c = m.cache();
                ctx.say(
                        "adapter cache: budget %,d B, peak resident %,d B (within budget: %s); %d loads (p50 %.1f ms, p99 %.1f ms), %d hits, %d evictions",
                        budget,
                        c.peakResidentBytes(),
                        c.peakResidentBytes() <= budget ? "yes" : "NO",
                        c.loads(),
                        c.loadMillisP50(),
                        c.loadMillisP99(),
                        c.hits(),
                        c.evictions());
                ctx.say(
                        "busiest adapters: %s",
                        String.join(
                                ", ",
                                server.topAdapters(3).stream()
                                        .map(u -> u.adapter().value() + " (" + u.requests() + " requests, "
                                                + u.generatedTokens() + " tokens)")
                                        .toList()));
                // the batched answer is exactly the one the single-request engine gives
                GenerationRequest first = reqs.getFirst();
                AdapterId fa = first.adapter();
                LoraAdapter alone = fa == null
                        ? null
                        : LoraAdapter.load(reg.get(fa).orElseThrow().dir(), cfg);
                try (LlamaModel single = LlamaModel.load(modelDir)) {
                    List<Integer> ref = single.generate(first.prompt(), alone, 12, Sampler.greedy(), Set.of());
                    ctx.say(
                            "request 0 on %s: \"%s\"; same tokens as that adapter alone on the single-request engine: %s",
                            fa,
                            tok.decode(
                                            rs.getFirst().tokens().stream()
                                                    .mapToInt(Integer::intValue)
                                                    .toArray(),
                                            true)
                                    .replace("\n", " "),
                            ref.equals(rs.getFirst().tokens()) ? "yes" : "NO");
                }
                InferenceRecord rec = rs.getFirst().record();
                ctx.put(InferenceRecord.class, rec);
                ctx.say(
                        "inference record %s handed on (model %s, adapter %s, %d output tokens, first token after %d ms)",
                        rec.requestId(),
                        rec.model(),
                        fa,
                        rec.outputTokens().size(),
                        rec.timings().firstToken().toMillis());

                // its owner makes an adapter private: the server checks each caller before batching
                AdapterId secret = AdapterId.of("adapter-0");
                Address secretOwner = reg.get(secret).orElseThrow().owner();
                reg.setAccess(secret, secretOwner, AdapterAccess.privateTo());
                GenerationRequest.Builder ask = GenerationRequest.builder(tok.encode(prompts[0], true))
                        .adapter(secret)
                        .maxTokens(12);
                String stranger;
                try {
                    server.submit(ask.caller(Address.fromHex(String.format("0x%040x", 0xD000)))
                            .build());
                    stranger = "was served (WRONG)";
                } catch (AdapterAccessException e) {
                    stranger = "was refused before batching";
                }
                GenerationResult full = server.generate(ask.caller(secretOwner).build());
                GenerationResult half = server.generate(
                        ask.caller(secretOwner).adapterScale(0.5f).build());
                ctx.say(
                        "adapter-0 made private by its owner: a stranger's request %s; the owner's request was served"
                                + " (%d tokens), and again at adapter scale 0.5 (%s tokens)",
                        stranger, full.tokens().size(), half.tokens().equals(full.tokens()) ? "the same" : "different");

                // a request mixing two adapters: merged once (TIES), registered with its parts
                AdapterMix mix = new AdapterMix(
                        List.of(AdapterId.of("adapter-1"), AdapterId.of("adapter-4")),
                        AdapterMerge.of(AdapterMerge.Strategy.TIES, 0.6, 0.4).withDensity(0.7));
                GenerationResult mixed = server.generate(GenerationRequest.builder(tok.encode(prompts[2], true))
                        .mix(mix)
                        .maxTokens(12)
                        .caller(Address.fromHex(String.format("0x%040x", 0xC000)))
                        .trainedOn(trainedOn)
                        .build());
                AdapterRecord merged =
                        reg.get(mixed.record().adapterId().orElseThrow()).orElseThrow();
                ctx.say(
                        "a request mixing adapter-1 and adapter-4 (ties, weights 0.6/0.4, density 0.7) ran on %s,"
                                + " merged once (%d modules, rank %d) and registered with its parts: %s",
                        merged.id(),
                        merged.modules(),
                        merged.maxRank(),
                        String.join(
                                ", ",
                                merged.mergedFrom().stream()
                                        .map(p -> p.id().value() + " x" + p.weight() + " owned by "
                                                + p.owner().toChecksumHex())
                                        .toList()));
            }
        }
        if (!Files.exists(root)) {
            throw new IllegalStateException("work dir vanished");
        }
    }
}
