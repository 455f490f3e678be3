package io.openledger.lora.factory.internal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.openledger.lora.AdapterConfig;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.Projection;
import io.openledger.lora.SafeTensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * The Hugging Face Llama/Mistral/Qwen2 decoder (modeling_llama.py: RMSNorm, rotary embeddings with
 * rotate_half, grouped-query attention with a causal and optional sliding-window mask, SwiGLU MLP)
 * written with DJL PyTorch operations so that autograd gives gradients. LoRA follows PEFT's
 * {@code Linear.forward}: {@code y = x Wᵀ + scaling · B(A(dropout(x)))}, with A initialised
 * Kaiming-uniform (bound {@code 1/√in}, as {@code kaiming_uniform_(a=√5)} gives) and B zero.
 *
 * <p>Not thread-safe: one training loop owns an instance.
 */
public final class TorchLlama implements AutoCloseable {
    /** A LoRA pair of one module. */
    public record Lora(String module, int layer, Projection projection, String a, String b, float scaling) {}

    private final NDManager nd;
    private final ModelConfig c;
    private final Map<String, NDArray> base = new LinkedHashMap<>();
    private final Map<String, float[]> values = new LinkedHashMap<>();
    private final Map<String, long[]> trainShapes = new LinkedHashMap<>();
    private final Map<String, NDArray> live = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final @Nullable Lora[][] lora;
    private final List<Lora> loraList = new ArrayList<>();
    private final boolean fullTraining;
    private final float[] invFreq;
    private float[] embedding = new float[0];

    private TorchLlama(ModelConfig c, boolean fullTraining) {
        this.nd = Engine.getEngine("PyTorch").newBaseManager();
        this.c = c;
        this.fullTraining = fullTraining;
        this.lora = new Lora[c.layers()][Projection.values().length];
        this.invFreq = invFreq(c);
    }

    /**
     * Loads the checkpoint in {@code dir} as float32. With {@code fullTraining} every base weight
     * requires a gradient (pre-training); otherwise the base is frozen.
     */
    public static TorchLlama load(Path dir, ModelConfig c, boolean fullTraining) {
        TorchLlama m = new TorchLlama(c, fullTraining);
        try (SafeTensors st = SafeTensors.openCheckpoint(dir)) {
            for (String name : st.names()) {
                long[] shape = st.info(name).shape().stream()
                        .mapToLong(Long::longValue)
                        .toArray();
                m.putBase(name, st.floats(name), shape);
            }
        }
        return m;
    }

    /** A model with the given base weights (names as in the HF checkpoint). */
    public static TorchLlama of(ModelConfig c, Map<String, float[]> weights, Map<String, long[]> shapes, boolean full) {
        TorchLlama m = new TorchLlama(c, full);
        weights.forEach((n, w) -> m.putBase(n, w, shapes.get(n)));
        return m;
    }

    private void putBase(String name, float[] values, long[] shape) {
        if (name.equals("model.embed_tokens.weight")) {
            embedding = values;
        }
        if (fullTraining) {
            this.values.put(name, values);
            trainShapes.put(name, shape);
        } else {
            base.put(name, nd.create(values, new Shape(shape)));
        }
        shapes.put(name, shape);
    }

    /**
     * Adds LoRA pairs for every module {@code cfg} targets, A drawn from {@code rnd} (in layer, then
     * projection order) and B zero, unless {@code initial} supplies both (by PEFT tensor name).
     */
    public void addLora(AdapterConfig cfg, SplittableRandom rnd, @Nullable Map<String, float[]> initial) {
        for (int l = 0; l < c.layers(); l++) {
            for (Projection p : Projection.values()) {
                String module = p.path(l);
                if (!cfg.targets(module)) {
                    continue;
                }
                int r = cfg.rankOf(module);
                int in = p.inFeatures(c);
                int out = p.outFeatures(c);
                float[] a;
                float[] b;
                if (initial != null && initial.containsKey(loraName(module, true))) {
                    a = initial.get(loraName(module, true));
                    b = initial.get(loraName(module, false));
                } else {
                    a = new float[r * in];
                    double bound = 1.0 / Math.sqrt(in);
                    for (int i = 0; i < a.length; i++) {
                        a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
                    }
                    b = new float[out * r];
                }
                values.put(loraName(module, true), a.clone());
                trainShapes.put(loraName(module, true), new long[] {r, in});
                values.put(loraName(module, false), b.clone());
                trainShapes.put(loraName(module, false), new long[] {out, r});
                Lora x = new Lora(
                        module, l, p, loraName(module, true), loraName(module, false), (float) cfg.scalingOf(module));
                lora[l][p.ordinal()] = x;
                loraList.add(x);
            }
        }
    }

