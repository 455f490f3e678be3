package io.openledger.lora.internal;

/** Prints the kernels the selector picks; run in a child JVM with and without the Vector API module. */
public final class KernelProbe {
    private KernelProbe() {}

    /** Entry point. */
    public static void main(String[] args) {
        System.out.println(KernelSelector.best().id());
    }
}
