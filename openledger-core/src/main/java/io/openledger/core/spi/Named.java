package io.openledger.core.spi;

/** A plug-in with a stable id by which configurations and users select it. */
public interface Named {
    /** A stable, unique id such as {@code "span-infini-gram"}; never changes between releases. */
    String id();
}
