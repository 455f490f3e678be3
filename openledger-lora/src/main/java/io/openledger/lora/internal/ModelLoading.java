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
