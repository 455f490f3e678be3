package io.openledger.lora.serving;

import io.openledger.core.Address;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may run requests on a registered adapter: anyone ({@link #PUBLIC}, the default), or only its
 * owner and the addresses it granted ({@link #privateTo}). A {@link LoraServer} checks a request's
 * {@link GenerationRequest#caller() caller} against it when the request is submitted, before it is
 * queued or batched, as LoRAX checks a private adapter's token per request. The server trusts the
 * caller address its host sets: authenticating users (a session, a signed request, an API key) is
 * the host's part. Immutable.
 *
 * @param restricted whether only the owner and {@code grantees} may use the adapter
 * @param grantees addresses besides the owner allowed to use a restricted adapter (sorted; empty
 *     when not restricted)
 */
public record AdapterAccess(boolean restricted, Set<Address> grantees) {
    /** Anyone may use the adapter. */
    public static final AdapterAccess PUBLIC = new AdapterAccess(false, Set.of());

    /**
     * Copies the grantees into an immutable sorted set.
     *
     * @throws IllegalArgumentException if an unrestricted access names grantees
     */
    public AdapterAccess {
        TreeSet<Address> sorted = new TreeSet<>(grantees);
        if (!restricted && !sorted.isEmpty()) {
            throw new IllegalArgumentException("grantees only apply to a restricted adapter");
        }
        grantees = java.util.Collections.unmodifiableSortedSet(sorted);
    }

    /** Only the owner and {@code grantees} may use the adapter. */
    public static AdapterAccess privateTo(Address... grantees) {
        return new AdapterAccess(true, Set.of(grantees));
    }

    /** Whether {@code caller} may run requests on an adapter owned by {@code owner}. */
    public boolean allows(Address owner, Address caller) {
        return !restricted || caller.equals(owner) || grantees.contains(caller);
    }
}
