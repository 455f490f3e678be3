package io.openledger.lora.factory.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW as torch.optim.AdamW computes it (Loshchilov and Hutter 2019): decoupled weight decay {@code
 * p ← p − lr·wd·p}, then {@code m ← β1 m + (1−β1) g}, {@code v ← β2 v + (1−β2) g²}, {@code p ← p −
 * lr · m̂ / (√v̂ + ε)} with bias corrections {@code 1 − βᵗ}. Runs in Java on the float master copies
 * (the arithmetic per element in double, stored as float), so it is deterministic. Not thread-safe.
 */
public final class AdamW {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    private final Map<String, float[]> m = new LinkedHashMap<>();
    private final Map<String, float[]> v = new LinkedHashMap<>();
    private final double weightDecay;

    /** Zero state for every tensor in {@code params}. */
    public AdamW(Map<String, float[]> params, double weightDecay) {
        this.weightDecay = weightDecay;
        params.forEach((n, p) -> {
            m.put(n, new float[p.length]);
            v.put(n, new float[p.length]);
        });
    }

    /** First moments by parameter name (live arrays: checkpoints read and restore them). */
    public Map<String, float[]> firstMoments() {
        return m;
    }

    /** Second moments by parameter name. */
    public Map<String, float[]> secondMoments() {
        return v;
    }

    /** One update of step {@code t} (from 1) with learning rate {@code lr}; grads already clipped. */
    public void step(Map<String, float[]> params, Map<String, float[]> grads, int t, double lr) {
        double bc1 = 1 - Math.pow(BETA1, t);
        double bc2 = 1 - Math.pow(BETA2, t);
        for (Map.Entry<String, float[]> e : params.entrySet()) {
            float[] p = e.getValue();
            float[] g = grads.get(e.getKey());
            float[] mm = m.get(e.getKey());
            float[] vv = v.get(e.getKey());
            for (int i = 0; i < p.length; i++) {
                double pi = p[i] * (1 - lr * weightDecay);
                mm[i] = (float) (BETA1 * mm[i] + (1 - BETA1) * g[i]);
                vv[i] = (float) (BETA2 * vv[i] + (1 - BETA2) * (double) g[i] * g[i]);
                p[i] = (float) (pi - lr * (mm[i] / bc1) / (Math.sqrt(vv[i] / bc2) + EPS));
            }
        }
    }
}
