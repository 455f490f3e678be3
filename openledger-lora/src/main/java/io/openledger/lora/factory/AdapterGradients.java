package io.openledger.lora.factory;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import io.openledger.core.contract.LayerGradients;
import io.openledger.core.contract.LoraGradients;
import io.openledger.lora.LoraAdapter;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.SafeTensors;
import io.openledger.lora.Tokenizer;
import io.openledger.lora.factory.internal.Encoded;
import io.openledger.lora.factory.internal.TorchLlama;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Per-example gradients of the causal-LM loss (mean cross-entropy over completion tokens, prompt
 * masked, no dropout) with respect to every {@code lora_A} and {@code lora_B} matrix of a trained
 * adapter, computed with DJL's PyTorch autograd on the same decoder the trainer uses. Layers are
 * named {@code <module>.lora_A} and {@code <module>.lora_B} in layer, then projection order. The
 * training records' gradients are computed once when opened.
 *
 * <p>Thread-safe (queries are serialised: PyTorch autograd here is one collector at a time). Close
 * to release the native tensors.
 */
public final class AdapterGradients implements LoraGradients, AutoCloseable {
    private final TorchLlama model;
    private final Tokenizer tokenizer;
    private final int seqLength;
    private final int vocab;
    private final List<String> layers = new ArrayList<>();
    private final Map<String, LayerGradients> training = new TreeMap<>();

    private AdapterGradients(TorchLlama model, Tokenizer tokenizer, int seqLength, int vocab) {
        this.model = model;
        this.vocab = vocab;
        this.tokenizer = tokenizer;
        this.seqLength = seqLength;
        for (TorchLlama.Lora l : model.loras()) {
            layers.add(l.module() + ".lora_A");
            layers.add(l.module() + ".lora_B");
        }
    }

    /**
     * Loads the base checkpoint and the PEFT adapter and computes the gradient of every record.
     *
     * @throws io.openledger.lora.ModelFormatException if the checkpoint or adapter cannot be read
     * @throws IllegalArgumentException if {@code seqLength} is below 2 or a record has no completion token
     */
    public static AdapterGradients open(Path base, Path adapterDir, List<TrainingExample> records, int seqLength) {
        if (seqLength < 2) {
            throw new IllegalArgumentException("seqLength must be >= 2, got " + seqLength);
        }
        ModelConfig cfg = ModelConfig.read(base);
        LoraAdapter adapter = LoraAdapter.load(adapterDir, cfg);
        Map<String, float[]> weights = new HashMap<>();
        try (SafeTensors st = SafeTensors.open(adapterDir.resolve(LoraAdapter.WEIGHTS_FILE))) {
            st.names().forEach(n -> weights.put(n, st.floats(n)));
        }
        TorchLlama m = TorchLlama.load(base, cfg, false);
        m.addLora(adapter.config(), new SplittableRandom(0), weights);
        AdapterGradients g = new AdapterGradients(m, Tokenizer.load(base), seqLength, cfg.vocabSize());
        for (TrainingExample e : records) {
            Encoded enc = Encoded.of(g.tokenizer, e.id(), e.prompt(), e.completion(), seqLength);
            if (enc.targets() == 0) {
                throw new IllegalArgumentException("record " + e.id() + " has no completion token");
            }
            g.training.put(e.id(), g.gradient(enc));
        }
        return g;
    }

    private synchronized LayerGradients gradient(Encoded e) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            model.materialize();
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                gc.backward(e.loss(model, 1f / e.targets(), 0f, null));
            }
            Map<String, float[]> g = model.gradients();
            List<float[]> perLayer = new ArrayList<>();
            for (TorchLlama.Lora l : model.loras()) {
                perLayer.add(g.get(l.a()));
                perLayer.add(g.get(l.b()));
            }
            return LayerGradients.of(perLayer);
        }
    }

    /** The tokenizer of the base model (to turn query text into tokens). */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public List<String> layers() {
        return List.copyOf(layers);
    }

    @Override
    public List<String> trainingIds() {
        return new ArrayList<>(training.keySet());
    }

    @Override
    public Optional<LayerGradients> training(String recordId) {
        return Optional.ofNullable(training.get(recordId));
    }

    @Override
    public LayerGradients query(int[] promptTokens, int[] outputTokens) {
        if (outputTokens.length == 0) {
            throw new IllegalArgumentException("outputTokens must not be empty");
        }
        for (int[] part : new int[][] {promptTokens, outputTokens}) {
            for (int t : part) {
                if (t < 0 || t >= vocab) {
                    throw new IllegalArgumentException(
                            "token id " + t + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
        }
        return gradient(Encoded.of("query", promptTokens, outputTokens, seqLength));
    }

    @Override
    public synchronized void close() {
        model.close();
    }
}
