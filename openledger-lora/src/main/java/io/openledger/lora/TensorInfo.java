package io.openledger.lora;

import java.util.List;

/**
 * One tensor entry of a safetensors header.
 *
 * @param name tensor name
 * @param dtype element type
 * @param shape dimensions, row-major (empty for a scalar)
 * @param begin start of the data, relative to the byte buffer after the header
 * @param end exclusive end of the data, relative to the byte buffer
 */
public record TensorInfo(String name, DType dtype, List<Long> shape, long begin, long end) {
    /** Copies the shape. */
    public TensorInfo {
        shape = List.copyOf(shape);
    }

    /** Number of elements (1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Size of the data in bytes. */
    public long byteSize() {
        return end - begin;
    }

    /** The shape as ints; throws {@link ModelFormatException} if a dimension exceeds int. */
    public int[] intShape() {
        int[] s = new int[shape.size()];
        for (int i = 0; i < s.length; i++) {
            long d = shape.get(i);
            if (d > Integer.MAX_VALUE) {
                throw new ModelFormatException(name, "dimension " + d + " exceeds " + Integer.MAX_VALUE);
            }
            s[i] = (int) d;
        }
        return s;
    }
}
