package io.openledger.cli.demo;

import io.openledger.core.AdapterId;
import io.openledger.core.Address;
import io.openledger.core.Bytes;
import io.openledger.core.ModelId;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.contract.InferenceRecord;
import io.openledger.core.crypto.Hashing;
import io.openledger.lora.AdapterConfig;
import io.openledger.lora.DType;
import io.openledger.lora.LlamaModel;
import io.openledger.lora.LoraAdapter;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.Sampler;
import io.openledger.lora.TestModels;
import io.openledger.lora.Tokenizer;
import io.openledger.lora.WeightFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * OpenLoRA: a small Llama-family model and a PEFT adapter written in the real formats, loaded back,
 * and text generated with and without the adapter; hands on an {@link InferenceRecord}.
 */
public final class LoraStep implements DemoStep {
    @Override
    public String title() {
        return "lora: a Llama-family model and a PEFT adapter on the pure-Java engine";
    }

    @Override
    public void run(DemoContext ctx) {
        Path modelDir = ctx.workDir().resolve("lora/base-model");
        Path adapterDir = ctx.workDir().resolve("lora/demo-adapter");
        ModelConfig cfg = TestModels.config(ModelConfig.Architecture.LLAMA, 4, 256, 8, 2, 512, 512);
        TestModels.writeModel(modelDir, cfg, 2026, DType.BF16, 2);
        ctx.say(
                "wrote a random %s model (%,d parameters, %d layers, GQA %d/%d heads) as 2 BF16 safetensors shards + index, config.json, tokenizer.json",
                cfg.architecture().className(), cfg.parameterCount(), cfg.layers(), cfg.heads(), cfg.kvHeads());
        AdapterConfig ac = new AdapterConfig(
                16,
                32,
                false,
                Map.of("o_proj", 8),
                Map.of(),
                List.of(),
                "all-linear",
                List.of(),
                List.of(),
                false,
                "openledger/demo-base");
        TestModels.writeAdapter(adapterDir, cfg, ac, 7, DType.F32);
        LoraAdapter adapter = LoraAdapter.load(adapterDir, cfg);
        ctx.say(
                "wrote and reloaded a PEFT adapter: r=16 (o_proj r=8), alpha=32, all-linear -> %d modules, %,d bytes, scaling %.1f",
                adapter.modules().size(), adapter.bytes(), adapter.scalings().get("model.layers.0.self_attn.q_proj"));
        Tokenizer tok = Tokenizer.load(modelDir);
        String prompt = "Question: what is a datanet? Answer:";
        int[] ids = tok.encode(prompt, true);
        ctx.say("prompt \"%s\" -> %d tokens %s", prompt, ids.length, java.util.Arrays.toString(ids));
        java.util.Set<Integer> stop =
                java.util.Set.of(tok.tokenId("<|end_of_text|>").orElseThrow());
        try (LlamaModel model = LlamaModel.load(modelDir)) {
            ctx.say(
                    "engine: %s kernels, %s weights, %,d weight bytes per token",
                    model.kernelsId(), model.format(), model.decodeBytes());
            model.generate(ids, adapter, 4, Sampler.greedy(), stop); // warm up the JIT before timing
            long t0 = System.nanoTime();
            List<Integer> base = model.generate(ids, null, 16, Sampler.greedy(), stop);
            long t1 = System.nanoTime();
            List<Integer> tuned = model.generate(ids, adapter, 16, Sampler.greedy(), stop);
            long t2 = System.nanoTime();
            ctx.say(
                    "base model      : %s -> \"%s\" (%.0f tokens/s)",
                    base, text(tok, base), base.size() / ((t1 - t0) / 1e9));
            ctx.say(
                    "with the adapter: %s -> \"%s\" (%.0f tokens/s)",
                    tuned, text(tok, tuned), tuned.size() / ((t2 - t1) / 1e9));
            float[] unmerged = model.logits(ids, adapter);
            // merged in float32: W + s·BA rounded back to bfloat16 would differ by that rounding
            float[] merged;
            try (LlamaModel f32 =
                    LlamaModel.builder(modelDir).weights(WeightFormat.F32).build()) {
                merged = f32.merge(adapter).logits(ids, null);
            }
            double maxDiff = 0;
            double maxAbs = 0;
            for (int i = 0; i < merged.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(unmerged[i] - merged[i]));
                maxAbs = Math.max(maxAbs, Math.abs(merged[i]));
            }
            ctx.say(
                    "unmerged (y = Wx + s·B(Ax)) vs merged (W + s·BA, float32) logits: relative difference %.1e",
                    maxDiff / maxAbs);
            ctx.say("(the words are random because the weights are; the formats and the arithmetic are real)");
            List<DatanetVersionRef> trainedOn =
                    ctx.get(DatanetVersionRef.class).map(List::of).orElse(List.of());
            ModelId modelId = ModelId.of("openledger/demo-llama");
            AdapterId adapterId = AdapterId.of("demo-adapter");
            Bytes canonical = Bytes.utf8(
                    modelId.value() + "|" + adapterId.value() + "|" + java.util.Arrays.toString(ids) + "|" + tuned);
            InferenceRecord record = new InferenceRecord(
                    Hashing.keccak256(canonical),
                    modelId,
                    adapterId,
                    Address.ZERO,
                    java.util.Arrays.stream(ids).boxed().toList(),
                    tuned,
                    trainedOn,
                    new InferenceRecord.Timings(
                            Duration.ZERO,
                            Duration.ofNanos((t2 - t1) / Math.max(1, tuned.size())),
                            Duration.ofNanos(t2 - t1)),
                    Instant.now());
            ctx.put(InferenceRecord.class, record);
            ctx.say(
                    "inference record %s handed on (adapter %s, %d output tokens)",
                    record.requestId(), adapterId, tuned.size());
        }
    }

    private static String text(Tokenizer tok, List<Integer> ids) {
        return tok.decode(ids.stream().mapToInt(Integer::intValue).toArray(), true)
                .replace("\n", " ");
    }
}
