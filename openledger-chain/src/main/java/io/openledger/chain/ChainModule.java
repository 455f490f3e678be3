package io.openledger.chain;

/** Identity of the {@code openledger-chain} module. */
public final class ChainModule {
    /** The Java module name. */
    public static final String NAME = "io.openledger.chain";

    private ChainModule() {}
}
