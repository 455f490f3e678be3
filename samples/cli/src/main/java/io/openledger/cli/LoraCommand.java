package io.openledger.cli;

import io.openledger.lora.AdapterConfig;
import io.openledger.lora.AdapterMerge;
import io.openledger.lora.DType;
import io.openledger.lora.LlamaModel;
import io.openledger.lora.LoraAdapter;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.Sampler;
import io.openledger.lora.TestModels;
import io.openledger.lora.Tokenizer;
import io.openledger.lora.WeightFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code openledger lora …}: run Llama-family models with PEFT adapters, and generate test ones. */
@Command(
        name = "lora",
        mixinStandardHelpOptions = true,
        description = "Llama-family models with LoRA adapters on the pure-Java CPU engine.",
        subcommands = {
            LoraCommand.Logits.class,
            LoraCommand.Generate.class,
            LoraCommand.MakeTestModel.class,
            LoraCommand.MakeTestAdapter.class,
            LoraCommand.Merge.class,
            LoraServeBench.Cmd.class
        })
public final class LoraCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static LlamaModel load(Path model, @Nullable WeightFormat weights) {
        LlamaModel.Builder b = LlamaModel.builder(model);
        return (weights == null ? b : b.weights(weights)).build();
    }

    /** The model and adapter options that {@code logits} and {@code generate} share. */
    static final class ModelOptions {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @Option(
                names = "--model",
                required = true,
                description = "Hugging Face model directory (with tokenizer.json for generate).")
        Path model;

        @Option(names = "--adapter", description = "PEFT adapter directory (applied unmerged).")
        @Nullable
        Path adapter;

        @Option(
                names = "--adapter-scale",
                defaultValue = "1",
                description = "Factor on the adapter's scaling: 0 = base model, 2 = twice the alpha (default 1).")
        float adapterScale;

        @Option(
                names = "--weights",
                description = "In-memory weights: ${COMPLETION-CANDIDATES} (default: as stored, BF16 for a"
                        + " bfloat16 checkpoint, else F32).")
        @Nullable
        WeightFormat weights;

        LlamaModel load() {
            return LoraCommand.load(model, weights);
        }

        // the adapter at the given scale, or null without one (a scale then is a usage error)
        @Nullable
        LoraAdapter adapter(LlamaModel m) {
            if (!Float.isFinite(adapterScale)) {
                throw new ParameterException(spec.commandLine(), "--adapter-scale must be finite, got " + adapterScale);
            }
            if (adapter == null) {
                if (adapterScale != 1f) {
                    throw new ParameterException(spec.commandLine(), "--adapter-scale needs --adapter");
                }
                return null;
            }
            return LoraAdapter.load(adapter, m.config()).scaled(adapterScale);
        }
    }

    /** {@code lora logits}: float32 logits at the last position as one JSON object. */
    @Command(
            name = "logits",
            mixinStandardHelpOptions = true,
            description = "Print {\"logits\":[...]} at the last position.")
    static final class Logits implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ModelOptions opts;

        @Option(names = "--tokens", required = true, split = ",", description = "Comma-separated token ids.")
        int[] tokens;

        @Override
        public Integer call() {
            try (LlamaModel m = opts.load()) {
                LoraAdapter a = opts.adapter(m);
                float[] logits = m.logits(tokens, a);
                StringBuilder sb = new StringBuilder(logits.length * 12).append("{\"logits\":[");
                for (int i = 0; i < logits.length; i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    float v = logits[i];
                    sb.append(Float.isFinite(v) ? Float.toString(v) : "null");
                }
                PrintWriter out = spec.commandLine().getOut();
                out.println(sb.append("]}"));
                out.flush();
            }
            return 0;
        }
    }

    /** {@code lora generate}: encode a prompt, sample tokens, print the text. */
    @Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate text from a prompt.")
    static final class Generate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ModelOptions opts;

        @Option(names = "--prompt", required = true, description = "Prompt text.")
        String prompt;

        @Option(names = "--max-tokens", required = true, description = "Tokens to generate at most.")
        int maxTokens;

        @Option(
                names = "--seed",
                description = "Sample (temperature 0.8, top-p 0.95) with this seed; without it decoding is greedy.")
        Long seed;

        @Override
        public Integer call() {
            Tokenizer tok = Tokenizer.load(opts.model);
            try (LlamaModel m = opts.load()) {
                LoraAdapter a = opts.adapter(m);
                Sampler sampler = seed == null ? Sampler.greedy() : new Sampler(0.8, 0, 0.95, seed);
                int[] ids = tok.encode(prompt, true);
                long t0 = System.nanoTime();
                List<Integer> out = m.generate(ids, a, maxTokens, sampler, tok.specialIds());
                double s = (System.nanoTime() - t0) / 1e9;
                PrintWriter w = spec.commandLine().getOut();
                w.println(tok.decode(out.stream().mapToInt(Integer::intValue).toArray(), true));
                spec.commandLine()
                        .getErr()
                        .printf(
                                "%d prompt tokens, %d generated in %.2f s (%s, %s)%n",
                                ids.length, out.size(), s, m.kernelsId(), opts.weights);
                w.flush();
            }
            return 0;
        }
    }

    /** {@code lora make-test-model}: a random Llama-family checkpoint with a trained BPE tokenizer. */
    @Command(name = "make-test-model", mixinStandardHelpOptions = true, description = "Write a random test model.")
    static final class MakeTestModel implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true)
        Path out;

        @Option(names = "--arch", required = true, description = "llama, mistral or qwen2.")
        String arch;

        @Option(names = "--layers", required = true)
        int layers;

        @Option(names = "--hidden", required = true)
        int hidden;

        @Option(names = "--heads", required = true)
        int heads;

        @Option(names = "--kv-heads", required = true)
        int kvHeads;

        @Option(names = "--intermediate", required = true)
        int intermediate;

        @Option(names = "--vocab", required = true)
        int vocab;

        @Option(names = "--seed", defaultValue = "0")
        long seed;

        @Option(names = "--dtype", defaultValue = "F32", description = "Stored dtype: F32, F16 or BF16.")
        DType dtype;

        @Override
        public Integer call() {
            ModelConfig c = TestModels.config(
                    ModelConfig.Architecture.fromName(arch), layers, hidden, heads, kvHeads, intermediate, vocab);
            TestModels.writeModel(out, c, seed, dtype, 1);
            spec.commandLine()
                    .getOut()
                    .printf("wrote %s model, %,d parameters, to %s%n", arch, c.parameterCount(), out);
            return 0;
        }
    }

    /** {@code lora make-test-adapter}: a random PEFT adapter for a model directory. */
    @Command(name = "make-test-adapter", mixinStandardHelpOptions = true, description = "Write a random PEFT adapter.")
    static final class MakeTestAdapter implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--model", required = true)
        Path model;

        @Option(names = "--out", required = true)
        Path out;

        @Option(names = "--rank", required = true)
        int rank;

        @Option(names = "--alpha", required = true)
        double alpha;

        @Option(names = "--targets", required = true, split = ",", description = "e.g. q_proj,v_proj or all-linear.")
        String[] targets;

        @Option(names = "--seed", defaultValue = "0")
        long seed;

        @Override
        public Integer call() {
            ModelConfig base = ModelConfig.read(model);
            List<String> t = Arrays.asList(targets);
            AdapterConfig cfg = t.equals(List.of("all-linear"))
                    ? new AdapterConfig(
                            rank,
                            alpha,
                            false,
                            java.util.Map.of(),
                            java.util.Map.of(),
                            List.of(),
                            "all-linear",
                            List.of(),
                            List.of(),
                            false,
                            model.toString())
                    : new AdapterConfig(
                            rank,
                            alpha,
                            false,
                            java.util.Map.of(),
                            java.util.Map.of(),
                            t,
                            null,
                            List.of(),
                            List.of(),
                            false,
                            model.toString());
            TestModels.writeAdapter(out, base, cfg, seed, DType.F32);
            spec.commandLine().getOut().printf("wrote rank-%d adapter on %s to %s%n", rank, t, out);
            return 0;
        }
    }

    /** {@code lora merge}: combine PEFT adapters into one ({@link AdapterMerge}). */
    @Command(
            name = "merge",
            mixinStandardHelpOptions = true,
            description = "Merge PEFT adapters of one base model into a new PEFT adapter (PEFT's combination types).")
    static final class Merge implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--model", required = true, description = "The base model directory (config.json).")
        Path model;

        @Option(names = "--out", required = true, description = "A new directory for the merged adapter.")
        Path out;

        @Option(
                names = "--strategy",
                defaultValue = "cat",
                description = "cat (exact weighted sum, any ranks), linear, magnitude_prune, ties, dare_linear,"
                        + " dare_ties (one rank per module), svd (the weighted sum cut to --rank), magnitude_prune_svd,"
                        + " ties_svd, dare_linear_svd, dare_ties_svd (pruning on the dense deltas, any ranks, cut to"
                        + " --rank) (default cat).")
        String strategy;

        @Option(
                names = "--density",
                defaultValue = "1",
                description = "Fraction of elements the pruning strategies keep, 0..1 (default 1).")
        double density;

        @Option(
                names = "--majority-sign",
                defaultValue = "TOTAL",
                description = "How TIES elects signs: ${COMPLETION-CANDIDATES} (default TOTAL).")
        AdapterMerge.MajoritySign majoritySign;

        @Option(
                names = "--seed",
                defaultValue = "0",
                description = "The seed of DARE's drops and of the *_svd strategies' sketch (default 0).")
        long seed;

        @Option(
                names = "--rank",
                defaultValue = "0",
                description = "Ranks the svd strategies keep per module (default 0: the largest rank merged there).")
        int rank;

        @Option(
                names = "--clamp",
                defaultValue = "0",
                description = "PEFT's svd_clamp: the quantile at which the svd strategies clamp A and B, 0..1"
                        + " (default 0: no clamp).")
        double clamp;

        @Option(names = "--no-progress", description = "No progress bar on stderr.")
        boolean noProgress;

        @Parameters(arity = "1..*", paramLabel = "DIR=WEIGHT", description = "An adapter directory and its weight.")
        List<String> parts;

        @Override
        public Integer call() {
            ModelConfig base = ModelConfig.read(model);
            List<LoraAdapter> adapters = new java.util.ArrayList<>();
            double[] weights = new double[parts.size()];
            for (int i = 0; i < parts.size(); i++) {
                String p = parts.get(i);
                int eq = p.lastIndexOf('=');
                if (eq <= 0) {
                    throw new ParameterException(spec.commandLine(), "'" + p + "' is not DIR=WEIGHT");
                }
                try {
                    weights[i] = Double.parseDouble(p.substring(eq + 1));
                } catch (NumberFormatException e) {
                    throw new ParameterException(spec.commandLine(), "'" + p + "': the weight is not a number");
                }
                adapters.add(LoraAdapter.load(Path.of(p.substring(0, eq)), base));
            }
            AdapterMerge recipe;
            try {
                recipe = AdapterMerge.of(AdapterMerge.Strategy.of(strategy), weights)
                        .withDensity(density)
                        .withMajoritySign(majoritySign)
                        .withSeed(seed)
                        .withRank(rank)
                        .withClamp(clamp);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            AdapterMerge.Result r;
            // a bar on stderr, module by module (stdout keeps its one JSON line)
            try (ProgressBar bar = noProgress
                    ? null
                    : new ProgressBarBuilder()
                            .setTaskName("merge " + recipe.strategy().id())
                            .setStyle(ProgressBarStyle.ASCII)
                            .setUnit(" modules", 1)
                            .build()) {
                r = recipe.write(out, base, adapters, (done, total) -> {
                    if (bar != null) {
                        bar.maxHint(total);
                        bar.stepTo(done);
                    }
                });
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter w = spec.commandLine().getOut();
            w.printf(
                    "{\"strategy\":\"%s\",\"adapters\":%d,\"modules\":%d,\"max_rank\":%d,\"parameters\":%d,\"dir\":\"%s\"}%n",
                    recipe.strategy().id(),
                    adapters.size(),
                    r.modules(),
                    r.maxRank(),
                    r.parameters(),
                    r.dir().toString().replace("\\", "\\\\").replace("\"", "\\\""));
            w.flush();
            return 0;
        }
    }
}
