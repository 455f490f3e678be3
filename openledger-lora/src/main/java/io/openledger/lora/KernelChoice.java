package io.openledger.lora;

/** Which compute kernels the engine uses. */
public enum KernelChoice {
    /** The Vector API when {@code jdk.incubator.vector} is present, scalar otherwise. */
    AUTO,
    /** Plain Java loops. */
    SCALAR,
    /** The Vector API; model loading fails if the module is absent. */
    VECTOR
}
