package io.openledger.lora;

/** Error measures used by the numeric tests. */
final class Numerics {
    private Numerics() {}

    /** max |a - b| / max |b|: the relative error of {@code a} against the reference {@code b}. */
    static double relErr(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(a.length + " vs " + b.length);
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num = Math.max(num, Math.abs((double) a[i] - b[i]));
            den = Math.max(den, Math.abs((double) b[i]));
        }
        return num / den;
    }

    /** ||a - b||₂ / ||b||₂: the relative L2 error of {@code a} against the reference {@code b}. */
    static double relL2(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }
}
