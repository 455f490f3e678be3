package io.openledger.lora.internal;

/**
 * e^x in float from basic IEEE operations only: round to nearest by the 1.5·2²³ trick, a two-part
 * ln 2 reduction with fused multiply-adds, and Cephes' degree-5 polynomial for e^r on |r| ≤ ln2/2,
 * scaled by 2ⁿ through the exponent bits (Moshier, Cephes Math Library, {@code expf.c}; within 2
 * ulp of e^x on [-87.3, 88.7], inputs clamped to that range).
 *
 * <p>Why not {@code Math.exp} or the Vector API's {@code EXP}: those may give results that differ by
 * an ulp between the interpreter and compiled code, and the serving engine needs a row's arithmetic
 * to give the same bits however and whenever it runs. The vector kernels do the same operations
 * lane by lane, so the scalar and vector paths agree bit for bit.
 */
public final class Exp {
    private Exp() {}

    static final float MIN = -87.3f;
    static final float MAX = 88.7f;
    static final float LOG2E = 1.44269504088896341f;
    static final float ROUND = 12582912f; // 1.5 · 2^23: adding and subtracting it rounds to an integer
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    static final float P0 = 1.9875691500e-4f;
    static final float P1 = 1.3981999507e-3f;
    static final float P2 = 8.3334519073e-3f;
    static final float P3 = 4.1665795894e-2f;
    static final float P4 = 1.6666665459e-1f;
    static final float P5 = 5.0000001201e-1f;

    /** e^x; the operations of the vector kernels' lanes, in the same order. */
    public static float exp(float x) {
        x = Math.min(Math.max(x, MIN), MAX);
        float t = x * LOG2E + ROUND - ROUND;
        float r = Math.fma(-t, LN2_HI, x);
        r = Math.fma(-t, LN2_LO, r);
        float p = Math.fma(P0, r, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float y = p * r * r + r + 1f;
        return y * Float.intBitsToFloat(((int) t + 127) << 23);
    }
}
