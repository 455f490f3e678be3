package io.openledger.attribution.internal;

import io.openledger.attribution.Corpus;
import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.spi.EmbeddingProvider;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.contract.LayerGradients;
import io.openledger.core.contract.LoraGradients;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A model-free stand-in for LoRA gradients, for corpora without a trained adapter: the gradient of
 * the logistic loss {@code −log σ(θ·φ(x))} of a linear model over the embedding φ at θ = 0, which is
 * {@code −φ(x)/2}, split into two "layers" (the two halves of φ). DataInf over it is a Hessian-
 * reweighted similarity. Immutable and thread-safe.
 */
public final class HashedGradients implements LoraGradients {
    private final EmbeddingProvider embeddings;
    private final Map<String, LayerGradients> byId = new TreeMap<>();

    /** Gradients of every record of {@code corpus}. */
    public HashedGradients(Corpus corpus, EmbeddingProvider embeddings) {
        this.embeddings = embeddings;
        for (DatanetVersionRef v : corpus.versions()) {
            for (CorpusRecord r : corpus.records(v)) {
                byId.put(r.id(), of(r.tokens()));
            }
        }
    }

    private LayerGradients of(int[] tokens) {
        float[] e = embeddings.embed(tokens);
        int half = e.length / 2;
        float[] a = new float[half];
        float[] b = new float[e.length - half];
        for (int i = 0; i < e.length; i++) {
            float g = -0.5f * e[i];
            if (i < half) {
                a[i] = g;
            } else {
                b[i - half] = g;
            }
        }
        return LayerGradients.of(List.of(a, b));
    }

    @Override
    public List<String> layers() {
        return List.of("phi.lo", "phi.hi");
    }

    @Override
    public List<String> trainingIds() {
        return new ArrayList<>(byId.keySet());
    }

    @Override
    public Optional<LayerGradients> training(String recordId) {
        return Optional.ofNullable(byId.get(recordId));
    }

    @Override
    public LayerGradients query(int[] promptTokens, int[] outputTokens) {
        if (outputTokens.length == 0) {
            throw new IllegalArgumentException("outputTokens must not be empty");
        }
        return of(outputTokens);
    }
}
