package io.openledger.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.core.DatanetId;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.store.RocksDbKeyValueStore;
import io.openledger.datanet.Corpus;
import io.openledger.datanet.CorpusEntry;
import io.openledger.datanet.DatanetService;
import io.openledger.lora.DType;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.TestModels;
import io.openledger.lora.factory.FactoryEval;
import io.openledger.lora.factory.FactoryTrainer;
import io.openledger.lora.factory.TrainingExample;
import io.openledger.lora.factory.TrainingReport;
import io.openledger.lora.factory.TrainingSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openledger factory …}: LoRA fine-tuning and small-model pre-training on a datanet version
 * (DJL PyTorch, CPU, offline), and evaluation of a base model with or without an adapter.
 */
@Command(
        name = "factory",
        mixinStandardHelpOptions = true,
        description = "ModelFactory: train LoRA adapters on datanet versions, pre-train small models, evaluate.",
        subcommands = {FactoryCommand.Train.class, FactoryCommand.Pretrain.class, FactoryCommand.Eval.class})
public final class FactoryCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the records come from: a datanet version in an OpenLedger home, or a corpus JSONL export. */
    static final class Source {
        @Option(names = "--home", description = "OpenLedger home directory (default: ~/.openledger).")
        Path home = Path.of(System.getProperty("user.home"), ".openledger");

        @Option(names = "--datanet", description = "Datanet id, optionally @VERSION (default: the latest).")
        String datanet;

        @Option(names = "--jsonl", description = "A corpus JSONL export instead of --datanet.")
        Path jsonl;

        record Loaded(List<TrainingExample> examples, List<DatanetVersionRef> versions) {}

        Loaded load() throws Exception {
            if (jsonl != null) {
                return new Loaded(TrainingExample.readJsonl(jsonl), List.of());
            }
            if (datanet == null) {
                throw new IllegalArgumentException("give --datanet NAME[@VERSION] or --jsonl FILE");
            }
            String[] parts = datanet.split("@", 2);
            DatanetId id = DatanetId.of(parts[0]);
            Path dir = Files.createDirectories(home.resolve("datanet").resolve("store"));
            try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir)) {
                DatanetService s = DatanetService.builder().store(store).build();
                long version = parts.length == 2
                        ? Long.parseLong(parts[1])
                        : s.head(id)
                                .orElseThrow(() -> new IllegalArgumentException("datanet " + id + " has no versions"))
                                .number();
                return fromCorpus(s.export(id, version));
            }
        }
    }

    /** Training records of a datanet corpus export. */
    static Source.Loaded fromCorpus(Corpus corpus) {
        List<TrainingExample> ex = new ArrayList<>();
        for (CorpusEntry e : corpus.entries()) {
            ex.add(TrainingExample.fromText(e.record().toHex(), e.text()));
        }
        return new Source.Loaded(ex, List.of(corpus.version()));
    }

    /** Trainer settings as options. */
    static final class Settings {
        @Option(names = "--targets", split = ",", description = "LoRA target modules (default: q_proj,v_proj).")
        List<String> targets = List.of("q_proj", "v_proj");

        @Option(names = "--rank", description = "LoRA rank (default: ${DEFAULT-VALUE}).")
        int rank = 8;

        @Option(names = "--alpha", description = "LoRA alpha (default: ${DEFAULT-VALUE}).")
        double alpha = 16;

        @Option(names = "--rslora", description = "Rank-stabilised scaling alpha/sqrt(r).")
        boolean rsLora;

        @Option(names = "--dropout", description = "LoRA dropout (default: ${DEFAULT-VALUE}).")
        double dropout;

        @Option(names = "--lr", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
        double lr = 2e-4;

        @Option(names = "--weight-decay", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
        double weightDecay;

        @Option(names = "--epochs", description = "Epochs (default: ${DEFAULT-VALUE}).")
        int epochs = 3;

        @Option(names = "--batch", description = "Micro-batch size (default: ${DEFAULT-VALUE}).")
        int batch = 4;

        @Option(names = "--grad-accum", description = "Micro-batches per step (default: ${DEFAULT-VALUE}).")
        int gradAccum = 1;

        @Option(names = "--seq-len", description = "Tokens per example (default: ${DEFAULT-VALUE}).")
        int seqLen = 256;

        @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed = 42;

        @Option(names = "--warmup", description = "Warm-up steps (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--max-grad-norm", description = "Gradient clipping norm, 0 = off (default: ${DEFAULT-VALUE}).")
        double maxGradNorm = 1.0;

        @Option(names = "--val-fraction", description = "Validation share (default: ${DEFAULT-VALUE}).")
        double valFraction = 0.1;

        @Option(names = "--checkpoint-every", description = "Steps between checkpoints, 0 = none.")
        int checkpointEvery;

        @Option(names = "--no-progress", description = "No progress bar.")
        boolean noProgress;

        TrainingSettings build() {
            return TrainingSettings.builder()
                    .targetModules(targets)
                    .rank(rank)
                    .alpha(alpha)
                    .rsLora(rsLora)
                    .dropout(dropout)
                    .learningRate(lr)
                    .weightDecay(weightDecay)
                    .epochs(epochs)
                    .batchSize(batch)
                    .gradAccumulation(gradAccum)
                    .seqLength(seqLen)
                    .seed(seed)
                    .warmupSteps(warmup)
                    .maxGradNorm(maxGradNorm)
                    .validationFraction(valFraction)
                    .checkpointEvery(checkpointEvery)
                    .progress(!noProgress)
                    .build();
        }
    }

    static void offline() {
        // the PyTorch natives ship in pytorch-native-cpu; never let DJL try to download
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    static void report(CommandSpec spec, boolean json, TrainingReport r) throws Exception {
        ObjectNode o = JSON.createObjectNode();
        o.put("out", r.output().toString());
        o.put("steps", r.steps());
        o.put("train_records", r.trainIds().size());
        o.put("validation_records", r.validationIds().size());
        o.put("base_validation_loss", r.baseValidationLoss());
        o.put("validation_loss", r.validationLoss());
        o.put("validation_perplexity", r.validationPerplexity());
        o.put("hash", r.artifactHash().toHex());
        PrintWriter out = spec.commandLine().getOut();
        out.println(
                json
                        ? JSON.writeValueAsString(o)
                        : String.format(
                                "trained %d steps on %d records; validation loss %.4f (base %.4f), perplexity %.2f; wrote %s (%s)",
                                r.steps(),
                                r.trainIds().size(),
                                r.validationLoss(),
                                r.baseValidationLoss(),
                                r.validationPerplexity(),
                                r.output(),
                                r.artifactHash().toHex()));
        out.flush();
    }

    /** {@code factory train}: a LoRA adapter on a base model. */
    @Command(name = "train", mixinStandardHelpOptions = true, description = "Fine-tune a LoRA adapter (PEFT output).")
    static final class Train implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--base", required = true, description = "Hugging Face model directory.")
        Path base;

        @Option(names = "--out", required = true, description = "Adapter output directory.")
        Path out;

        @Option(names = "--resume", description = "Continue from the latest checkpoint in --out.")
        boolean resume;

        @Option(names = "--json", description = "Print one JSON line.")
        boolean json;

        @ArgGroup(exclusive = false)
        Source source = new Source();

        @Mixin
        Settings settings = new Settings();

        @Override
        public Integer call() throws Exception {
            offline();
            Source.Loaded data = source.load();
            TrainingReport r = FactoryTrainer.lora(base)
                    .settings(settings.build())
                    .examples(data.examples())
                    .datanets(data.versions())
                    .output(out)
                    .resume(resume)
                    .build()
                    .train();
            report(spec, json, r);
            return 0;
        }
    }

    /** {@code factory pretrain}: a small model from scratch, every weight trained. */
    @Command(
            name = "pretrain",
            mixinStandardHelpOptions = true,
            description = "Pre-train a small Llama model from random weights on the records (HF checkpoint output).")
    static final class Pretrain implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, description = "Checkpoint output directory.")
        Path out;

        @Option(names = "--layers", description = "Decoder layers (default: ${DEFAULT-VALUE}).")
        int layers = 2;

        @Option(names = "--hidden", description = "Hidden size (default: ${DEFAULT-VALUE}).")
        int hidden = 64;

        @Option(names = "--heads", description = "Attention heads (default: ${DEFAULT-VALUE}).")
        int heads = 4;

        @Option(names = "--kv-heads", description = "Key/value heads (default: ${DEFAULT-VALUE}).")
        int kvHeads = 2;

        @Option(names = "--intermediate", description = "MLP size (default: ${DEFAULT-VALUE}).")
        int intermediate = 128;

        @Option(names = "--vocab", description = "Vocabulary size, >= 260 (default: ${DEFAULT-VALUE}).")
        int vocab = 512;

        @Option(names = "--json", description = "Print one JSON line.")
        boolean json;

        @ArgGroup(exclusive = false)
        Source source = new Source();

        @Mixin
        Settings settings = new Settings();

        @Override
        public Integer call() throws Exception {
            offline();
            Source.Loaded data = source.load();
            Path init = out.resolve("init");
            ModelConfig cfg = TestModels.config(
                    ModelConfig.Architecture.LLAMA, layers, hidden, heads, kvHeads, intermediate, vocab);
            TestModels.writeModel(init, cfg, settings.seed, DType.F32, 1);
            // a byte-level BPE tokenizer whose merges are learned from the training text itself
            StringBuilder text = new StringBuilder();
            data.examples()
                    .forEach(e -> text.append(e.prompt()).append(e.completion()).append('\n'));
            Files.writeString(
                    init.resolve("tokenizer.json"),
                    TestModels.tokenizerJson(TestModels.TokenizerKind.BYTE_LEVEL, vocab, text.toString()));
            TrainingReport r = FactoryTrainer.pretrain(init)
                    .settings(settings.build())
                    .examples(data.examples())
                    .datanets(data.versions())
                    .output(out.resolve("model"))
                    .build()
                    .train();
            report(spec, json, r);
            return 0;
        }
    }

    /** {@code factory eval}: loss and perplexity of a base model with and without an adapter. */
    @Command(name = "eval", mixinStandardHelpOptions = true, description = "Loss and perplexity on the records.")
    static final class Eval implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--base", required = true, description = "Hugging Face model directory.")
        Path base;

        @Option(names = "--adapter", description = "PEFT adapter directory.")
        Path adapter;

        @Option(names = "--seq-len", description = "Tokens per example (default: ${DEFAULT-VALUE}).")
        int seqLen = 256;

        @ArgGroup(exclusive = false)
        Source source = new Source();

        @Override
        public Integer call() throws Exception {
            offline();
            List<TrainingExample> ex = source.load().examples();
            FactoryEval.Result b = FactoryEval.evaluate(base, null, ex, seqLen);
            ObjectNode o = JSON.createObjectNode();
            o.put("records", ex.size());
            o.put("tokens", b.tokens());
            o.put("base_loss", b.loss());
            o.put("base_perplexity", b.perplexity());
            if (adapter != null) {
                FactoryEval.Result a = FactoryEval.evaluate(base, adapter, ex, seqLen);
                o.put("adapter_loss", a.loss());
                o.put("adapter_perplexity", a.perplexity());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(JSON.writeValueAsString(o));
            out.flush();
            return 0;
        }
    }
}
