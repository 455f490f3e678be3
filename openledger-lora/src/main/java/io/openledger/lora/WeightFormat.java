package io.openledger.lora;

/** How the engine holds the base model's linear weights in memory (converted at load time). */
public enum WeightFormat {
    /** float32: exact, 4 bytes per weight. */
    F32,
    /** bfloat16: 2 bytes per weight. */
    BF16,
    /** 8-bit blocks of 32 with a float32 scale each (Q8_0 style): 1.125 bytes per weight. */
    Q8
}
