package io.openledger.token;

/** Identity of the {@code openledger-token} module. */
public final class TokenModule {
    /** The Java module name. */
    public static final String NAME = "io.openledger.token";

    private TokenModule() {}
}