    /** The PEFT tensor name of a module's A or B. */
    public static String loraName(String module, boolean a) {
        return "base_model.model." + module + (a ? ".lora_A.weight" : ".lora_B.weight");
    }

    /** The LoRA pairs in layer, then projection order. */
    public List<Lora> loras() {
        return List.copyOf(loraList);
    }

    /**
     * The trainable values by name (PEFT names for LoRA; checkpoint names when pre-training): the live
     * master copies, which the optimizer updates in place between steps.
     */
    public Map<String, float[]> trainable() {
        return values;
    }

    /** The shape of a trainable tensor. */
    public long[] shape(String name) {
        return trainShapes.get(name).clone();
    }

    /**
     * Creates fresh PyTorch leaves (requiring gradients) from the trainable values, for one
     * forward/backward; the previous ones are closed. Fresh leaves every step keep autograd state
     * out of the optimizer (no in-place updates of leaves, no gradient buffers carried over).
     */
    public void materialize() {
        live.values().forEach(NDArray::close);
        live.clear();
        values.forEach((n, v) -> {
            NDArray a = nd.create(v, new Shape(trainShapes.get(n)));
            a.setRequiresGradient(true);
            NDScope.unregister(a);
            live.put(n, a);
        });
    }

    /** The gradients of the live leaves after a backward pass, as float arrays (zeros where none). */
    public Map<String, float[]> gradients() {
        Map<String, float[]> g = new LinkedHashMap<>();
        live.forEach((n, a) -> g.put(n, a.getGradient().toFloatArray()));
        return g;
    }

    private NDArray w(String name) {
        NDArray a = live.get(name);
        if (a == null) {
            a = base.get(name);
        }
        if (a == null) {
            throw new IllegalStateException("weight " + name + " is not loaded (materialize() first)");
        }
        return a;
    }

    /** Whether the checkpoint has the tensor. */
    private boolean has(String name) {
        return base.containsKey(name) || values.containsKey(name);
    }

    /** The manager owning the weights (for optimizer state that must outlive a step). */
    public NDManager manager() {
        return nd;
    }

    /**
     * Logits [T, vocab] of {@code tokens}. {@code dropout} is the LoRA dropout probability and
     * {@code rnd} the source of its masks (null: no dropout, as at evaluation).
     */
    public NDArray logits(int[] tokens, float dropout, @Nullable SplittableRandom rnd) {
        if (live.size() != values.size()) {
            materialize();
        }
        int tn = tokens.length;
        int h = c.hiddenSize();
        int d = c.headDim();
        NDArray emb = w("model.embed_tokens.weight");
        NDArray x;
        if (fullTraining) {
            // one-hot rows times the table instead of advanced indexing, so the embedding gets its
            // gradient without DJL index ops (whose index buffers autograd does not own); exact
            float[] hot = new float[tn * c.vocabSize()];
            for (int i = 0; i < tn; i++) {
                hot[i * c.vocabSize() + tokens[i]] = 1f;
            }
            x = nd.create(hot, new Shape(tn, c.vocabSize())).matMul(emb);
        } else {
            // a frozen table: copy the rows in Java
            float[] rows = new float[tn * h];
            for (int i = 0; i < tn; i++) {
                System.arraycopy(embedding, tokens[i] * h, rows, i * h, h);
            }
            x = nd.create(rows, new Shape(tn, h));
        }
        float[] ang = new float[tn * d];
        for (int t = 0; t < tn; t++) {
            for (int i = 0; i < d / 2; i++) {
                float f = (float) t * invFreq[i];
                ang[t * d + i] = f;
                ang[t * d + i + d / 2] = f;
            }
        }
        NDArray angles = nd.create(ang, new Shape(tn, d));
        NDArray cos = angles.cos();
        NDArray sin = angles.sin();
        float[] mask = new float[tn * tn];
        for (int i = 0; i < tn; i++) {
            for (int j = 0; j < tn; j++) {
                boolean ok = j <= i && (c.slidingWindow() == 0 || i - j < c.slidingWindow());
                mask[i * tn + j] = ok ? 0f : -1e9f;
            }
        }
        NDArray maskArr = nd.create(mask, new Shape(tn, tn));
        int heads = c.heads();
        int kvh = c.kvHeads();
        int group = heads / kvh;
        for (int l = 0; l < c.layers(); l++) {
            String pre = "model.layers." + l + ".";
            NDArray xn = rms(x, w(pre + "input_layernorm.weight"));
            NDArray q = linear(xn, l, Projection.Q_PROJ, dropout, rnd);
            NDArray k = linear(xn, l, Projection.K_PROJ, dropout, rnd);
            NDArray v = linear(xn, l, Projection.V_PROJ, dropout, rnd);
            if (c.attentionBias()) {
                q = q.add(w(pre + "self_attn.q_proj.bias"));
                k = k.add(w(pre + "self_attn.k_proj.bias"));
                v = v.add(w(pre + "self_attn.v_proj.bias"));
            }
            q = q.reshape(tn, heads, d).transpose(1, 0, 2);
            k = k.reshape(tn, kvh, d).transpose(1, 0, 2);
            v = v.reshape(tn, kvh, d).transpose(1, 0, 2);
            if (group > 1) {
                k = repeatKv(k, heads, group);
                v = repeatKv(v, heads, group);
            }
            q = q.mul(cos).add(rotateHalf(q, d).mul(sin));
            k = k.mul(cos).add(rotateHalf(k, d).mul(sin));
            NDArray scores = q.matMul(k.transpose(0, 2, 1))
                    .div(scalar((float) Math.sqrt(d)))
                    .add(maskArr);
            NDArray att = scores.softmax(-1).matMul(v).transpose(1, 0, 2).reshape(tn, (long) heads * d);
            x = x.add(linear(att, l, Projection.O_PROJ, dropout, rnd));
            NDArray xm = rms(x, w(pre + "post_attention_layernorm.weight"));
            NDArray g = linear(xm, l, Projection.GATE_PROJ, dropout, rnd);
            // torch.sigmoid: exp(−g) overflows for very negative g and would make the g/(1+exp(−g)) gradient NaN
            NDArray silu = g.mul(ai.djl.nn.Activation.sigmoid(g));
            NDArray up = linear(xm, l, Projection.UP_PROJ, dropout, rnd);
            x = x.add(linear(silu.mul(up), l, Projection.DOWN_PROJ, dropout, rnd));
        }
        x = rms(x, w("model.norm.weight"));
        NDArray head = has("lm_head.weight") ? w("lm_head.weight") : emb;
        return x.matMul(head.transpose());
    }

