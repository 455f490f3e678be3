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
    void progressCountsEachMergedModuleOnce() {
        LoraAdapter a = adapter("a", 4, 8, List.of("q_proj", "v_proj"), 1);
        LoraAdapter b = adapter("b", 4, 8, List.of("q_proj", "down_proj"), 2);
        List<int[]> seen = new java.util.ArrayList<>();
        AdapterMerge.Result r = AdapterMerge.of(Strategy.TIES_SVD, 0.5, 0.5)
                .withDensity(0.5)
                .write(dir.resolve("p"), BASE, List.of(a, b), (done, total) -> seen.add(new int[] {done, total}));
        // q, v and down in two layers: six modules, reported 1..6 of 6
        assertThat(r.modules()).isEqualTo(6);
        assertThat(seen).hasSize(6);
        for (int i = 0; i < seen.size(); i++) {
            assertThat(seen.get(i)).containsExactly(i + 1, 6);
        }
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

    // ---- the dense strategies (*_svd) and the clamp ----

    // M = Σ σ_i u_i v_iᵀ, row-major out × in, with orthonormal u_i, v_i drawn from seed
    private static double[] withSpectrum(int out, int in, double[] sigma, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] u = new double[sigma.length][out];
        double[][] v = new double[sigma.length][in];
        for (int c = 0; c < sigma.length; c++) {
            for (int o = 0; o < out; o++) {
                u[c][o] = rnd.nextGaussian();
            }
            for (int i = 0; i < in; i++) {
                v[c][i] = rnd.nextGaussian();
            }
        }
        orthonormalize(u);
        orthonormalize(v);
        double[] m = new double[out * in];
        for (int c = 0; c < sigma.length; c++) {
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    m[o * in + i] += sigma[c] * u[c][o] * v[c][i];
                }
            }
        }
        return m;
    }

    // classical Gram–Schmidt, twice (the test's own, independent of AdapterMerge.qr)
    private static void orthonormalize(double[][] cols) {
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < cols.length; j++) {
                for (int i = 0; i < j; i++) {
                    double d = 0;
                    for (int t = 0; t < cols[j].length; t++) {
                        d += cols[i][t] * cols[j][t];
                    }
                    for (int t = 0; t < cols[j].length; t++) {
                        cols[j][t] -= d * cols[i][t];
                    }
                }
                double n = 0;
                for (double x : cols[j]) {
                    n += x * x;
                }
                n = Math.sqrt(n);
                for (int t = 0; t < cols[j].length; t++) {
                    cols[j][t] /= n;
                }
            }
        }
    }

    // ‖M − B A‖²_F for PEFT-layout factors [A, B]
    private static double residual(double[] m, int out, int in, float[][] ab) {
        int r = ab[0].length / in;
        double s = 0;
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                double x = m[o * in + i];
                for (int j = 0; j < r; j++) {
                    x -= (double) ab[1][o * r + j] * ab[0][j * in + i];
                }
                s += x * x;
            }
        }
        return s;
    }

    private static double tail(double[] sigma, int k) {
        double s = 0;
        for (int i = k; i < sigma.length; i++) {
            s += sigma[i] * sigma[i];
        }
        return s;
    }

    @Test
    void theSketchFindsTheBestLowRankApproximation() {
        int out = 150;
        int in = 100;
        // a decaying spectrum: the sketch finds the top singular triplets to rounding
        double[] fast = new double[60];
        for (int i = 0; i < fast.length; i++) {
            fast[i] = Math.pow(0.7, i);
        }
        double[] m = withSpectrum(out, in, fast, 1);
        float[][] ab = AdapterMerge.sketch(m, out, in, 6, 42);
        assertThat(ab[0]).hasSize(6 * in);
        assertThat(residual(m, out, in, ab)).isCloseTo(tail(fast, 6), within(1e-6 * tail(fast, 6)));
        for (int c = 0; c < 6; c++) {
            double n = 0;
            for (int o = 0; o < out; o++) {
                n += (double) ab[1][o * 6 + c] * ab[1][o * 6 + c];
            }
            assertThat(Math.sqrt(n)).isCloseTo(fast[c], within(1e-6 * fast[c]));
        }
        // a flat one (σ_i = 1/(1 + i/20), 100 of them): no gap to find, and the error stays within
        // 1% of Eckart–Young's
        double[] flat = new double[100];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = 1 / (1 + i / 20.0);
        }
        double[] f = withSpectrum(out, in, flat, 2);
        double best = tail(flat, 8);
        double got = residual(f, out, in, AdapterMerge.sketch(f, out, in, 8, 42));
        assertThat(got).isBetween(best * (1 - 1e-9), best * 1.01);
        // a sketch as wide as the matrix is the exact SVD
        assertThat(residual(f, out, in, AdapterMerge.sketch(f, out, in, 95, 42)))
                .isCloseTo(tail(flat, 95), within(1e-9 * tail(flat, 0)));
        // wide matrices too
        double[] wide = withSpectrum(40, 90, fast, 3);
        assertThat(residual(wide, 40, 90, AdapterMerge.sketch(wide, 40, 90, 5, 7)))
                .isCloseTo(tail(fast, 5), within(1e-6 * tail(fast, 5)));
    }

    // the test's own PEFT magnitude pruning: the ⌊density·n⌋ largest magnitudes by a sort
    private static double[] pruned(double[] d, double density) {
        Integer[] order = new Integer[d.length];
        for (int i = 0; i < d.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(
                order,
                java.util.Comparator.<Integer>comparingDouble(i -> -Math.abs((float) d[i]))
                        .thenComparingInt(i -> i));
        double[] p = new double[d.length];
        for (int i = 0; i < (int) (density * d.length); i++) {
            p[order[i]] = d[order[i]];
        }
        return p;
    }

    private static double[] denseOf(LoraAdapter.Delta d) {
        double[] w = new double[d.out() * d.in()];
        addDense(w, d, 1);
        return w;
    }

    @Test
    void theDenseStrategiesPruneTheDeltasAsPeftAndCutTheResult() {
        // ranks 4 and 8, scalings 2 and 0.5: the dense strategies take any ranks
        LoraAdapter a = adapter("a", 4, 8, List.of("q_proj", "v_proj", "down_proj"), 1);
        LoraAdapter b = adapter("b", 8, 4, List.of("q_proj", "k_proj", "o_proj"), 2);
        double[] da = denseOf(a.delta(0, Projection.Q_PROJ));
        double[] db = denseOf(b.delta(0, Projection.Q_PROJ));
        double[] pa = pruned(da, 0.3);
        double[] pb = pruned(db, 0.3);
        double[] magnitude = new double[da.length];
        double[] ties = new double[da.length];
        for (int k = 0; k < da.length; k++) {
            magnitude[k] = 0.7 * pa[k] + 0.5 * pb[k];
            double elected = pa[k] + pb[k] >= 0 ? 1 : -1; // TOTAL: the sign of the pruned sum
            double sum = 0;
            int agreeing = 0;
            if (Math.signum(pa[k]) == elected) {
                sum += 0.7 * pa[k];
                agreeing++;
            }
            if (Math.signum(pb[k]) == elected) {
                sum += 0.5 * pb[k];
                agreeing++;
            }
            ties[k] = sum / Math.max(1, agreeing);
        }
        Map<Strategy, double[]> want = Map.of(Strategy.MAGNITUDE_PRUNE_SVD, magnitude, Strategy.TIES_SVD, ties);
        for (Map.Entry<Strategy, double[]> e : want.entrySet()) {
            AdapterMerge recipe = AdapterMerge.of(e.getKey(), 0.7, 0.5).withDensity(0.3);
            // rank 64 of a 64 × 64 module keeps everything: the pruned combination itself
            LoraAdapter full = LoraAdapter.load(
                    recipe.withRank(64)
                            .write(dir.resolve(e.getKey().id() + "-full"), BASE, List.of(a, b))
                            .dir(),
                    BASE);
            double[] got = denseOf(full.delta(0, Projection.Q_PROJ));
            double[] w = e.getValue();
            for (int k = 0; k < w.length; k++) {
                assertThat(got[k]).as("%s element %d", e.getKey(), k).isCloseTo(w[k], within(1e-6));
            }
            // a module only b adapts: b's pruned delta at b's weight (TIES: the only agreeing value)
            double[] onlyB = pruned(denseOf(b.delta(0, Projection.K_PROJ)), 0.3);
            double[] gotK = denseOf(full.delta(0, Projection.K_PROJ));
            for (int k = 0; k < onlyB.length; k++) {
                assertThat(gotK[k]).isCloseTo(0.5 * onlyB[k], within(1e-6));
            }
            // rank 3: the best rank-3 approximation of that combination (Eckart–Young), its singular
            // values the dense matrix's own
            LoraAdapter cut = LoraAdapter.load(
                    recipe.withRank(3)
                            .write(dir.resolve(e.getKey().id() + "-cut"), BASE, List.of(a, b))
                            .dir(),
                    BASE);
            LoraAdapter.Delta d = cut.delta(0, Projection.Q_PROJ);
            assertThat(d.rank()).isEqualTo(3);
            double[] sigma = topSingularValues(w, 64, 64, 3);
            double total = 0;
            for (double x : w) {
                total += x * x;
            }
            double best = total - (sigma[0] * sigma[0] + sigma[1] * sigma[1] + sigma[2] * sigma[2]);
            double[] approx = denseOf(d);
            double res = 0;
            for (int k = 0; k < w.length; k++) {
                res += (w[k] - approx[k]) * (w[k] - approx[k]);
            }
            assertThat(res).as(e.getKey().id()).isBetween(best * (1 - 1e-4), best * 1.01);
            // rank 0: the largest rank merged there, b's 8
            LoraAdapter auto = LoraAdapter.load(
                    recipe.write(dir.resolve(e.getKey().id() + "-auto"), BASE, List.of(a, b))
                            .dir(),
                    BASE);
            assertThat(auto.delta(0, Projection.Q_PROJ).rank()).isEqualTo(8);
            assertThat(auto.delta(0, Projection.V_PROJ).rank()).isEqualTo(4);
        }
    }

    @Test
    void dareOnTheDenseDeltasDropsEachDeltasElements() throws Exception {
        LoraAdapter a = adapter("a", 4, 8, List.of("q_proj"), 1);
        LoraAdapter b = adapter("b", 8, 8, List.of("q_proj"), 2);
        double[] da = denseOf(a.delta(0, Projection.Q_PROJ));
        double[] db = denseOf(b.delta(0, Projection.Q_PROJ));
        AdapterMerge dare =
                AdapterMerge.of(Strategy.DARE_LINEAR_SVD, 1, -1).withRank(64).withSeed(5);
        // density 1 drops nothing: the weighted sum (a negative weight subtracts), as CAT gives it
        double[] all = denseOf(LoraAdapter.load(
                        dare.write(dir.resolve("d1"), BASE, List.of(a, b)).dir(), BASE)
                .delta(0, Projection.Q_PROJ));
        for (int k = 0; k < all.length; k++) {
            assertThat(all[k]).isCloseTo(da[k] - db[k], within(1e-6));
        }
        // density 0.5: each element of each delta kept (and doubled) or dropped, independently
        double[] half = denseOf(LoraAdapter.load(
                        dare.withDensity(0.5)
                                .write(dir.resolve("d5"), BASE, List.of(a, b))
                                .dir(),
                        BASE)
                .delta(0, Projection.Q_PROJ));
        int[] seen = new int[4];
        for (int k = 0; k < half.length; k++) {
            int match = -1;
            for (int keep = 0; keep < 4; keep++) {
                double x = ((keep & 1) != 0 ? 2 * da[k] : 0) - ((keep & 2) != 0 ? 2 * db[k] : 0);
                if (Math.abs(half[k] - x) <= 1e-6) {
                    match = keep;
                    break;
                }
            }
            assertThat(match).as("element %d is a kept-or-dropped sum", k).isNotNegative();
            seen[match]++;
        }
        for (int n : seen) {
            assertThat(n / (double) half.length).isCloseTo(0.25, within(0.04));
        }
        // the seed decides the drops and the sketch: the same seed gives the same bytes
        AdapterMerge ties = AdapterMerge.of(Strategy.DARE_TIES_SVD, 0.6, 0.4)
                .withDensity(0.7)
                .withRank(4)
                .withSeed(9);
        byte[] one = Files.readAllBytes(LoraAdapter.weightsFile(
                ties.write(dir.resolve("t1"), BASE, List.of(a, b)).dir()));
        byte[] two = Files.readAllBytes(LoraAdapter.weightsFile(
                ties.write(dir.resolve("t2"), BASE, List.of(a, b)).dir()));
        byte[] other = Files.readAllBytes(LoraAdapter.weightsFile(
                ties.withSeed(10).write(dir.resolve("t3"), BASE, List.of(a, b)).dir()));
        assertThat(two).isEqualTo(one);
        assertThat(other).isNotEqualTo(one);
        try (SafeTensors st = SafeTensors.open(LoraAdapter.weightsFile(dir.resolve("t1")))) {
            assertThat(st.metadata().get("openledger.merge"))
                    .contains("\"strategy\":\"dare_ties_svd\"", "\"density\":0.7", "\"seed\":9", "\"rank\":4")
                    .contains("\"majority_sign_method\":\"total\"")
                    .doesNotContain("clamp");
        }
        assertThat(Strategy.of("ties_svd")).isEqualTo(Strategy.TIES_SVD);
        assertThat(Strategy.of("Dare-Ties-SVD")).isEqualTo(Strategy.DARE_TIES_SVD);
        assertThat(Strategy.TIES_SVD.electsSigns()).isTrue();
        assertThat(Strategy.MAGNITUDE_PRUNE_SVD.electsSigns()).isFalse();
    }

    @Test
    void theClampBoundsTheCutFactorsAtTheirQuantile() throws Exception {
        LoraAdapter a = adapter("a", 4, 8, List.of("q_proj", "up_proj"), 1);
        LoraAdapter b = adapter("b", 8, 4, List.of("q_proj"), 2);
        AdapterMerge svd = AdapterMerge.of(Strategy.SVD, 0.7, 0.3).withRank(3);
        LoraAdapter plain = LoraAdapter.load(
                svd.write(dir.resolve("plain"), BASE, List.of(a, b)).dir(), BASE);
        Path clampedDir = svd.withClamp(0.9)
                .write(dir.resolve("clamped"), BASE, List.of(a, b))
                .dir();
        LoraAdapter clamped = LoraAdapter.load(clampedDir, BASE);
        for (Projection p : List.of(Projection.Q_PROJ, Projection.UP_PROJ)) {
            LoraAdapter.Delta u = plain.delta(1, p);
            LoraAdapter.Delta c = clamped.delta(1, p);
            // torch.quantile(cat(B, A), 0.9): linear interpolation between the sorted neighbours
            double[] all = new double[u.b().length + u.a().length];
            for (int i = 0; i < u.b().length; i++) {
                all[i] = u.b()[i];
            }
            for (int i = 0; i < u.a().length; i++) {
                all[u.b().length + i] = u.a()[i];
            }
            java.util.Arrays.sort(all);
            double pos = 0.9 * (all.length - 1);
            int lo = (int) pos;
            float h = (float) (all[lo] + (pos - lo) * (all[lo + 1] - all[lo]));
            int clipped = 0;
            for (int i = 0; i < u.a().length; i++) {
                assertThat(c.a()[i]).isEqualTo(Math.max(-h, Math.min(h, u.a()[i])));
                clipped += c.a()[i] != u.a()[i] ? 1 : 0;
            }
            for (int i = 0; i < u.b().length; i++) {
                assertThat(c.b()[i]).isEqualTo(Math.max(-h, Math.min(h, u.b()[i])));
                clipped += c.b()[i] != u.b()[i] ? 1 : 0;
            }
            assertThat(clipped)
                    .as("%s: about a tenth clipped above, and some below", p)
                    .isGreaterThan(all.length / 10);
        }
        try (SafeTensors st = SafeTensors.open(LoraAdapter.weightsFile(clampedDir))) {
            assertThat(st.metadata().get("openledger.merge")).contains("\"clamp\":0.9");
        }
        assertThatThrownBy(() -> svd.withClamp(1.5)).hasMessageContaining("clamp must be a quantile");
    }
}
