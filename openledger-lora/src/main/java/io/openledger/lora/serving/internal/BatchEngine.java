package io.openledger.lora.serving.internal;

import io.openledger.lora.LoraAdapter;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.WeightFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One forward pass over a batch of sequence chunks that may each use a different adapter (or none).
 * The CPU implementation is {@link CpuBatchEngine}; a GPU one would implement the same contract.
 */
public interface BatchEngine extends AutoCloseable {
    /** A chunk of one sequence in a batch: tokens appended at its current position. */
    final class Work {
        final Sequence seq;
        final int[] tokens;
        final @Nullable LoraAdapter adapter;
        final boolean wantLogits;
        float @Nullable [] logits;

        /** A chunk; {@code wantLogits} asks for the logits after its last token. */
        public Work(Sequence seq, int[] tokens, @Nullable LoraAdapter adapter, boolean wantLogits) {
            this.seq = seq;
            this.tokens = tokens;
            this.adapter = adapter;
            this.wantLogits = wantLogits;
        }

        /** Tokens in the chunk. */
        public int length() {
            return tokens.length;
        }

        /**
         * The sequence's logits array, sized for {@code vocab} and made this chunk's logits: an
         * engine writes the chunk's logits into it.
         */
        float[] logitsTarget(int vocab) {
            Sequence s = seq;
            if (s.logits.length != vocab) {
                s.logits = new float[vocab];
            }
            logits = s.logits;
            return s.logits;
        }

        /**
         * The logits after the chunk's last token (only if asked for, after {@link #step}). The
         * array belongs to the sequence and is overwritten by its next step that asks for logits:
         * read it (sample) before then.
         */
        public float[] logits() {
            float[] l = logits;
            if (l == null) {
                throw new IllegalStateException("no logits were requested for this chunk");
            }
            return l;
        }
    }

    /**
     * Checks a batch before a pass: no empty chunk, every token inside the vocabulary.
     *
     * @return the rows of the pass (tokens over all chunks)
     * @throws IllegalArgumentException if a chunk is empty or a token is out of range
     */
    static int rowsOf(List<Work> batch, int vocabSize) {
        int t = 0;
        for (Work w : batch) {
            if (w.tokens.length == 0) {
                throw new IllegalArgumentException("empty chunk");
            }
            for (int tok : w.tokens) {
                if (tok < 0 || tok >= vocabSize) {
                    throw new IllegalArgumentException("token " + tok + " outside vocabulary 0.." + (vocabSize - 1));
                }
            }
            t += w.tokens.length;
        }
        return t;
    }

    /** The base model config. */
    ModelConfig config();

    /** The paged KV cache. */
    KvPool kv();

    /** Bytes of base weights one pass reads. */
    long decodeBytes();

    /** The form the base weights are held in. */
    WeightFormat weights();

    /** Runs all chunks in one pass and advances each sequence's position. */
    void step(List<Work> batch);

    @Override
    void close();
}
