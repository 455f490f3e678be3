package io.openledger.lora;

/** Identity of the {@code openledger-lora} module. */
public final class LoraModule {
    /** The Java module name. */
    public static final String NAME = "io.openledger.lora";

    private LoraModule() {}
}
