package io.openledger.core.contract;

import java.util.Arrays;
import java.util.List;

/**
 * One example's gradient, split into layers: layer {@code l} holds the flattened gradient of the
 * loss with respect to one trainable tensor (for LoRA, one {@code lora_A} or {@code lora_B} matrix),
 * in the order of {@link LoraGradients#layers()}. Immutable: the arrays are copied in and out.
 */
public final class LayerGradients {
    private final float[][] layers;

    private LayerGradients(float[][] layers) {
        this.layers = layers;
    }

    /**
     * Copies {@code perLayer}.
     *
     * @throws IllegalArgumentException if there is no layer, or a value is NaN or infinite
     */
    public static LayerGradients of(List<float[]> perLayer) {
        if (perLayer.isEmpty()) {
            throw new IllegalArgumentException("perLayer must hold at least one layer");
        }
        float[][] copy = new float[perLayer.size()][];
        for (int l = 0; l < copy.length; l++) {
            copy[l] = perLayer.get(l).clone();
            for (float v : copy[l]) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("layer " + l + " holds a non-finite gradient value " + v);
                }
            }
        }
        return new LayerGradients(copy);
    }

    /** The number of layers. */
    public int layerCount() {
        return layers.length;
    }

    /**
     * The number of values in layer {@code layer}.
     *
     * @throws IndexOutOfBoundsException if {@code layer} is not in [0, layerCount())
     */
    public int dimension(int layer) {
        return layers[layer].length;
    }

    /**
     * A copy of layer {@code layer}'s gradient.
     *
     * @throws IndexOutOfBoundsException if {@code layer} is not in [0, layerCount())
     */
    public float[] layer(int layer) {
        return layers[layer].clone();
    }

    /**
     * The dot product of layer {@code layer} with {@code other}'s same layer, summed in double.
     *
     * @throws IllegalArgumentException if the layer sizes differ
     */
    public double dot(int layer, LayerGradients other) {
        float[] a = layers[layer];
        float[] b = other.layers[layer];
        if (a.length != b.length) {
            throw new IllegalArgumentException("layer " + layer + " sizes differ: " + a.length + " vs " + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /**
     * The dot product of layer {@code layer} with {@code v}, summed in double, without copying.
     *
     * @throws IllegalArgumentException if the sizes differ
     */
    public double dot(int layer, double[] v) {
        float[] a = layers[layer];
        if (a.length != v.length) {
            throw new IllegalArgumentException("layer " + layer + " sizes differ: " + a.length + " vs " + v.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * v[i];
        }
        return s;
    }

    /**
     * Adds {@code scale} times layer {@code layer} to {@code acc}, without copying.
     *
     * @throws IllegalArgumentException if the sizes differ
     */
    public void addScaledTo(int layer, double scale, double[] acc) {
        float[] a = layers[layer];
        if (a.length != acc.length) {
            throw new IllegalArgumentException("layer " + layer + " sizes differ: " + a.length + " vs " + acc.length);
        }
        for (int i = 0; i < a.length; i++) {
            acc[i] += scale * a[i];
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerGradients g && Arrays.deepEquals(layers, g.layers);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(layers);
    }

    @Override
    public String toString() {
        return "LayerGradients[" + layers.length + " layers]";
    }
}
