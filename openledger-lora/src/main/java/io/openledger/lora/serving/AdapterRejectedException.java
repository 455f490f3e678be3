package io.openledger.lora.serving;

import io.openledger.core.AdapterId;

/**
 * An adapter was refused at registration (bad files, wrong shapes, modules the base lacks, a
 * duplicate id) or is unknown to the registry at request time. Nothing was stored or scheduled.
 */
public final class AdapterRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The adapter id that was refused. */
    private final String adapter;

    /** Creates the exception for {@code adapter} with a human-readable {@code reason}. */
    public AdapterRejectedException(AdapterId adapter, String reason) {
        this(adapter, reason, null);
    }

    /** As {@link #AdapterRejectedException(AdapterId, String)}, keeping the underlying cause. */
    public AdapterRejectedException(
            AdapterId adapter, String reason, @org.jspecify.annotations.Nullable Throwable cause) {
        super("adapter '" + adapter.value() + "' rejected: " + reason, cause);
        this.adapter = adapter.value();
    }

    /** The refused adapter's id. */
    public AdapterId adapter() {
        return AdapterId.of(adapter);
    }
}
