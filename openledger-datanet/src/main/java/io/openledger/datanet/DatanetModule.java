package io.openledger.datanet;

/** Identity of the {@code openledger-datanet} module. */
public final class DatanetModule {
    /** The Java module name. */
    public static final String NAME = "io.openledger.datanet";

    private DatanetModule() {}
}
