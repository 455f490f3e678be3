package io.openledger.lora.serving;

import io.openledger.core.AdapterId;
import io.openledger.core.Address;

/**
 * A caller may not use a restricted adapter ({@link AdapterAccess}), or someone other than its owner
 * tried to change who may. Nothing was queued or stored.
 */
public final class AdapterAccessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String adapter;
    private final String caller; // hex: Address is not Serializable

    /** Creates the exception for {@code caller} on {@code adapter}, saying why. */
    public AdapterAccessException(AdapterId adapter, Address caller, String reason) {
        super("adapter '" + adapter.value() + "': " + caller.toChecksumHex() + " " + reason);
        this.adapter = adapter.value();
        this.caller = caller.toHex();
    }

    /** The adapter. */
    public AdapterId adapter() {
        return AdapterId.of(adapter);
    }

    /** The refused caller. */
    public Address caller() {
        return Address.fromHex(caller);
    }
}
