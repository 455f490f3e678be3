package io.openledger.lora.factory;

import io.openledger.core.Hash;
import java.nio.file.Path;
import java.util.List;

/**
 * What a training run produced. Immutable.
 *
 * @param output the output directory (PEFT adapter, or a full checkpoint when pre-training)
 * @param steps optimizer steps taken in total
 * @param trainIds record ids in the training split, sorted
 * @param validationIds record ids in the validation split, sorted
 * @param lossCurve mean training loss of every optimizer step
 * @param baseValidationLoss validation loss before training (NaN without a validation split)
 * @param validationLoss validation loss after training (NaN without a validation split)
 * @param artifactHash SHA-256 of the written weights file (adapter_model.safetensors or model.safetensors)
 */
public record TrainingReport(
        Path output,
        int steps,
        List<String> trainIds,
        List<String> validationIds,
        List<Double> lossCurve,
        double baseValidationLoss,
        double validationLoss,
        Hash artifactHash) {
    /** Copies the lists. */
    public TrainingReport {
        trainIds = List.copyOf(trainIds);
        validationIds = List.copyOf(validationIds);
        lossCurve = List.copyOf(lossCurve);
    }

    /** exp(validation loss). */
    public double validationPerplexity() {
        return Math.exp(validationLoss);
    }
}
