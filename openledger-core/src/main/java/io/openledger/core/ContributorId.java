package io.openledger.core;

/**
 * A data contributor, identified by the Ethereum address of the secp256k1 key that signs their
 * contributions, so ownership is provable without trusting the host.
 *
 * @param address the contributor's address
 */
public record ContributorId(Address address) implements Comparable<ContributorId> {
    /** The contributor with this address. */
    public static ContributorId of(Address address) {
        return new ContributorId(address);
    }

    /** Parses an address in hex (see {@link Address#fromHex}). */
    public static ContributorId fromHex(String hex) {
        return new ContributorId(Address.fromHex(hex));
    }

    @Override
    public int compareTo(ContributorId o) {
        return address.compareTo(o.address);
    }

    @Override
    public String toString() {
        return address.toString();
    }
}
