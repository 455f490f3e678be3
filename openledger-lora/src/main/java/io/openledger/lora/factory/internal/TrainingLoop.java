package io.openledger.lora.factory.internal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.core.Hash;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.lora.AdapterConfig;
import io.openledger.lora.DType;
import io.openledger.lora.LoraAdapter;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.SafeTensorsWriter;
import io.openledger.lora.Tokenizer;
import io.openledger.lora.factory.TrainingExample;
import io.openledger.lora.factory.TrainingReport;
import io.openledger.lora.factory.TrainingSettings;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** One training run (see {@link io.openledger.lora.factory.FactoryTrainer}). Not thread-safe. */
public final class TrainingLoop {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path base;
    private final boolean full;
    private final TrainingSettings s;
    private final List<TrainingExample> examples;
    private final List<DatanetVersionRef> datanets;
    private final Path out;
    private final boolean resume;
    private final int maxSteps;

    /** See the public builder. */
    public TrainingLoop(
            Path base,
            boolean full,
            TrainingSettings s,
            List<TrainingExample> examples,
            List<DatanetVersionRef> datanets,
            Path out,
            boolean resume,
            int maxSteps) {
        this.base = base;
        this.full = full;
        this.s = s;
        this.examples = List.copyOf(examples);
        this.datanets = datanets;
        this.out = out;
        this.resume = resume;
        this.maxSteps = maxSteps;
    }

    /** The adapter config the settings describe. */
    public static AdapterConfig adapterConfig(TrainingSettings s, String baseName) {
        return new AdapterConfig(
                s.rank(),
                s.alpha(),
                s.rsLora(),
                Map.of(),
                Map.of(),
                s.targetModules().equals(List.of("all-linear")) ? List.of() : s.targetModules(),
                s.targetModules().equals(List.of("all-linear")) ? "all-linear" : null,
                List.of(),
                List.of(),
                false,
                baseName);
    }

    /** Whether a record lands in the validation split: SHA-256(seed ‖ id) below the fraction. */
    public static boolean isValidation(long seed, String id, double fraction) {
        byte[] h = Hashes.sha256((seed + "/" + id).getBytes(StandardCharsets.UTF_8));
        long v = ((h[0] & 0xffL) << 24) | ((h[1] & 0xffL) << 16) | ((h[2] & 0xffL) << 8) | (h[3] & 0xffL);
        return v < fraction * (1L << 32);
    }

