package io.openledger.lora.internal;

import java.util.Optional;

/**
 * Chooses the kernels at run time: the Vector API ones when the {@code jdk.incubator.vector} module
 * is in the boot layer ({@code --add-modules jdk.incubator.vector}), the scalar ones otherwise.
 */
public final class KernelSelector {
    private KernelSelector() {}

    /** Whether the Vector API module is present and the vector kernels load. */
    public static boolean vectorAvailable() {
        return loadVector().isPresent();
    }

    /** The vector kernels if available. */
    public static Optional<Kernels> loadVector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of((Kernels) Class.forName("io.openledger.lora.internal.VectorKernels")
                    .getDeclaredConstructor()
                    .newInstance());
        } catch (ReflectiveOperationException | LinkageError | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** The best available kernels. */
    public static Kernels best() {
        return loadVector().orElse(ScalarKernels.INSTANCE);
    }
}
