package io.openledger.lora.factory;

import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.lora.factory.internal.TrainingLoop;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Trains a LoRA adapter on a Llama-family checkpoint (a Hugging Face directory: config.json,
 * safetensors, tokenizer.json), or pre-trains every weight of a small model, on DJL's PyTorch engine
 * (CPU). The loss is the causal-LM token cross-entropy over completion tokens (prompts masked),
 * averaged over the tokens of each optimizer step; AdamW with linear warm-up and cosine decay
 * (transformers' {@code get_cosine_schedule_with_warmup}) and global gradient-norm clipping.
 *
 * <p>The records are split into train and validation by SHA-256 of (seed, record id), so the split
 * does not depend on record order. Each epoch visits the training split in a seed-determined order;
 * LoRA initialisation and dropout masks come from the seed too, so a run is reproducible for a seed
 * and a resumed run continues exactly where the checkpoint left off.
 *
 * <p>Output in LoRA mode: {@code adapter_config.json} and {@code adapter_model.safetensors} as PEFT
 * writes them (tensor names {@code base_model.model.<module>.lora_A.weight}, F32), which {@link
 * io.openledger.lora.LoraAdapter#load} reads unchanged; in pre-training mode a full checkpoint
 * ({@code config.json}, {@code model.safetensors}, {@code tokenizer.json}). Both get {@code
 * provenance.json} (base hash, datanet versions, record ids, settings, loss curve, weights hash) and
 * {@code metrics.jsonl}; checkpoints go to {@code checkpoints/step-N/}.
 *
 * <p>A trainer runs once; it is not thread-safe.
 */
public final class FactoryTrainer {
    private final Builder b;

    private FactoryTrainer(Builder b) {
        this.b = b;
    }

    /** A LoRA fine-tuning run on the checkpoint in {@code base}. */
    public static Builder lora(Path base) {
        return new Builder(base, false);
    }

    /** A pre-training run that trains every weight of the checkpoint in {@code init}. */
    public static Builder pretrain(Path init) {
        return new Builder(init, true);
    }

    /**
     * Trains and writes the output.
     *
     * @throws IllegalArgumentException if no record is left for training, or a record tokenizes to
     *     fewer than two tokens
     * @throws io.openledger.lora.ModelFormatException if the checkpoint or tokenizer cannot be read
     * @throws java.io.UncheckedIOException if the output cannot be written
     */
    public TrainingReport train() {
        return new TrainingLoop(
                        b.base,
                        b.full,
                        b.settings,
                        b.examples,
                        b.datanets,
                        Objects.requireNonNull(b.output),
                        b.resume,
                        b.maxSteps)
                .run();
    }

    /** Collects the run's inputs; not thread-safe. */
    public static final class Builder {
        private final Path base;
        private final boolean full;
        private TrainingSettings settings = TrainingSettings.builder().build();
        private List<TrainingExample> examples = List.of();
        private List<DatanetVersionRef> datanets = List.of();
        private @Nullable Path output;
        private boolean resume;
        private int maxSteps = Integer.MAX_VALUE;

        private Builder(Path base, boolean full) {
            this.base = Objects.requireNonNull(base, "base");
            this.full = full;
        }

        /** The settings (defaults: {@link TrainingSettings#builder()}). */
        public Builder settings(TrainingSettings s) {
            this.settings = Objects.requireNonNull(s, "settings");
            return this;
        }

        /**
         * The records to split and train on.
         *
         * @throws IllegalArgumentException if empty or two records share an id
         */
        public Builder examples(List<TrainingExample> ex) {
            if (ex.isEmpty()) {
                throw new IllegalArgumentException("examples must not be empty");
            }
            if (ex.stream().map(TrainingExample::id).distinct().count() != ex.size()) {
                throw new IllegalArgumentException("examples must have distinct ids");
            }
            this.examples = new ArrayList<>(ex);
            return this;
        }

        /** The datanet versions the records come from (recorded in the manifest). */
        public Builder datanets(List<DatanetVersionRef> refs) {
            this.datanets = List.copyOf(refs);
            return this;
        }

        /** Where the output goes (created if missing). */
        public Builder output(Path dir) {
            this.output = Objects.requireNonNull(dir, "output");
            return this;
        }

        /** Resume from the latest checkpoint under the output directory, if there is one. */
        public Builder resume(boolean on) {
            this.resume = on;
            return this;
        }

        /**
         * Stop after this many optimizer steps in total (the schedule still spans the full run), as
         * an interrupted run would; a later {@code resume} continues.
         *
         * @throws IllegalArgumentException if {@code n} is below 1
         */
        public Builder maxSteps(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxSteps must be >= 1, got " + n);
            }
            this.maxSteps = n;
            return this;
        }

        /**
         * The trainer.
         *
         * @throws IllegalStateException if examples or output are missing
         */
        public FactoryTrainer build() {
            if (examples.isEmpty()) {
                throw new IllegalStateException("examples are required");
            }
            if (output == null) {
                throw new IllegalStateException("output is required");
            }
            return new FactoryTrainer(this);
        }
    }
}