    /** Runs the training. */
    public TrainingReport run() {
        ModelConfig cfg = ModelConfig.read(base);
        Tokenizer tok = Tokenizer.load(base);
        List<Encoded> train = new ArrayList<>();
        List<Encoded> val = new ArrayList<>();
        for (TrainingExample e : examples) {
            Encoded enc = Encoded.of(tok, e.id(), e.prompt(), e.completion(), s.seqLength());
            if (enc.targets() == 0) {
                throw new IllegalArgumentException("record " + e.id() + " has no completion token within seqLength "
                        + s.seqLength() + " (or fewer than two tokens)");
            }
            (isValidation(s.seed(), e.id(), s.validationFraction()) ? val : train).add(enc);
        }
        train.sort(Comparator.comparing(Encoded::id));
        val.sort(Comparator.comparing(Encoded::id));
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no record left for training after the validation split");
        }
        int perStep = s.batchSize() * s.gradAccumulation();
        int stepsPerEpoch = (train.size() + perStep - 1) / perStep;
        int total = stepsPerEpoch * s.epochs();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(out.toString(), e);
        }
        Engine.getEngine("PyTorch").setRandomSeed((int) s.seed());
        AdapterConfig ac = adapterConfig(
                s, base.getFileName() == null ? "" : base.getFileName().toString());
        try (TorchLlama m = TorchLlama.load(base, cfg, full)) {
            if (!full) {
                m.addLora(ac, new SplittableRandom(s.seed()), null);
                if (m.loras().isEmpty()) {
                    throw new IllegalArgumentException("targetModules " + s.targetModules() + " match no module");
                }
            }
            Map<String, float[]> params = m.trainable();
            AdamW opt = new AdamW(params, s.weightDecay());
            List<Double> curve = new ArrayList<>();
            int step = 0;
            int skipped = 0;
            double baseVal = Double.NaN;
            Path ckDir = out.resolve("checkpoints");
            if (resume) {
                Path latest = Checkpoints.latest(ckDir);
                if (latest != null) {
                    JsonNode state = Checkpoints.restore(latest, params, opt);
                    step = state.get("step").asInt();
                    state.get("loss_curve").forEach(n -> curve.add(n.asDouble()));
                    baseVal = state.get("base_validation_loss").asDouble(Double.NaN);
                }
            }
            if (step == 0) {
                baseVal = val.isEmpty() ? Double.NaN : validationLoss(m, val);
                truncateMetrics();
                appendMetric(Map.of("step", 0, "val_loss", baseVal, "val_ppl", Math.exp(baseVal)));
            }
            try (ProgressBar pb = s.progress()
                    ? new ProgressBarBuilder()
                            .setTaskName(full ? "pretrain" : "lora")
                            .setInitialMax(total)
                            .setStyle(ProgressBarStyle.ASCII)
                            .build()
                    : null) {
                if (pb != null) {
                    pb.stepTo(step);
                }
                while (step < total && step < maxSteps) {
                    int epoch = step / stepsPerEpoch;
                    int inEpoch = step % stepsPerEpoch;
                    List<Encoded> order = shuffled(train, s.seed(), epoch);
                    List<Encoded> group =
                            order.subList(inEpoch * perStep, Math.min(order.size(), (inEpoch + 1) * perStep));
                    double loss;
                    double gradNorm;
                    double lr = learningRate(step, total);
                    int tokens = group.stream().mapToInt(Encoded::targets).sum();
                    float w = 1f / tokens;
                    loss = 0;
                    Map<String, float[]> grads = new LinkedHashMap<>();
                    for (int micro = 0; micro * s.batchSize() < group.size(); micro++) {
                        try (NDScope scope = new NDScope()) {
                            scope.suppressNotUsedWarning();
                            m.materialize();
                            try (GradientCollector gc =
                                    Engine.getEngine("PyTorch").newGradientCollector()) {
                                NDArray sum = null;
                                for (int i = micro * s.batchSize();
                                        i < Math.min(group.size(), (micro + 1) * s.batchSize());
                                        i++) {
                                    SplittableRandom rnd = new SplittableRandom(mix(s.seed(), step, i));
                                    NDArray l = group.get(i).loss(m, w, (float) s.dropout(), rnd);
                                    sum = sum == null ? l : sum.add(l);
                                }
                                gc.backward(java.util.Objects.requireNonNull(sum));
                                loss += sum.getFloat();
                            }
                            // gradient accumulation over micro-batches, in Java
                            m.gradients().forEach((n, g) -> {
                                float[] acc = grads.computeIfAbsent(n, k -> new float[g.length]);
                                for (int j = 0; j < g.length; j++) {
                                    acc[j] += g[j];
                                }
                            });
                        }
                    }
                    double sq = 0;
                    for (float[] g : grads.values()) {
                        for (float x : g) {
                            sq += (double) x * x;
                        }
                    }
                    gradNorm = Math.sqrt(sq);
                    if (s.maxGradNorm() > 0 && gradNorm > s.maxGradNorm()) {
                        // torch.nn.utils.clip_grad_norm_: scale by max_norm / (total_norm + 1e-6)
                        float c = (float) (s.maxGradNorm() / (gradNorm + 1e-6));
                        for (float[] g : grads.values()) {
                            for (int j = 0; j < g.length; j++) {
                                g[j] *= c;
                            }
                        }
                    }
                    // a non-finite gradient skips the update (as torch.cuda.amp.GradScaler does) instead of
                    // poisoning the weights; the metrics line counts skipped steps
                    if (Double.isFinite(gradNorm)) {
                        opt.step(params, grads, step + 1, lr);
                    } else {
                        skipped++;
                    }
                    step++;
                    curve.add(loss);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("step", step);
                    row.put("epoch", epoch);
                    row.put("loss", loss);
                    row.put("lr", lr);
                    row.put("grad_norm", gradNorm);
                    row.put("skipped_steps", skipped);
                    appendMetric(row);
                    if (pb != null) {
                        pb.stepTo(step);
                        pb.setExtraMessage(String.format(java.util.Locale.ROOT, "loss %.4f", runningMean(curve)));
                    }
                    if (step % stepsPerEpoch == 0 && !val.isEmpty() && step < total) {
                        double v = validationLoss(m, val);
                        appendMetric(Map.of("step", step, "val_loss", v, "val_ppl", Math.exp(v)));
                    }
                    if (s.checkpointEvery() > 0 && step % s.checkpointEvery() == 0) {
                        ObjectNode state = JSON.createObjectNode();
                        state.put("step", step);
                        state.put("base_validation_loss", baseVal);
                        curve.forEach(state.putArray("loss_curve")::add);
                        state.set("settings", settingsJson());
                        Checkpoints.save(ckDir.resolve("step-" + step), params, opt, state);
                    }
                }
            }
            double finalVal = val.isEmpty() ? Double.NaN : validationLoss(m, val);
            if (step >= total) {
                appendMetric(Map.of("step", step, "val_loss", finalVal, "val_ppl", Math.exp(finalVal)));
            }
            Path weights = full ? writeCheckpoint(m, cfg) : writeAdapter(m, ac);
            Hash artifact = Hashes.file(weights);
            List<String> trainIds = train.stream().map(Encoded::id).toList();
            List<String> valIds = val.stream().map(Encoded::id).toList();
            TrainingReport r = new TrainingReport(out, step, trainIds, valIds, curve, baseVal, finalVal, artifact);
            writeManifest(r);
            return r;
        }
    }

    private JsonNode settingsJson() {
        try {
            return JSON.readTree(s.toJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double runningMean(List<Double> curve) {
        int n = Math.min(10, curve.size());
        double sum = 0;
        for (int i = curve.size() - n; i < curve.size(); i++) {
            sum += curve.get(i);
        }
        return sum / n;
    }

    /** transformers' get_cosine_schedule_with_warmup at optimizer step {@code step} (from 0). */
    double learningRate(int step, int total) {
        double f;
        if (step < s.warmupSteps()) {
            f = (double) step / Math.max(1, s.warmupSteps());
        } else {
            double progress = (double) (step - s.warmupSteps()) / Math.max(1, total - s.warmupSteps());
            f = Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
        }
        return s.learningRate() * f;
    }

    static long mix(long seed, int step, int i) {
        long z = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + i * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static List<Encoded> shuffled(List<Encoded> train, long seed, int epoch) {
        List<Encoded> order = new ArrayList<>(train);
        SplittableRandom r = new SplittableRandom(mix(seed, -1 - epoch, 7));
        for (int i = order.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            Encoded t = order.get(i);
            order.set(i, order.get(j));
            order.set(j, t);
        }
        return order;
    }

    /** Token-weighted mean cross-entropy over {@code set}, without dropout or gradients. */
    public static double validationLoss(TorchLlama m, List<Encoded> set) {
        int tokens = set.stream().mapToInt(Encoded::targets).sum();
        double sum = 0;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            m.materialize();
            for (Encoded e : set) {
                sum += e.loss(m, 1f, 0f, null).getFloat();
            }
        }
        return sum / tokens;
    }

    private void truncateMetrics() {
        try {
            Files.writeString(out.resolve("metrics.jsonl"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(out.toString(), e);
        }
    }

    private void appendMetric(Map<String, ?> row) {
        ObjectNode o = JSON.createObjectNode();
        row.forEach((k, v) -> {
            if (v instanceof Integer i) {
                o.put(k, i);
            } else if (v instanceof Double d) {
                if (Double.isFinite(d)) {
                    o.put(k, d);
                } else {
                    o.putNull(k);
                }
            }
        });
        try (BufferedWriter w = Files.newBufferedWriter(
                out.resolve("metrics.jsonl"), StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            w.write(JSON.writeValueAsString(o));
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(out.toString(), e);
        }
    }

    private Path writeAdapter(TorchLlama m, AdapterConfig ac) {
        SafeTensorsWriter w = new SafeTensorsWriter().metadata("format", "pt");
        m.trainable().forEach((n, a) -> w.add(n, DType.F32, a, m.shape(n)));
        Path file = out.resolve(LoraAdapter.WEIGHTS_FILE);
        w.write(file);
        try {
            ObjectNode o = (ObjectNode) JSON.readTree(ac.toJson());
            o.put("lora_dropout", s.dropout());
            o.put("init_lora_weights", true);
            Files.writeString(
                    out.resolve(LoraAdapter.CONFIG_FILE),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        } catch (IOException e) {
            throw new UncheckedIOException(out.toString(), e);
        }
        return file;
    }

    private Path writeCheckpoint(TorchLlama m, ModelConfig cfg) {
        SafeTensorsWriter w = new SafeTensorsWriter().metadata("format", "pt");
        m.trainable().forEach((n, a) -> w.add(n, DType.F32, a, m.shape(n)));
        Path file = out.resolve("model.safetensors");
        w.write(file);
        try {
            Files.writeString(out.resolve("config.json"), cfg.toJson());
            Files.copy(
                    base.resolve("tokenizer.json"), out.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(out.toString(), e);
        }
        return file;
    }

    private void writeManifest(TrainingReport r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", full ? "pretrain" : "lora");
        o.put("base_model", base.toAbsolutePath().toString());
        o.put("base_model_hash", Hashes.checkpoint(base).toHex());
        ArrayNode dn = o.putArray("datanets");
        for (DatanetVersionRef d : datanets) {
            ObjectNode x = dn.addObject();
            x.put("datanet", d.datanet().value());
            x.put("version", d.version());
            x.put("root", d.root().toHex());
        }
        r.trainIds().forEach(o.putArray("train_records")::add);
        r.validationIds().forEach(o.putArray("validation_records")::add);
        o.set("settings", settingsJson());
        o.put("steps", r.steps());
        r.lossCurve().forEach(o.putArray("loss_curve")::add);
        putFinite(o, "base_validation_loss", r.baseValidationLoss());
        putFinite(o, "validation_loss", r.validationLoss());
        putFinite(o, "validation_perplexity", r.validationPerplexity());
        o.put(full ? "model_hash" : "adapter_hash", r.artifactHash().toHex());
        o.put(
                "engine",
                "DJL " + Engine.getDjlVersion() + " / PyTorch "
                        + Engine.getEngine("PyTorch").getVersion());
        try {
            Files.writeString(
                    out.resolve("provenance.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        } catch (IOException e) {
            throw new UncheckedIOException(out.toString(), e);
        }
    }

    private static void putFinite(ObjectNode o, String k, double v) {
        if (Double.isFinite(v)) {
            o.put(k, v);
        } else {
            o.putNull(k);
        }
    }

    /** Safetensors files of a checkpoint directory, sorted by name. */
    static List<Path> weightFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".safetensors"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir.toString(), e);
        }
    }
}
