package io.openledger.lora;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * An independent forward pass of the Hugging Face Llama/Mistral/Qwen2 decoder written with DJL
 * PyTorch NDArray operations (modeling_llama.py: LlamaRMSNorm, apply_rotary_pos_emb with
 * rotate_half, repeat_kv, eager attention with a causal (and sliding-window) mask, LlamaMLP). The
 * weights come from the same safetensors files as float32.
 */
final class TorchReference implements AutoCloseable {
    private final NDManager nd;
    private final ModelConfig c;
    private final SafeTensors st;
    private final @Nullable LoraAdapter adapter;
    private final boolean merged;

    TorchReference(Path modelDir, @Nullable LoraAdapter adapter, boolean merged) {
        this.nd = Engine.getEngine("PyTorch").newBaseManager();
        this.c = ModelConfig.read(modelDir);
        this.st = SafeTensors.openCheckpoint(modelDir);
        this.adapter = adapter;
        this.merged = merged;
    }

    static String engineVersion() {
        return Engine.getEngine("PyTorch").getVersion();
    }

    private NDArray t(String name, long... shape) {
        return nd.create(st.floats(name), new Shape(shape));
    }

    private NDArray linear(NDArray x, int layer, Projection p) {
        NDArray w = t(p.path(layer) + ".weight", p.outFeatures(c), p.inFeatures(c));
        LoraAdapter.Delta d = adapter == null ? null : adapter.delta(layer, p);
        NDArray a = null;
        NDArray b = null;
        if (d != null) {
            a = nd.create(d.a(), new Shape(d.rank(), p.inFeatures(c)));
            b = nd.create(d.b(), new Shape(p.outFeatures(c), d.rank()));
        }
        if (d != null && merged) {
            w = w.add(b.matMul(a).mul(d.scaling()));
        }
        NDArray y = x.matMul(w.transpose());
        if (d != null && !merged) {
            y = y.add(x.matMul(a.transpose()).matMul(b.transpose()).mul(d.scaling()));
        }
        return y;
    }

    private NDArray rms(NDArray x, NDArray w) {
        NDArray var = x.pow(2).mean(new int[] {-1}, true);
        return x.div(var.add((float) c.rmsNormEps()).sqrt()).mul(w);
    }

    private NDArray rotateHalf(NDArray x) {
        long d = x.getShape().get(1);
        NDArray x1 = x.get(new NDIndex(":, :{}", d / 2));
        NDArray x2 = x.get(new NDIndex(":, {}:", d / 2));
        return NDArrays.concat(new NDList(x2.neg(), x1), 1);
    }

    /** Inverse frequencies, computed in double as the HF formulas read (default and llama3 rope). */
    private float[] invFreq() {
        int d = c.headDim();
        float[] inv = new float[d / 2];
        for (int i = 0; i < d / 2; i++) {
            double f = 1.0 / Math.pow(c.ropeTheta(), 2.0 * i / d);
            ModelConfig.RopeScaling s = c.ropeScaling();
            if (s != null && s.type().equals("llama3")) {
                double wave = 2 * Math.PI / f;
                double low = s.originalMaxPositions() / s.lowFreqFactor();
                double high = s.originalMaxPositions() / s.highFreqFactor();
                if (wave > low) {
                    f = f / s.factor();
                } else if (wave >= high) {
                    double sm = (s.originalMaxPositions() / wave - s.lowFreqFactor())
                            / (s.highFreqFactor() - s.lowFreqFactor());
                    f = (1 - sm) * f / s.factor() + sm * f;
                }
            } else if (s != null && s.type().equals("linear")) {
                f = f / s.factor();
            }
            inv[i] = (float) f;
        }
        return inv;
    }

    /** Logits at every position for {@code tokens}, shape [T, vocab], as a flat row-major array. */
    float[] logitsAll(int[] tokens) {
        int tn = tokens.length;
        int h = c.hiddenSize();
        int d = c.headDim();
        NDArray emb = t("model.embed_tokens.weight", c.vocabSize(), h);
        long[] idx = new long[tn];
        for (int i = 0; i < tn; i++) {
            idx[i] = tokens[i];
        }
        NDArray x = emb.get(nd.create(idx));
        float[] pos = new float[tn];
        for (int i = 0; i < tn; i++) {
            pos[i] = i;
        }
        NDArray freqs = nd.create(pos, new Shape(tn, 1)).matMul(nd.create(invFreq(), new Shape(1, d / 2)));
        NDArray both = NDArrays.concat(new NDList(freqs, freqs), 1);
        NDArray cos = both.cos();
        NDArray sin = both.sin();
        float[] mask = new float[tn * tn];
        for (int i = 0; i < tn; i++) {
            for (int j = 0; j < tn; j++) {
                boolean ok = j <= i && (c.slidingWindow() == 0 || i - j < c.slidingWindow());
                mask[i * tn + j] = ok ? 0f : Float.NEGATIVE_INFINITY;
            }
        }
        NDArray maskArr = nd.create(mask, new Shape(tn, tn));
        int group = c.heads() / c.kvHeads();
        for (int l = 0; l < c.layers(); l++) {
            String pre = "model.layers." + l + ".";
            NDArray xn = rms(x, t(pre + "input_layernorm.weight", h));
            NDArray q = linear(xn, l, Projection.Q_PROJ);
            NDArray k = linear(xn, l, Projection.K_PROJ);
            NDArray v = linear(xn, l, Projection.V_PROJ);
            if (c.attentionBias()) {
                q = q.add(t(pre + "self_attn.q_proj.bias", (long) c.heads() * d));
                k = k.add(t(pre + "self_attn.k_proj.bias", (long) c.kvHeads() * d));
                v = v.add(t(pre + "self_attn.v_proj.bias", (long) c.kvHeads() * d));
            }
            NDList heads = new NDList();
            for (int hd = 0; hd < c.heads(); hd++) {
                int kvh = hd / group;
                NDArray qh = q.get(new NDIndex(":, {}:{}", hd * d, (hd + 1) * d));
                NDArray kh = k.get(new NDIndex(":, {}:{}", kvh * d, (kvh + 1) * d));
                NDArray vh = v.get(new NDIndex(":, {}:{}", kvh * d, (kvh + 1) * d));
                qh = qh.mul(cos).add(rotateHalf(qh).mul(sin));
                kh = kh.mul(cos).add(rotateHalf(kh).mul(sin));
                NDArray scores =
                        qh.matMul(kh.transpose()).div((float) Math.sqrt(d)).add(maskArr);
                heads.add(scores.softmax(-1).matMul(vh));
            }
            NDArray att = NDArrays.concat(heads, 1);
            x = x.add(linear(att, l, Projection.O_PROJ));
            NDArray xm = rms(x, t(pre + "post_attention_layernorm.weight", h));
            NDArray g = linear(xm, l, Projection.GATE_PROJ);
            NDArray silu = g.div(g.neg().exp().add(1f));
            x = x.add(linear(silu.mul(linear(xm, l, Projection.UP_PROJ)), l, Projection.DOWN_PROJ));
        }
        x = rms(x, t("model.norm.weight", h));
        NDArray head = st.find("lm_head.weight").isPresent() ? t("lm_head.weight", c.vocabSize(), h) : emb;
        return x.matMul(head.transpose()).toFloatArray();
    }

    /** Logits at the last position. */
    float[] logits(int[] tokens) {
        float[] all = logitsAll(tokens);
        float[] last = new float[c.vocabSize()];
        System.arraycopy(all, (tokens.length - 1) * c.vocabSize(), last, 0, last.length);
        return last;
    }

    @Override
    public void close() {
        nd.close();
        st.close();
    }
}
