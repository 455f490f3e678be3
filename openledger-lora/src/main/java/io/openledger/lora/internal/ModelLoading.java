package io.openledger.lora.internal;

import io.openledger.lora.ModelConfig;
import io.openledger.lora.ModelFormatException;
import io.openledger.lora.SafeTensors;
import io.openledger.lora.TensorInfo;
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
