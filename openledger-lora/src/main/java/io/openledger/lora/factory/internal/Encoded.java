package io.openledger.lora.factory.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.openledger.lora.Tokenizer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * A tokenized example: {@code tokens} with the first {@code promptLength} masked out of the loss.
 * Position t predicts token t+1; it counts when token t+1 is not a prompt token.
 *
 * @param id record id
 * @param tokens the tokens, truncated to the sequence length
 * @param promptLength prompt tokens at the start (0 for plain text)
 */
public record Encoded(String id, int[] tokens, int promptLength) {
    /** Tokenizes prompt (with the tokenizer's special tokens) and completion, truncating to {@code seqLength}. */
    public static Encoded of(Tokenizer tok, String id, String prompt, String completion, int seqLength) {
        int[] p = prompt.isEmpty() ? new int[0] : tok.encode(prompt, true);
        int[] c = tok.encode(completion, p.length == 0);
        return of(id, p, c, seqLength);
    }

    /** From token ids. */
    public static Encoded of(String id, int[] prompt, int[] completion, int seqLength) {
        int[] all = new int[prompt.length + completion.length];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        System.arraycopy(completion, 0, all, prompt.length, completion.length);
        if (all.length > seqLength) {
            all = Arrays.copyOf(all, seqLength);
        }
        return new Encoded(id, all, Math.min(prompt.length, all.length));
    }

    /** Positions that carry a label. */
    public int targets() {
        int n = 0;
        for (int t = 0; t + 1 < tokens.length; t++) {
            if (t + 1 >= promptLength) {
                n++;
            }
        }
        return n;
    }

    /**
     * The summed token cross-entropy of this example's labels, times {@code weight}: {@code −Σ_t
     * weight · log softmax(logits_t)[token_{t+1}]}.
     */
    public NDArray loss(TorchLlama m, float weight, float dropout, @Nullable SplittableRandom rnd) {
        NDArray logits = m.logits(tokens, dropout, rnd);
        int vocab = (int) logits.getShape().get(1);
        // label weights as a dense mask (log-softmax is finite, so masked positions contribute exact zeros);
        // no advanced indexing, whose index buffers autograd does not own under DJL
        float[] w = new float[tokens.length * vocab];
        for (int t = 0; t + 1 < tokens.length; t++) {
            if (t + 1 >= promptLength) {
                w[t * vocab + tokens[t + 1]] = weight;
            }
        }
        return logits.logSoftmax(-1)
                .mul(m.manager().create(w, new Shape(tokens.length, vocab)))
                .sum()
                .neg();
    }
}
