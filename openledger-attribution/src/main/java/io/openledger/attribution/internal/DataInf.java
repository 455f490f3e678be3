package io.openledger.attribution.internal;

import io.openledger.core.contract.LayerGradients;
import java.util.List;

/**
 * DataInf's closed-form, layer-wise influence (Kwon, Wu, Wu and Zou, ICLR 2024, "DataInf:
 * Efficiently Estimating Data Influence in LoRA-tuned LLMs and Diffusion Models"; the algorithm of
 * repo ykwon0407/DataInf, src/influence.py, compute_hvp_proposed / compute_IF). Per layer l, the
 * damped Gauss-Newton Hessian {@code (1/n) Σ_i g_i g_iᵀ + λ_l I} is replaced by the average of
 * rank-one inverses, each solved with Sherman-Morrison:
 *
 * <pre>
 * λ_l   = c · mean_i( mean_j g_{l,i,j}² )                     (c = 0.1: lambda_const_param = 10)
 * hvp_l = (1/(n λ_l)) Σ_i [ v_l − (v_l·g_{l,i}) / (λ_l + ‖g_{l,i}‖²) · g_{l,i} ]
 * score(k) = Σ_l hvp_l · g_{l,k}
 * </pre>
 *
 * where v is the query's gradient. A positive score means that up-weighting record k lowers the
 * query's loss (the generation variant of the repo, without the minus sign). Sums run in the order
 * of {@code train}, which callers keep sorted by record id. Stateless.
 */
public final class DataInf {
    private DataInf() {}

    /** λ_l for every layer. */
    public static double[] lambdas(List<LayerGradients> train, double factor) {
        int layers = train.getFirst().layerCount();
        double[] lambda = new double[layers];
        for (int l = 0; l < layers; l++) {
            double sum = 0;
            for (LayerGradients g : train) {
                sum += g.dot(l, g) / g.dimension(l);
            }
            lambda[l] = factor * sum / train.size();
            if (!(lambda[l] > 0)) {
                // all-zero gradients in this layer: any positive damping gives zero influence
                lambda[l] = 1e-12;
            }
        }
        return lambda;
    }

    /** Scores of every record of {@code train} for the query gradient {@code v}. */
    public static double[] scores(List<LayerGradients> train, LayerGradients v, double factor) {
        int n = train.size();
        int layers = v.layerCount();
        double[] lambda = lambdas(train, factor);
        double[] out = new double[n];
        for (int l = 0; l < layers; l++) {
            float[] vf = v.layer(l);
            double[] vl = new double[vf.length];
            for (int j = 0; j < vf.length; j++) {
                vl[j] = vf[j];
            }
            // hvp = (1/(n λ)) Σ_i [v − c_i g_i] = (1/(n λ)) (n v − Σ_i c_i g_i)
            double[] hvp = new double[vl.length];
            for (LayerGradients gi : train) {
                double c = gi.dot(l, vl) / (lambda[l] + gi.dot(l, gi));
                gi.addScaledTo(l, -c, hvp);
            }
            for (int j = 0; j < hvp.length; j++) {
                hvp[j] += n * vl[j];
            }
            double scale = 1.0 / (n * lambda[l]);
            for (int k = 0; k < n; k++) {
                out[k] += scale * train.get(k).dot(l, hvp);
            }
        }
        return out;
    }
}
