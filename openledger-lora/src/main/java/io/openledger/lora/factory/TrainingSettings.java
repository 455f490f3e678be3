package io.openledger.lora.factory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Trainer settings (LLaMA-Factory / PEFT names in brackets). Immutable; build with {@link
 * #builder()}, whose setters fail at once with the parameter name and allowed range.
 *
 * @param targetModules module names LoRA wraps [lora_target], e.g. q_proj, v_proj, or "all-linear"
 * @param rank LoRA rank [lora_rank]
 * @param alpha LoRA alpha [lora_alpha]
 * @param rsLora rank-stabilised scaling alpha/√r instead of alpha/r [use_rslora]
 * @param dropout LoRA dropout probability on the adapter input [lora_dropout]
 * @param learningRate peak learning rate of AdamW
 * @param weightDecay decoupled AdamW weight decay
 * @param epochs passes over the training split
 * @param batchSize examples per micro-batch
 * @param gradAccumulation micro-batches per optimizer step
 * @param seqLength tokens kept per example (longer ones are truncated) [cutoff_len]
 * @param seed seed of the split, the order, LoRA init and dropout masks
 * @param warmupSteps linear warm-up steps before the cosine decay
 * @param maxGradNorm global gradient-norm clip (0 = off)
 * @param validationFraction share of records held out for validation
 * @param checkpointEvery optimizer steps between checkpoints (0 = none)
 * @param progress whether to draw a progress bar on stderr
 */
public record TrainingSettings(
        List<String> targetModules,
        int rank,
        double alpha,
        boolean rsLora,
        double dropout,
        double learningRate,
        double weightDecay,
        int epochs,
        int batchSize,
        int gradAccumulation,
        int seqLength,
        long seed,
        int warmupSteps,
        double maxGradNorm,
        double validationFraction,
        int checkpointEvery,
        boolean progress) {

    /** Copies the list. */
    public TrainingSettings {
        targetModules = List.copyOf(targetModules);
    }

    /** A builder with the defaults: q_proj,v_proj, r 8, alpha 16, lr 2e-4, 3 epochs, batch 4, seq 256. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.targetModules = targetModules;
        b.rank = rank;
        b.alpha = alpha;
        b.rsLora = rsLora;
        b.dropout = dropout;
        b.learningRate = learningRate;
        b.weightDecay = weightDecay;
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.gradAccumulation = gradAccumulation;
        b.seqLength = seqLength;
        b.seed = seed;
        b.warmupSteps = warmupSteps;
        b.maxGradNorm = maxGradNorm;
        b.validationFraction = validationFraction;
        b.checkpointEvery = checkpointEvery;
        b.progress = progress;
        return b;
    }

    /** These settings as JSON object text (for the manifest and checkpoints). */
    public String toJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode o = json.createObjectNode();
        targetModules.forEach(o.putArray("target_modules")::add);
        o.put("rank", rank);
        o.put("alpha", alpha);
        o.put("use_rslora", rsLora);
        o.put("dropout", dropout);
        o.put("learning_rate", learningRate);
        o.put("weight_decay", weightDecay);
        o.put("epochs", epochs);
        o.put("batch_size", batchSize);
        o.put("grad_accumulation", gradAccumulation);
        o.put("seq_length", seqLength);
        o.put("seed", seed);
        o.put("warmup_steps", warmupSteps);
        o.put("max_grad_norm", maxGradNorm);
        o.put("validation_fraction", validationFraction);
        try {
            return json.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Collects settings; not thread-safe. */
    public static final class Builder {
        private List<String> targetModules = List.of("q_proj", "v_proj");
        private int rank = 8;
        private double alpha = 16;
        private boolean rsLora;
        private double dropout;
        private double learningRate = 2e-4;
        private double weightDecay;
        private int epochs = 3;
        private int batchSize = 4;
        private int gradAccumulation = 1;
        private int seqLength = 256;
        private long seed = 42;
        private int warmupSteps;
        private double maxGradNorm = 1.0;
        private double validationFraction = 0.1;
        private int checkpointEvery;
        private boolean progress;

        private Builder() {}

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }

        /** @throws IllegalArgumentException if {@code modules} is empty or holds a blank name */
        public Builder targetModules(List<String> modules) {
            check(
                    !modules.isEmpty() && modules.stream().noneMatch(String::isBlank),
                    "targetModules must be non-empty names");
            this.targetModules = List.copyOf(modules);
            return this;
        }

        /** @throws IllegalArgumentException unless {@code rank} is in [1, 1024] */
        public Builder rank(int rank) {
            check(rank >= 1 && rank <= 1024, "rank must be in [1, 1024], got " + rank);
            this.rank = rank;
            return this;
        }

        /** @throws IllegalArgumentException unless {@code alpha} is in (0, 1e6] */
        public Builder alpha(double alpha) {
            check(alpha > 0 && alpha <= 1e6, "alpha must be in (0, 1e6], got " + alpha);
            this.alpha = alpha;
            return this;
        }

        /** Rank-stabilised LoRA scaling (alpha/√r). */
        public Builder rsLora(boolean on) {
            this.rsLora = on;
            return this;
        }

        /** @throws IllegalArgumentException unless {@code p} is in [0, 1) */
        public Builder dropout(double p) {
            check(p >= 0 && p < 1, "dropout must be in [0, 1), got " + p);
            this.dropout = p;
            return this;
        }

        /** @throws IllegalArgumentException unless {@code lr} is in (0, 10] */
        public Builder learningRate(double lr) {
            check(lr > 0 && lr <= 10, "learningRate must be in (0, 10], got " + lr);
            this.learningRate = lr;
            return this;
        }

        /** @throws IllegalArgumentException unless {@code wd} is in [0, 1] */
        public Builder weightDecay(double wd) {
            check(wd >= 0 && wd <= 1, "weightDecay must be in [0, 1], got " + wd);
            this.weightDecay = wd;
            return this;
        }

        /** @throws IllegalArgumentException unless {@code epochs} is in [1, 10000] */
        public Builder epochs(int epochs) {
            check(epochs >= 1 && epochs <= 10_000, "epochs must be in [1, 10000], got " + epochs);
            this.epochs = epochs;
            return this;
        }

        /** @throws IllegalArgumentException unless {@code n} is in [1, 4096] */
        public Builder batchSize(int n) {
            check(n >= 1 && n <= 4096, "batchSize must be in [1, 4096], got " + n);
            this.batchSize = n;
            return this;
        }

        /** @throws IllegalArgumentException unless {@code n} is in [1, 1024] */
        public Builder gradAccumulation(int n) {
            check(n >= 1 && n <= 1024, "gradAccumulation must be in [1, 1024], got " + n);
            this.gradAccumulation = n;
            return this;
        }

        /** @throws IllegalArgumentException unless {@code n} is in [2, 131072] */
        public Builder seqLength(int n) {
            check(n >= 2 && n <= 131_072, "seqLength must be in [2, 131072], got " + n);
            this.seqLength = n;
            return this;
        }

        /** Any seed. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @throws IllegalArgumentException unless {@code n} is in [0, 1000000] */
        public Builder warmupSteps(int n) {
            check(n >= 0 && n <= 1_000_000, "warmupSteps must be in [0, 1000000], got " + n);
            this.warmupSteps = n;
            return this;
        }

        /** @throws IllegalArgumentException unless {@code norm} is in [0, 1e6] (0 = no clipping) */
        public Builder maxGradNorm(double norm) {
            check(norm >= 0 && norm <= 1e6, "maxGradNorm must be in [0, 1e6], got " + norm);
            this.maxGradNorm = norm;
            return this;
        }

        /** @throws IllegalArgumentException unless {@code f} is in [0, 0.9] */
        public Builder validationFraction(double f) {
            check(f >= 0 && f <= 0.9, "validationFraction must be in [0, 0.9], got " + f);
            this.validationFraction = f;
            return this;
        }

        /** @throws IllegalArgumentException unless {@code steps} is in [0, 1000000] */
        public Builder checkpointEvery(int steps) {
            check(steps >= 0 && steps <= 1_000_000, "checkpointEvery must be in [0, 1000000], got " + steps);
            this.checkpointEvery = steps;
            return this;
        }

        /** Draw a progress bar with the running loss on stderr. */
        public Builder progress(boolean on) {
            this.progress = on;
            return this;
        }

        /** The settings. */
        public TrainingSettings build() {
            return new TrainingSettings(
                    targetModules,
                    rank,
                    alpha,
                    rsLora,
                    dropout,
                    learningRate,
                    weightDecay,
                    epochs,
                    batchSize,
                    gradAccumulation,
                    seqLength,
                    seed,
                    warmupSteps,
                    maxGradNorm,
                    validationFraction,
                    checkpointEvery,
                    progress);
        }
    }
}
