package io.openledger.attribution.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.contract.LayerGradients;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * DataInf against exact influence with an explicit Hessian on a tiny LoRA problem: softmax regression
 * {@code logits = (W0 + B A) x} with 6 inputs, 4 classes and rank 2, gradients with respect to A
 * (12 values) and B (8 values) as two layers. The exact score inverts each layer's damped
 * Gauss-Newton matrix {@code (1/n) Σ g gᵀ + λ I} (the matrix DataInf approximates) by Gaussian
 * elimination.
 */
class DataInfTest {
    private static final int IN = 6;
    private static final int OUT = 4;
    private static final int R = 2;

    private record Problem(double[][] w0, double[][] a, double[][] b) {}

    private static double[][] gaussian(Random rnd, int rows, int cols, double std) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = rnd.nextGaussian() * std;
            }
        }
        return m;
    }

    /** Gradient of the cross-entropy of (x, y) with respect to A and B. */
    private static LayerGradients grad(Problem p, double[] x, int y) {
        double[] ax = new double[R];
        for (int i = 0; i < R; i++) {
            for (int j = 0; j < IN; j++) {
                ax[i] += p.a()[i][j] * x[j];
            }
        }
        double[] logits = new double[OUT];
        double max = Double.NEGATIVE_INFINITY;
        for (int o = 0; o < OUT; o++) {
            for (int j = 0; j < IN; j++) {
                logits[o] += p.w0()[o][j] * x[j];
            }
            for (int i = 0; i < R; i++) {
                logits[o] += p.b()[o][i] * ax[i];
            }
            max = Math.max(max, logits[o]);
        }
        double z = 0;
        for (int o = 0; o < OUT; o++) {
            z += Math.exp(logits[o] - max);
        }
        double[] e = new double[OUT];
        for (int o = 0; o < OUT; o++) {
            e[o] = Math.exp(logits[o] - max) / z - (o == y ? 1 : 0);
        }
        float[] da = new float[R * IN];
        for (int i = 0; i < R; i++) {
            double bte = 0;
            for (int o = 0; o < OUT; o++) {
                bte += p.b()[o][i] * e[o];
            }
            for (int j = 0; j < IN; j++) {
                da[i * IN + j] = (float) (bte * x[j]);
            }
        }
        float[] db = new float[OUT * R];
        for (int o = 0; o < OUT; o++) {
            for (int i = 0; i < R; i++) {
                db[o * R + i] = (float) (e[o] * ax[i]);
            }
        }
        return LayerGradients.of(List.of(da, db));
    }

    /** Σ_l (H_l⁻¹ v_l)·g_{l,k} with H_l = (1/n) Σ g gᵀ + λ_l I. */
    private static double[] exact(List<LayerGradients> train, LayerGradients v, double factor) {
        double[] lambda = DataInf.lambdas(train, factor);
        int n = train.size();
        double[] out = new double[n];
        for (int l = 0; l < v.layerCount(); l++) {
            int d = v.dimension(l);
            double[][] h = new double[d][d + 1];
            for (LayerGradients gi : train) {
                float[] g = gi.layer(l);
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        h[i][j] += (double) g[i] * g[j] / n;
                    }
                }
            }
            float[] vl = v.layer(l);
            for (int i = 0; i < d; i++) {
                h[i][i] += lambda[l];
                h[i][d] = vl[i];
            }
            double[] x = solve(h);
            for (int k = 0; k < n; k++) {
                float[] g = train.get(k).layer(l);
                for (int i = 0; i < d; i++) {
                    out[k] += x[i] * g[i];
                }
            }
        }
        return out;
    }

    /** Gaussian elimination with partial pivoting on an augmented matrix. */
    private static double[] solve(double[][] m) {
        int d = m.length;
        for (int c = 0; c < d; c++) {
            int piv = c;
            for (int r = c + 1; r < d; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) {
                    piv = r;
                }
            }
            double[] t = m[c];
            m[c] = m[piv];
            m[piv] = t;
            for (int r = c + 1; r < d; r++) {
                double f = m[r][c] / m[c][c];
                for (int j = c; j <= d; j++) {
                    m[r][j] -= f * m[c][j];
                }
            }
        }
        double[] x = new double[d];
        for (int r = d - 1; r >= 0; r--) {
            double s = m[r][d];
            for (int j = r + 1; j < d; j++) {
                s -= m[r][j] * x[j];
            }
            x[r] = s / m[r][r];
        }
        return x;
    }

    static double spearman(double[] a, double[] b) {
        double[] ra = ranks(a);
        double[] rb = ranks(b);
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += ra[i] / a.length;
            mb += rb[i] / a.length;
        }
        double num = 0;
        double da = 0;
        double db = 0;
        for (int i = 0; i < a.length; i++) {
            num += (ra[i] - ma) * (rb[i] - mb);
            da += (ra[i] - ma) * (ra[i] - ma);
            db += (rb[i] - mb) * (rb[i] - mb);
        }
        return num / Math.sqrt(da * db);
    }

    private static double[] ranks(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (x, y) -> Double.compare(v[x], v[y]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[idx[i]] = i;
        }
        return r;
    }

    @Test
    void agreesWithExactInfluenceInRankCorrelation() {
        Random rnd = new Random(2024);
        double total = 0;
        int trials = 10;
        double worst = 1;
        for (int t = 0; t < trials; t++) {
            Problem p = new Problem(gaussian(rnd, OUT, IN, 0.5), gaussian(rnd, R, IN, 0.5), gaussian(rnd, OUT, R, 0.5));
            List<LayerGradients> train = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                train.add(grad(p, gaussian(rnd, 1, IN, 1)[0], rnd.nextInt(OUT)));
            }
            LayerGradients v = grad(p, gaussian(rnd, 1, IN, 1)[0], rnd.nextInt(OUT));
            double rho = spearman(DataInf.scores(train, v, 0.1), exact(train, v, 0.1));
            total += rho;
            worst = Math.min(worst, rho);
        }
        System.out.printf("DataInf vs exact: mean Spearman %.3f, worst %.3f%n", total / trials, worst);
        // measured here: mean 0.79, worst 0.72 (seed 2024)
        assertThat(total / trials).isGreaterThan(0.7);
        assertThat(worst).isGreaterThan(0.5);
    }

    @Test
    void exactWhenOneRecordDominatesALayer() {
        // with a single training record the average of rank-one inverses is the exact inverse
        LayerGradients g = LayerGradients.of(List.of(new float[] {1, 2, -1}));
        LayerGradients v = LayerGradients.of(List.of(new float[] {0.5f, -1, 2}));
        assertThat(DataInf.scores(List.of(g), v, 0.1)[0])
                .isCloseTo(exact(List.of(g), v, 0.1)[0], org.assertj.core.data.Offset.offset(1e-9));
    }
}
