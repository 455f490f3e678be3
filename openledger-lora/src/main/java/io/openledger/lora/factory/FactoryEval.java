package io.openledger.lora.factory;

import io.openledger.lora.LoraAdapter;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.SafeTensors;
import io.openledger.lora.Tokenizer;
import io.openledger.lora.factory.internal.Encoded;
import io.openledger.lora.factory.internal.TorchLlama;
import io.openledger.lora.factory.internal.TrainingLoop;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Evaluation of a base model, with or without a PEFT adapter, on records: the token-weighted mean
 * causal-LM cross-entropy over completion tokens (the trainer's validation loss) and its
 * perplexity, on the PyTorch decoder. Stateless and thread-safe.
 */
public final class FactoryEval {
    private FactoryEval() {}

    /**
     * Loss and perplexity.
     *
     * @param loss mean cross-entropy per completion token (nats)
     * @param perplexity exp(loss)
     * @param tokens completion tokens scored
     */
    public record Result(double loss, double perplexity, int tokens) {}

    /**
     * Scores {@code records} (truncated to {@code seqLength} tokens each).
     *
     * @throws IllegalArgumentException if {@code records} is empty or no record has a completion token
     * @throws io.openledger.lora.ModelFormatException if the model or adapter cannot be read
     */
    public static Result evaluate(Path base, @Nullable Path adapter, List<TrainingExample> records, int seqLength) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("records must not be empty");
        }
        ModelConfig cfg = ModelConfig.read(base);
        Tokenizer tok = Tokenizer.load(base);
        List<Encoded> enc = new ArrayList<>();
        for (TrainingExample e : records) {
            Encoded x = Encoded.of(tok, e.id(), e.prompt(), e.completion(), seqLength);
            if (x.targets() > 0) {
                enc.add(x);
            }
        }
        if (enc.isEmpty()) {
            throw new IllegalArgumentException("no record has a completion token within seqLength " + seqLength);
        }
        try (TorchLlama m = TorchLlama.load(base, cfg, false)) {
            if (adapter != null) {
                LoraAdapter a = LoraAdapter.load(adapter, cfg);
                Map<String, float[]> w = new HashMap<>();
                try (SafeTensors st = SafeTensors.open(adapter.resolve(LoraAdapter.WEIGHTS_FILE))) {
                    st.names().forEach(n -> w.put(n, st.floats(n)));
                }
                m.addLora(a.config(), new SplittableRandom(0), w);
            }
            double loss = TrainingLoop.validationLoss(m, enc);
            return new Result(
                    loss,
                    Math.exp(loss),
                    enc.stream().mapToInt(Encoded::targets).sum());
        }
    }
}
