package io.openledger.lora.serving;

import io.openledger.lora.serving.internal.CudaSupport;
import java.util.Optional;

/** Where a {@link LoraServer} runs its forward passes. */
public enum Backend {
    /** The pure-Java engine on the CPU (Vector API kernels where available): the default. */
    CPU,

    /**
     * The CUDA engine on an NVIDIA GPU (compute capability 8.0 or newer), through JCuda's driver
     * API: the base weights, the KV cache and the adapters in use live in device memory. Needs
     * {@code org.jcuda:jcuda} and its natives on the class or module path, and a driver; {@link
     * #unavailableReason()} says what is missing.
     */
    CUDA;

    /**
     * Why this backend cannot run here, or empty if it can. The CPU backend always can; the CUDA
     * backend needs JCuda and a driver that reports at least one device.
     */
    public Optional<String> unavailableReason() {
        return this == CPU ? Optional.empty() : CudaSupport.unavailableReason();
    }
}
