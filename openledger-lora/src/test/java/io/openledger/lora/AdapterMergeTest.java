package io.openledger.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.openledger.lora.AdapterMerge.MajoritySign;
import io.openledger.lora.AdapterMerge.Strategy;
import io.openledger.lora.ModelConfig.Architecture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdapterMergeTest {
    private static final ModelConfig BASE = TestModels.config(Architecture.LLAMA, 2, 64, 4, 2, 96, 300);
    private static final int[] PROMPT = {5, 17, 250, 3, 99, 42};

    @TempDir
    Path dir;

    private LoraAdapter adapter(String name, int r, double alpha, List<String> targets, long seed) {
        Path d = dir.resolve(name);
        TestModels.writeAdapter(d, BASE, AdapterConfig.of(r, alpha, targets), seed, DType.F32);
        return LoraAdapter.load(d, BASE);
    }

    private LlamaModel model() {
        Path m = dir.resolve("model");
        if (!Files.exists(m)) {
            TestModels.writeModel(m, BASE, 3, DType.F32, 1);
        }
        return LlamaModel.load(m);
    }

    @Test
    void catServesExactlyTheWeightedSumOfTheDeltas() {
        // different ranks, alphas and module sets, and a negative weight: CAT takes them all
        LoraAdapter a = adapter("a", 4, 8, List.of("q_proj", "v_proj", "down_proj"), 1);
        LoraAdapter b = adapter("b", 8, 4, List.of("q_proj", "k_proj", "o_proj"), 2);
        AdapterMerge.Result r = AdapterMerge.of(Strategy.CAT, 0.7, -0.4).write(dir.resolve("ab"), BASE, List.of(a, b));
        assertThat(r.modules()).isEqualTo(2 * 5); // q, k, v, o, down in both layers
        assertThat(r.maxRank()).isEqualTo(12);
        LoraAdapter ab = LoraAdapter.load(r.dir(), BASE);
        assertThat(ab.delta(0, Projection.Q_PROJ).rank()).isEqualTo(12);
        assertThat(ab.delta(1, Projection.K_PROJ).rank()).isEqualTo(8);
        assertThat(ab.delta(1, Projection.DOWN_PROJ).rank()).isEqualTo(4);
        assertThat(ab.scalings().values()).containsOnly(1f);
        assertThat(ab.delta(0, Projection.GATE_PROJ)).isNull();

        // the merged q delta, densely, against w_a s_a B_a A_a + w_b s_b B_b A_b
        double[] want = new double[64 * 64];
        addDense(want, a.delta(0, Projection.Q_PROJ), 0.7);
        addDense(want, b.delta(0, Projection.Q_PROJ), -0.4);
        double[] got = new double[64 * 64];
        addDense(got, ab.delta(0, Projection.Q_PROJ), 1);
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).isCloseTo(want[i], within(1e-6));
        }

        // served unmerged, the merged adapter gives the logits of the base with both deltas merged in
        try (LlamaModel m = model()) {
            float[] served = m.logits(PROMPT, ab);
            float[] reference = m.merge(a.scaled(0.7f)).merge(b.scaled(-0.4f)).logits(PROMPT, null);
            float[] baseOnly = m.logits(PROMPT, null);
            double moved = 0;
            for (int i = 0; i < served.length; i++) {
                assertThat(served[i]).isCloseTo(reference[i], within(2e-4f));
                moved = Math.max(moved, Math.abs(reference[i] - baseOnly[i]));
            }
            assertThat(moved).as("the adapters change the logits").isGreaterThan(1e-2);
        }
    }

    private static void addDense(double[] w, LoraAdapter.Delta d, double weight) {
        float[] a = d.a();
        float[] b = d.b();
        for (int o = 0; o < d.out(); o++) {
            for (int i = 0; i < d.in(); i++) {
                double s = 0;
                for (int j = 0; j < d.rank(); j++) {
                    s += (double) b[o * d.rank() + j] * a[j * d.in() + i];
                }
                w[o * d.in() + i] += weight * d.scaling() * s;
            }
        }
    }

    @Test
    void svdKeepsTheBestLowRankPartOfTheWeightedSum() {
        LoraAdapter a = adapter("a", 4, 8, List.of("q_proj", "gate_proj"), 1);
        LoraAdapter b = adapter("b", 8, 4, List.of("q_proj"), 2);
        double[] want = new double[64 * 64];
        addDense(want, a.delta(0, Projection.Q_PROJ), 0.7);
        addDense(want, b.delta(0, Projection.Q_PROJ), -0.4);

        // at the sum of the ranks nothing is cut: the weighted sum, as CAT gives it
        AdapterMerge svd = AdapterMerge.of(Strategy.SVD, 0.7, -0.4);
        LoraAdapter full = LoraAdapter.load(
                svd.withRank(12).write(dir.resolve("full"), BASE, List.of(a, b)).dir(), BASE);
        double[] got = new double[64 * 64];
        addDense(got, full.delta(0, Projection.Q_PROJ), 1);
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).isCloseTo(want[i], within(1e-6));
        }

        // rank 3: orthonormal A rows, B columns the singular values in descending order, equal to
        // the dense delta's own (found here by power iteration), and the residual Eckart–Young's
        LoraAdapter cut = LoraAdapter.load(
                svd.withRank(3).write(dir.resolve("cut"), BASE, List.of(a, b)).dir(), BASE);
        LoraAdapter.Delta d = cut.delta(0, Projection.Q_PROJ);
        assertThat(d.rank()).isEqualTo(3);
        assertThat(cut.delta(1, Projection.GATE_PROJ).rank()).isEqualTo(3);
        float[] am = d.a();
        float[] bm = d.b();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double dot = 0;
                for (int t = 0; t < 64; t++) {
                    dot += (double) am[i * 64 + t] * am[j * 64 + t];
                }
                assertThat(dot).isCloseTo(i == j ? 1 : 0, within(1e-5));
            }
        }
        double[] sigma = new double[3];
        for (int c = 0; c < 3; c++) {
            double n = 0;
            for (int o = 0; o < 64; o++) {
                n += (double) bm[o * 3 + c] * bm[o * 3 + c];
            }
            sigma[c] = Math.sqrt(n);
        }
        double[] reference = topSingularValues(want, 64, 64, 4);
        for (int c = 0; c < 3; c++) {
            assertThat(sigma[c]).isCloseTo(reference[c], within(1e-4 * reference[0]));
        }
        assertThat(reference[2]).as("distinct singular values").isGreaterThan(reference[3] * 1.01);
        double[] approx = new double[64 * 64];
        addDense(approx, d, 1);
        double residual = 0;
        double total = 0;
        for (int i = 0; i < want.length; i++) {
            residual += (want[i] - approx[i]) * (want[i] - approx[i]);
            total += want[i] * want[i];
        }
        double kept = sigma[0] * sigma[0] + sigma[1] * sigma[1] + sigma[2] * sigma[2];
        assertThat(residual).isCloseTo(total - kept, within(1e-6 * total));

        // rank 0: the largest rank merged in each module (8 in q, 4 in gate)
        LoraAdapter auto = LoraAdapter.load(
                svd.write(dir.resolve("auto"), BASE, List.of(a, b)).dir(), BASE);
        assertThat(auto.delta(0, Projection.Q_PROJ).rank()).isEqualTo(8);
        assertThat(auto.delta(0, Projection.GATE_PROJ).rank()).isEqualTo(4);
        assertThatThrownBy(() -> svd.withRank(-1)).hasMessageContaining("rank must be >= 0");
    }

    // the k largest singular values of the dense rows × cols matrix w, by power iteration on wᵀw with
    // deflation (an independent check of the factor-based SVD)
    private static double[] topSingularValues(double[] w, int rows, int cols, int k) {
        double[][] g = new double[cols][cols];
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int r = 0; r < rows; r++) {
                    s += w[r * cols + i] * w[r * cols + j];
                }
                g[i][j] = s;
            }
        }
        double[] out = new double[k];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int c = 0; c < k; c++) {
            double[] x = new double[cols];
            for (int i = 0; i < cols; i++) {
                x[i] = rnd.nextDouble() - 0.5;
            }
            double lambda = 0;
            for (int it = 0; it < 3000; it++) {
                double[] y = new double[cols];
                for (int i = 0; i < cols; i++) {
                    for (int j = 0; j < cols; j++) {
                        y[i] += g[i][j] * x[j];
                    }
                }
                double n = 0;
                for (double v : y) {
                    n += v * v;
                }
                n = Math.sqrt(n);
                lambda = n;
                for (int i = 0; i < cols; i++) {
                    x[i] = y[i] / n;
                }
            }
            out[c] = Math.sqrt(lambda);
            for (int i = 0; i < cols; i++) {
                for (int j = 0; j < cols; j++) {
                    g[i][j] -= lambda * x[i] * x[j];
                }
            }
        }
        return out;
    }

    @Test
    void theSmallSvdReconstructsItsMatrix() {
        AdapterMerge.Svd diag = AdapterMerge.Svd.of(new double[][] {{3, 0}, {0, -2}});
        assertThat(diag.sigma()).containsExactly(3, 2);
        SplittableRandom rnd = new SplittableRandom(8);
        double[][] m = new double[6][6];
        for (double[] row : m) {
            for (int j = 0; j < 6; j++) {
                row[j] = rnd.nextDouble() - 0.5;
            }
        }
        m[5] = m[4].clone(); // rank 5
        AdapterMerge.Svd svd = AdapterMerge.Svd.of(m);
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                double back = 0;
                double uu = 0;
                double vv = 0;
                for (int c = 0; c < 6; c++) {
                    back += svd.u()[i][c] * svd.sigma()[c] * svd.v()[j][c];
                    vv += svd.v()[c][i] * svd.v()[c][j];
                }
                for (int c = 0; c < 6; c++) {
                    uu += i < 5 && j < 5 ? svd.u()[c][i] * svd.u()[c][j] : 0;
                }
                assertThat(back).isCloseTo(m[i][j], within(1e-12));
                assertThat(vv).isCloseTo(i == j ? 1 : 0, within(1e-12));
                if (i < 5 && j < 5) {
                    assertThat(uu).isCloseTo(i == j ? 1 : 0, within(1e-12));
                }
            }
            if (i > 0) {
                assertThat(svd.sigma()[i]).isLessThanOrEqualTo(svd.sigma()[i - 1]);
            }
        }
        assertThat(svd.sigma()[5]).isCloseTo(0, within(1e-12));
    }

    @Test
    void linearCombinesAAndBWithRootWeightsAsPeftDoes() {
        LoraAdapter a = adapter("a", 4, 8, List.of("q_proj", "v_proj"), 1);
        LoraAdapter b = adapter("b", 4, 16, List.of("q_proj", "v_proj"), 2);
        AdapterMerge.Result r =
                AdapterMerge.of(Strategy.LINEAR, 0.6, 0.3).write(dir.resolve("lin"), BASE, List.of(a, b));
        LoraAdapter m = LoraAdapter.load(r.dir(), BASE);
        LoraAdapter.Delta da = a.delta(1, Projection.V_PROJ);
        LoraAdapter.Delta db = b.delta(1, Projection.V_PROJ);
        LoraAdapter.Delta dm = m.delta(1, Projection.V_PROJ);
        assertThat(dm.rank()).isEqualTo(4);
        assertThat(dm.scaling()).isEqualTo(1f);
        // PEFT: valid_weights = sqrt(weight * scaling) (scalings 2 and 4 here), applied to A and to B
        double va = Math.sqrt(0.6 * 2);
        double vb = Math.sqrt(0.3 * 4);
        float[] aa = da.a(), ab = db.a(), am = dm.a();
        for (int k = 0; k < am.length; k++) {
            assertThat(am[k]).isEqualTo((float) (va * aa[k] + vb * ab[k]));
        }
        float[] ba = da.b(), bb = db.b(), bm = dm.b();
        for (int k = 0; k < bm.length; k++) {
            assertThat(bm[k]).isEqualTo((float) (va * ba[k] + vb * bb[k]));
        }
    }

    @Test
    void oneAdapterAtWeightOneServesAsItself() {
        LoraAdapter a = adapter(
                "a", 8, 16, List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"), 5);
        LoraAdapter lin = LoraAdapter.load(
                AdapterMerge.of(Strategy.LINEAR, 1)
                        .write(dir.resolve("lin"), BASE, List.of(a))
                        .dir(),
                BASE);
        LoraAdapter ties = LoraAdapter.load(
                AdapterMerge.of(Strategy.TIES, 1)
                        .write(dir.resolve("ties"), BASE, List.of(a))
                        .dir(),
                BASE);
        try (LlamaModel m = model()) {
            float[] want = m.logits(PROMPT, a);
            float[] gotLinear = m.logits(PROMPT, lin);
            float[] gotTies = m.logits(PROMPT, ties);
            for (int i = 0; i < want.length; i++) {
                assertThat(gotLinear[i]).isCloseTo(want[i], within(2e-4f));
                assertThat(gotTies[i]).isEqualTo(gotLinear[i]); // one adapter, density 1: nothing to elect
            }
        }
    }

    @Test
    void tiesTrimsElectsAndAveragesTheAgreeingValues() {
        List<float[]> t = List.of(
                new float[] {3, -1, 0.5f, 2, 0}, new float[] {-2, -2, 1, 0, 0}, new float[] {1, 4, -0.5f, -1, 0});
        double[] ones = {1, 1, 1};
        SplittableRandom rnd = new SplittableRandom(1);
        // total: the column sums 2, 1, 1, 1, 0 are all >= 0, so + wins; the positive values averaged
        assertThat(AdapterMerge.taskTensors(Strategy.TIES, t, ones, 1, MajoritySign.TOTAL, rnd))
                .containsExactly(2, 4, 0.75f, 2, 0);
        // frequency: column 1 has two negatives against one positive, so - wins there
        assertThat(AdapterMerge.taskTensors(Strategy.TIES, t, ones, 1, MajoritySign.FREQUENCY, rnd))
                .containsExactly(2, -1.5f, 0.75f, 2, 0);
        // the election counts unweighted values, the average weighted ones: (2·3 + 1·1) / 2
        assertThat(AdapterMerge.taskTensors(Strategy.TIES, t, new double[] {2, 1, 1}, 1, MajoritySign.TOTAL, rnd)[0])
                .isEqualTo(3.5f);
        // density 0.4 of 5 keeps 2 per tensor: [3,0,0,2,0], [-2,-2,0,0,0], [1,4,0,0,0] (1 and -1 tie:
        // the lower index stays). Sums 2, 2, 0, 2, 0 -> all +: column 0 averages 3 and 1
        assertThat(AdapterMerge.taskTensors(Strategy.TIES, t, ones, 0.4, MajoritySign.TOTAL, rnd))
                .containsExactly(2, 4, 0, 2, 0);
        assertThat(AdapterMerge.taskTensors(Strategy.MAGNITUDE_PRUNE, t, ones, 0.4, MajoritySign.TOTAL, rnd))
                .containsExactly(2, 2, 0, 2, 0);
        assertThat(AdapterMerge.taskTensors(Strategy.LINEAR, t, ones, 0.4, MajoritySign.TOTAL, rnd))
                .as("linear ignores the density")
                .containsExactly(2, 1, 1, 1, 0);
    }

    @Test
    void magnitudeTiesKeepTheLowerIndex() {
        double[] d = {1, -1, 1, 0.5};
        AdapterMerge.keepLargest(d, 0.5);
        assertThat(d).containsExactly(1, -1, 0, 0);
        double[] none = {3, -2};
        AdapterMerge.keepLargest(none, 0.4); // 0.8 of an element: none kept
        assertThat(none).containsExactly(0, 0);
    }

    @Test
    void keepingTheLargestMatchesASortForAnyDensity() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + rnd.nextInt(300);
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                // few distinct magnitudes, both signs, zeros: many ties at the cut-off
                d[i] = (rnd.nextInt(7) - 3) * (rnd.nextBoolean() ? 0.25 : 1e-3);
            }
            double density = rnd.nextDouble();
            double[] got = d.clone();
            AdapterMerge.keepLargest(got, density);
            // reference: indices by descending magnitude, then ascending index; the first k survive
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(
                    order,
                    java.util.Comparator.<Integer>comparingDouble(i -> -Math.abs((float) d[i]))
                            .thenComparingInt(i -> i));
            double[] want = new double[n];
            for (int i = 0; i < (int) (density * n); i++) {
                want[order[i]] = d[order[i]];
            }
            assertThat(got).as("n %d density %f", n, density).containsExactly(want);
        }
    }

    @Test
    void dareDropsAtTheDensityAndRescalesTheRest() {
        float[] x = new float[20_000];
        SplittableRandom fill = new SplittableRandom(9);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (fill.nextDouble() + 0.5);
        }
        List<float[]> one = List.<float[]>of(x);
        double[] w = {1};
        float[] d1 = AdapterMerge.taskTensors(
                Strategy.DARE_LINEAR, one, w, 0.3, MajoritySign.TOTAL, new SplittableRandom(4));
        int kept = 0;
        for (int i = 0; i < x.length; i++) {
            if (d1[i] != 0) {
                kept++;
                assertThat(d1[i]).isEqualTo((float) (x[i] / 0.3));
            }
        }
        assertThat(kept / (double) x.length).isCloseTo(0.3, within(0.02));
        assertThat(AdapterMerge.taskTensors(
                        Strategy.DARE_LINEAR, one, w, 0.3, MajoritySign.TOTAL, new SplittableRandom(4)))
                .as("the same seed drops the same elements")
                .containsExactly(d1);
        assertThat(AdapterMerge.taskTensors(
                        Strategy.DARE_LINEAR, one, w, 0.3, MajoritySign.TOTAL, new SplittableRandom(5)))
                .isNotEqualTo(d1);
        assertThat(AdapterMerge.taskTensors(
                        Strategy.DARE_LINEAR, one, w, 1, MajoritySign.TOTAL, new SplittableRandom(4)))
                .as("density 1 keeps everything")
                .containsExactly(x);
        assertThat(AdapterMerge.taskTensors(Strategy.DARE_TIES, one, w, 0, MajoritySign.TOTAL, new SplittableRandom(4)))
                .containsOnly(0f);
    }

    @Test
    void aDareMergeIsReproducibleFromItsSeed() throws Exception {
        LoraAdapter a = adapter("a", 4, 8, List.of("q_proj", "v_proj"), 1);
        LoraAdapter b = adapter("b", 4, 8, List.of("q_proj", "v_proj"), 2);
        AdapterMerge recipe =
                AdapterMerge.of(Strategy.DARE_TIES, 0.5, 0.5).withDensity(0.6).withSeed(77);
        Path one = recipe.write(dir.resolve("one"), BASE, List.of(a, b)).dir();
        Path two = recipe.write(dir.resolve("two"), BASE, List.of(a, b)).dir();
        Path other = recipe.withSeed(78)
                .write(dir.resolve("other"), BASE, List.of(a, b))
                .dir();
        byte[] w1 = Files.readAllBytes(LoraAdapter.weightsFile(one));
        assertThat(Files.readAllBytes(LoraAdapter.weightsFile(two))).isEqualTo(w1);
        assertThat(Files.readAllBytes(LoraAdapter.weightsFile(other))).isNotEqualTo(w1);
        try (SafeTensors st = SafeTensors.open(LoraAdapter.weightsFile(one))) {
            String recipeJson = st.metadata().get("openledger.merge");
            assertThat(recipeJson)
                    .contains("\"strategy\":\"dare_ties\"", "\"name\":\"a\"", "\"name\":\"b\"", "\"density\":0.6")
                    .contains("\"seed\":77", "\"majority_sign_method\":\"total\"");
        }
    }

    @Test
    void refusesWhatItCannotMergeAndWritesNothing() {
        LoraAdapter r4 = adapter("r4", 4, 8, List.of("q_proj"), 1);
        LoraAdapter r8 = adapter("r8", 8, 8, List.of("q_proj"), 2);
        Path out = dir.resolve("out");
        assertThatThrownBy(() -> AdapterMerge.of(Strategy.TIES, 1, 1).write(out, BASE, List.of(r4, r8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.layers.0.self_attn.q_proj has rank 4 in r4 and 8 in r8")
                .hasMessageContaining("use cat");
        assertThatThrownBy(() -> AdapterMerge.of(Strategy.LINEAR, 1, -1).write(out, BASE, List.of(r4, r4)))
                .hasMessageContaining("weight·scaling -2.0")
                .hasMessageContaining("use cat to subtract");
        assertThatThrownBy(() -> AdapterMerge.of(Strategy.CAT, 1).write(out, BASE, List.of(r4, r8)))
                .hasMessageContaining("2 adapters for 1 weights");
        assertThat(out).doesNotExist();
        AdapterMerge.of(Strategy.CAT, 1, 1).write(out, BASE, List.of(r4, r8));
        assertThatThrownBy(() -> AdapterMerge.of(Strategy.CAT, 1, 1).write(out, BASE, List.of(r4, r8)))
                .hasMessageContaining("already holds an adapter");

        assertThatThrownBy(() -> AdapterMerge.of(Strategy.TIES, 1).withDensity(1.5))
                .hasMessageContaining("density must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> AdapterMerge.of(Strategy.TIES)).hasMessageContaining("at least one adapter");
        assertThatThrownBy(() -> AdapterMerge.of(Strategy.TIES, Double.NaN)).hasMessageContaining("finite");
        assertThatThrownBy(() -> Strategy.of("slerp"))
                .hasMessageContaining("unknown merge strategy 'slerp'")
                .hasMessageContaining("dare_ties");
        assertThat(Strategy.of("Dare-Linear")).isEqualTo(Strategy.DARE_LINEAR);
    }

    @Test
    void theMergedConfigIsPeftsWithScalingOneEverywhere() throws Exception {
        LoraAdapter a = adapter("a", 4, 8, List.of("q_proj", "v_proj"), 1);
        LoraAdapter b = adapter("b", 8, 2, List.of("q_proj"), 2);
        Path out = AdapterMerge.of(Strategy.CAT, 1, 1)
                .write(dir.resolve("cat"), BASE, List.of(a, b))
                .dir();
        AdapterConfig c = AdapterConfig.parse("merged", Files.readString(out.resolve(LoraAdapter.CONFIG_FILE)));
        // q has rank 12 (4 + 8), v rank 4: two modules each, so the tie goes to the smaller rank
        assertThat(c.r()).isEqualTo(4);
        assertThat(c.rankOf("model.layers.1.self_attn.q_proj")).isEqualTo(12);
        assertThat(c.rankOf("model.layers.1.self_attn.v_proj")).isEqualTo(4);
        assertThat(c.scalingOf("model.layers.0.self_attn.q_proj")).isEqualTo(1.0);
        assertThat(c.scalingOf("model.layers.0.self_attn.v_proj")).isEqualTo(1.0);
        assertThat(c.targets("model.layers.0.self_attn.k_proj")).isFalse();
        assertThat(c.rankPattern())
                .isEqualTo(Map.of(
                        "model\\.layers\\.0\\.self_attn\\.q_proj", 12, "model\\.layers\\.1\\.self_attn\\.q_proj", 12));
    }
}
