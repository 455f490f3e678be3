package io.openledger.attribution;

/** Identity of the {@code openledger-attribution} module. */
public final class AttributionModule {
    /** The Java module name. */
    public static final String NAME = "io.openledger.attribution";

    private AttributionModule() {}
}
