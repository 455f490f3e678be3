package io.openledger.lora;

import java.util.Optional;

/**
 * Element types of the safetensors format with their sizes in bytes (names and sizes as in
 * {@code huggingface/safetensors safetensors/src/tensor.rs}).
 */
public enum DType {
    /** Boolean, one byte. */
    BOOL(1),
    /** Unsigned 8-bit. */
    U8(1),
    /** Signed 8-bit. */
    I8(1),
    /** 8-bit float, 5 exponent bits. */
    F8_E5M2(1),
    /** 8-bit float, 4 exponent bits. */
    F8_E4M3(1),
    /** Signed 16-bit. */
    I16(2),
    /** Unsigned 16-bit. */
    U16(2),
    /** IEEE half precision. */
    F16(2),
    /** bfloat16: the upper half of an IEEE single. */
    BF16(2),
    /** Signed 32-bit. */
    I32(4),
    /** Unsigned 32-bit. */
    U32(4),
    /** IEEE single precision. */
    F32(4),
    /** IEEE double precision. */
    F64(8),
    /** Signed 64-bit. */
    I64(8),
    /** Unsigned 64-bit. */
    U64(8);

    private final int size;

    DType(int size) {
        this.size = size;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** Whether {@link SafeTensors#floats} can convert this type to float32. */
    public boolean isFloatConvertible() {
        return this == F32 || this == F16 || this == BF16 || this == I8;
    }

    /** The type spelled exactly as in a safetensors header, if it is one. */
    public static Optional<DType> fromName(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
