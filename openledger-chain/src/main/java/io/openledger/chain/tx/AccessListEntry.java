package io.openledger.chain.tx;

import io.openledger.core.Address;
import io.openledger.core.Hash;
import java.util.List;

/**
 * One EIP-2930 access-list entry: an address and the storage slots warmed for it. Immutable.
 *
 * @param address the account
 * @param storageKeys the slots (an unmodifiable copy)
 */
public record AccessListEntry(Address address, List<Hash> storageKeys) {
    /** Copies the keys. */
    public AccessListEntry {
        storageKeys = List.copyOf(storageKeys);
    }
}