    private NDArray linear(NDArray x, int layer, Projection p, float dropout, @Nullable SplittableRandom rnd) {
        NDArray y = x.matMul(w(p.path(layer) + ".weight").transpose());
        Lora z = lora[layer][p.ordinal()];
        if (z == null) {
            return y;
        }
        NDArray xin = x;
        if (dropout > 0 && rnd != null) {
            long[] s = x.getShape().getShape();
            float[] m = new float[Math.toIntExact(s[0] * s[1])];
            float keep = 1f / (1f - dropout);
            for (int i = 0; i < m.length; i++) {
                m[i] = rnd.nextDouble() < dropout ? 0f : keep;
            }
            xin = x.mul(nd.create(m, new Shape(s)));
        }
        return y.add(
                xin.matMul(w(z.a()).transpose()).matMul(w(z.b()).transpose()).mul(scalar(z.scaling())));
    }

    /**
     * A scalar operand that stays open until the caller's scope closes. DJL's {@code op(Number)}
     * forms create the scalar tensor and close it right after the op, although autograd saved it for
     * the backward pass: the garbage-collected buffer then corrupts gradients (seen as sporadic
     * 1e32 gradient norms and run-to-run differences). Never use {@code op(Number)} on this path.
     */
    private NDArray scalar(float v) {
        return nd.create(v);
    }

    /** HF repeat_kv with basic slices (views) only: query head h reads key/value head h / group. */
    private static NDArray repeatKv(NDArray kv, int heads, int group) {
        NDList parts = new NDList();
        for (int h = 0; h < heads; h++) {
            parts.add(kv.get(new NDIndex("{}:{}", h / group, h / group + 1)));
        }
        return NDArrays.concat(parts, 0);
    }

    private NDArray rms(NDArray x, NDArray w) {
        NDArray var = x.mul(x).mean(new int[] {-1}, true);
        return x.div(var.add(scalar((float) c.rmsNormEps())).sqrt()).mul(w);
    }

    private static NDArray rotateHalf(NDArray x, int d) {
        NDArray x1 = x.get(new NDIndex(":, :, :{}", d / 2));
        NDArray x2 = x.get(new NDIndex(":, :, {}:", d / 2));
        return NDArrays.concat(new NDList(x2.neg(), x1), 2);
    }

    /** HF rotary inverse frequencies (default, linear and llama3 scaling), computed in double. */
    static float[] invFreq(ModelConfig c) {
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

    @Override
    public void close() {
        nd.close();
    }
}
