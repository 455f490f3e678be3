package io.openledger.lora.internal;

/** Constants and quantization of the 8-bit block format (Q8_0 style: 32 int8 values share one scale). */
public final class Q8 {
    /** Values per block. */
    public static final int BLOCK = 32;

    private Q8() {}

    /**
     * Quantizes {@code n} values (a multiple of {@link #BLOCK}) symmetrically: scale = max|v| / 127,
     * q = round(v / scale).
     */
    public static void quantize(float[] src, int srcOff, int n, byte[] q, int qOff, float[] scales, int sOff) {
        for (int b = 0; b < n / BLOCK; b++) {
            float max = 0;
            for (int j = 0; j < BLOCK; j++) {
                max = Math.max(max, Math.abs(src[srcOff + b * BLOCK + j]));
            }
            float scale = max / 127f;
            float inv = scale == 0 ? 0 : 1f / scale;
            scales[sOff + b] = scale;
            for (int j = 0; j < BLOCK; j++) {
                q[qOff + b * BLOCK + j] = (byte) Math.round(src[srcOff + b * BLOCK + j] * inv);
            }
        }
    }
}
