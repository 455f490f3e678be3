package io.openledger.lora.internal;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API at the platform's preferred float width. Loaded only by reflection from
 * {@link KernelSelector}, so nothing else links against {@code jdk.incubator.vector}.
 */
public final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));

    /** Public for reflective construction. */
    public VectorKernels() {
        if (L < 4 || Q8.BLOCK % L != 0 || (Bf16Pack.BLOCK / 2) % L != 0 || I.length() != L) {
            throw new UnsupportedOperationException("float vector length " + L + " does not divide the Q8 block");
        }
    }

    @Override
    public String id() {
        return "vector(" + L + " lanes)";
    }

    @Override
    public float dotF32(float[] w, int wOff, float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            a0 = FloatVector.fromArray(F, w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = FloatVector.fromArray(F, w, wOff + i + L).fma(FloatVector.fromArray(F, x, xOff + i + L), a1);
        }
        for (; i + L <= n; i += L) {
            a0 = FloatVector.fromArray(F, w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
        }
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += w[wOff + i] * x[xOff + i];
        }
        return s;
    }

    @Override
    public float dotBf16(int[] w, int wOff, float[] x, int xOff, int n) {
        // Bf16Pack: int j of a 32-element block holds element j (low half) and element 16 + j (high);
        // int i of the row therefore covers x[2·(i - i%16) + i%16] and 16 elements further on.
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int full = n / Bf16Pack.BLOCK;
        int ints = full * (Bf16Pack.BLOCK / 2);
        for (int i = 0; i < ints; i += L) {
            IntVector iv = IntVector.fromArray(I, w, wOff + i);
            int xb = xOff + ((i & ~15) << 1) + (i & 15);
            a0 = iv.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, xb), a0);
            a1 = iv.lanewise(VectorOperators.AND, 0xFFFF0000)
                    .reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F, x, xb + 16), a1);
        }
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        return s + Bf16Pack.dotScalar(w, wOff, x, xOff, full, n);
    }

    @Override
    public float dotQ8(byte[] q, int qOff, float[] scales, int sOff, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int blocks = n / Q8.BLOCK;
        for (int b = 0; b < blocks; b++) {
            int base = b * Q8.BLOCK;
            FloatVector blk = FloatVector.zero(F);
            for (int j = 0; j < Q8.BLOCK; j += L) {
                FloatVector qv = (FloatVector)
                        ByteVector.fromArray(B, q, qOff + base + j).castShape(F, 0);
                blk = qv.fma(FloatVector.fromArray(F, x, xOff + base + j), blk);
            }
            acc = blk.fma(FloatVector.broadcast(F, scales[sOff + b]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector av = FloatVector.broadcast(F, a);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(F, x, xOff + i)
                    .fma(av, FloatVector.fromArray(F, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }
}
