package io.openledger.benchmarks.lora;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.Projection;
import io.openledger.lora.SafeTensors;
import java.nio.file.Path;

/**
 * The same Llama decode (RMSNorm, rotate-half RoPE, GQA attention over a KV cache, SwiGLU, LM head)
 * as DJL PyTorch NDArray operations with float32 weights resident in libtorch: the baseline the Java
 * engine is compared with at batch 1.
 */
final class TorchDecoder implements AutoCloseable {
    private final NDManager nd;
    private final ModelConfig c;
    private final NDArray embed;
    private final NDArray[][] wT; // [layer][projection], transposed to [in, out]
    private final NDArray[] attnNorm;
    private final NDArray[] mlpNorm;
    private final NDArray finalNorm;
    private final NDArray headT;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int pos;

    TorchDecoder(Path dir) {
        nd = Engine.getEngine("PyTorch").newBaseManager();
        c = ModelConfig.read(dir);
        int h = c.hiddenSize();
        try (SafeTensors st = SafeTensors.openCheckpoint(dir)) {
            embed = nd.create(st.floats("model.embed_tokens.weight"), new Shape(c.vocabSize(), h));
            wT = new NDArray[c.layers()][Projection.values().length];
            attnNorm = new NDArray[c.layers()];
            mlpNorm = new NDArray[c.layers()];
            for (int l = 0; l < c.layers(); l++) {
                for (Projection p : Projection.values()) {
                    wT[l][p.ordinal()] = nd.create(
                                    st.floats(p.path(l) + ".weight"), new Shape(p.outFeatures(c), p.inFeatures(c)))
                            .transpose()
                            .duplicate();
                }
                attnNorm[l] = nd.create(st.floats("model.layers." + l + ".input_layernorm.weight"));
                mlpNorm[l] = nd.create(st.floats("model.layers." + l + ".post_attention_layernorm.weight"));
            }
            finalNorm = nd.create(st.floats("model.norm.weight"));
            headT = nd.create(st.floats("lm_head.weight"), new Shape(c.vocabSize(), h))
                    .transpose()
                    .duplicate();
        }
        keys = new NDArray[c.layers()];
        values = new NDArray[c.layers()];
    }

    /** Empties the KV cache: the next step is position 0 again. */
    void reset() {
        for (int l = 0; l < keys.length; l++) {
            if (keys[l] != null) {
                keys[l].close();
                values[l].close();
                keys[l] = null;
                values[l] = null;
            }
        }
        pos = 0;
    }

    static String version() {
        return Engine.getEngine("PyTorch").getVersion();
    }

    private NDArray rms(NDArray x, NDArray w) {
        return x.div(x.pow(2)
                        .mean(new int[] {-1}, true)
                        .add((float) c.rmsNormEps())
                        .sqrt())
                .mul(w);
    }

    private static NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
        long d = x.getShape().get(x.getShape().dimension() - 1);
        NDArray x1 = x.get(new NDIndex("..., :{}", d / 2));
        NDArray x2 = x.get(new NDIndex("..., {}:", d / 2));
        return x.mul(cos).add(NDArrays.concat(new NDList(x2.neg(), x1), -1).mul(sin));
    }

    /** Runs one token and returns the logits. */
    float[] step(int token) {
        int d = c.headDim();
        int group = c.heads() / c.kvHeads();
        float[] cs = new float[d];
        float[] sn = new float[d];
        for (int i = 0; i < d / 2; i++) {
            double f = pos / Math.pow(c.ropeTheta(), 2.0 * i / d);
            cs[i] = cs[i + d / 2] = (float) Math.cos(f);
            sn[i] = sn[i + d / 2] = (float) Math.sin(f);
        }
        try (NDManager step = nd.newSubManager()) {
            NDArray cos = step.create(cs);
            NDArray sin = step.create(sn);
            NDArray x = embed.get(token).reshape(1, c.hiddenSize());
            x.attach(step);
            for (int l = 0; l < c.layers(); l++) {
                NDArray xn = rms(x, attnNorm[l]);
                NDArray q = rotate(xn.matMul(wT[l][0]).reshape(c.kvHeads(), group, d), cos, sin);
                NDArray k = rotate(xn.matMul(wT[l][1]).reshape(c.kvHeads(), 1, d), cos, sin);
                NDArray v = xn.matMul(wT[l][2]).reshape(c.kvHeads(), 1, d);
                NDArray kc = keys[l] == null ? k : NDArrays.concat(new NDList(keys[l], k), 1);
                NDArray vc = values[l] == null ? v : NDArrays.concat(new NDList(values[l], v), 1);
                kc.attach(nd);
                vc.attach(nd);
                if (keys[l] != null) {
                    keys[l].close();
                    values[l].close();
                }
                keys[l] = kc;
                values[l] = vc;
                NDArray att = q.matMul(kc.transpose(0, 2, 1))
                        .div((float) Math.sqrt(d))
                        .softmax(-1)
                        .matMul(vc);
                x = x.add(att.reshape(1, (long) c.heads() * d).matMul(wT[l][3]));
                NDArray xm = rms(x, mlpNorm[l]);
                NDArray g = xm.matMul(wT[l][4]);
                NDArray u = xm.matMul(wT[l][5]);
                x = x.add(g.div(g.neg().exp().add(1f)).mul(u).matMul(wT[l][6]));
            }
            pos++;
            return rms(x, finalNorm).matMul(headT).toFloatArray();
        }
    }

    @Override
    public void close() {
        nd.close();
    }
}
