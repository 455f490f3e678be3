package io.openledger.lora.internal;

import io.openledger.lora.DType;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.ModelFormatException;
import io.openledger.lora.Projection;
import io.openledger.lora.SafeTensors;
import io.openledger.lora.TensorInfo;
import io.openledger.lora.WeightFormat;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Loading steps shared by the single-request and the batched engine, so both read a checkpoint alike. */
public final class ModelLoading {
    private ModelLoading() {}

    /**
     * The tensor {@code name} as floats, checked to have exactly {@code shape} and a float-convertible
     * dtype.
     *
     * @throws ModelFormatException naming {@code where} and the tensor otherwise
     */
    public static float[] tensor(SafeTensors st, String where, String name, long... shape) {
        TensorInfo info =
                st.find(name).orElseThrow(() -> new ModelFormatException(where, "missing tensor '" + name + "'"));
        List<Long> want = new ArrayList<>();
        for (long d : shape) {
            want.add(d);
        }
        if (!info.shape().equals(want)) {
            throw new ModelFormatException(
                    where, "tensor '" + name + "' has shape " + info.shape() + ", expected " + want);
        }
        if (!info.dtype().isFloatConvertible()) {
            throw new ModelFormatException(where, "tensor '" + name + "' has dtype " + info.dtype());
        }
        return st.floats(name);
    }

    /** A decoder layer's weights: the projections by {@link Projection} ordinal, biases, norms. */
    public record Layer(
            Matrix[] w,
            float @Nullable [] qBias,
            float @Nullable [] kBias,
            float @Nullable [] vBias,
            float[] attnNorm,
            float[] mlpNorm) {}

    /**
     * A checkpoint's weights as both engines hold them.
     *
     * @param format the form of the linear weights (projections and LM head)
     * @param embed the token embedding, float32
     * @param layers the decoder layers
     * @param finalNorm the final RMSNorm's weight
     * @param lmHead the LM head (the embedding itself when tied and held as F32)
     */
    public record Weights(WeightFormat format, Matrix embed, Layer[] layers, float[] finalNorm, Matrix lmHead) {}

    /**
     * Reads every weight of {@code c} from {@code st}, the linear ones in {@code requested} (null:
     * {@link #storedFormat}).
     *
     * @throws ModelFormatException naming {@code where} and the tensor for a missing or misshapen one
     */
    public static Weights load(ModelConfig c, SafeTensors st, @Nullable WeightFormat requested, String where) {
        WeightFormat f = requested != null ? requested : storedFormat(c, st);
        int h = c.hiddenSize();
        int kvDim = c.kvHeads() * c.headDim();
        Matrix embed =
                Matrix.of("F32", tensor(st, where, "model.embed_tokens.weight", c.vocabSize(), h), c.vocabSize(), h);
        Layer[] layers = new Layer[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            Matrix[] w = new Matrix[Projection.values().length];
            for (Projection p : Projection.values()) {
                int out = p.outFeatures(c);
                int in = p.inFeatures(c);
                w[p.ordinal()] = Matrix.of(f.name(), tensor(st, where, p.path(l) + ".weight", out, in), out, in);
            }
            String pre = "model.layers." + l + ".";
            float[] qb = null;
            float[] kb = null;
            float[] vb = null;
            if (c.attentionBias()) {
                qb = tensor(st, where, pre + "self_attn.q_proj.bias", (long) c.heads() * c.headDim());
                kb = tensor(st, where, pre + "self_attn.k_proj.bias", kvDim);
                vb = tensor(st, where, pre + "self_attn.v_proj.bias", kvDim);
            }
            layers[l] = new Layer(
                    w,
                    qb,
                    kb,
                    vb,
                    tensor(st, where, pre + "input_layernorm.weight", h),
                    tensor(st, where, pre + "post_attention_layernorm.weight", h));
        }
        float[] norm = tensor(st, where, "model.norm.weight", h);
        Matrix head;
        if (st.find("lm_head.weight").isPresent()) {
            head = Matrix.of(f.name(), tensor(st, where, "lm_head.weight", c.vocabSize(), h), c.vocabSize(), h);
        } else if (c.tieWordEmbeddings()) {
            head = f == WeightFormat.F32 ? embed : Matrix.of(f.name(), embed.toFloats(), c.vocabSize(), h);
        } else {
            throw new ModelFormatException(where, "missing tensor 'lm_head.weight' (tie_word_embeddings is false)");
        }
        return new Weights(f, embed, layers, norm, head);
    }

    /**
     * The format the engine holds a checkpoint's linear weights in when the caller names none: BF16
     * when every weight it converts is stored as bfloat16 (the projections of every layer, and {@code
     * lm_head}, or the embedding it is tied to), since bfloat16 then holds them exactly, in half the
     * memory, and gives the same bits (the BF16 kernels keep the float32 kernels' order); F32
     * otherwise, which holds float32 and float16 weights exactly.
     */
    public static WeightFormat storedFormat(ModelConfig c, SafeTensors st) {
        List<String> names = new ArrayList<>();
        for (int l = 0; l < c.layers(); l++) {
            for (Projection p : Projection.values()) {
                names.add(p.path(l) + ".weight");
            }
        }
        names.add(st.find("lm_head.weight").isPresent() ? "lm_head.weight" : "model.embed_tokens.weight");
        for (String n : names) {
            if (st.find(n).map(TensorInfo::dtype).orElse(null) != DType.BF16) {
                return WeightFormat.F32;
            }
        }
        return WeightFormat.BF16;
    }

    // Hugging Face _compute_default_rope_parameters / _compute_llama3_parameters, in float32 as there.
    /** RoPE inverse frequencies of {@code c}, with its linear or Llama-3 scaling applied. */
    public static float[] inverseFrequencies(ModelConfig c) {
        int d = c.headDim();
        float[] inv = new float[d / 2];
        for (int i = 0; i < d / 2; i++) {
            inv[i] = (float) (1.0 / Math.pow(c.ropeTheta(), (float) (2 * i) / (float) d));
        }
        ModelConfig.RopeScaling s = c.ropeScaling();
        if (s != null && s.type().equals("linear")) {
            for (int i = 0; i < inv.length; i++) {
                inv[i] = (float) (inv[i] / s.factor());
            }
        } else if (s != null && s.type().equals("llama3")) {
            double lowWave = s.originalMaxPositions() / s.lowFreqFactor();
            double highWave = s.originalMaxPositions() / s.highFreqFactor();
            for (int i = 0; i < inv.length; i++) {
                double wave = 2 * Math.PI / inv[i];
                if (wave < highWave) {
                    continue;
                } else if (wave > lowWave) {
                    inv[i] = (float) (inv[i] / s.factor());
                } else {
                    double smooth = (s.originalMaxPositions() / wave - s.lowFreqFactor())
                            / (s.highFreqFactor() - s.lowFreqFactor());
                    inv[i] = (float) ((1 - smooth) * inv[i] / s.factor() + smooth * inv[i]);
                }
            }
        }
        return inv;
    }
}
