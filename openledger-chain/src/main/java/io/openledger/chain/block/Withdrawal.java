package io.openledger.chain.block;

import io.openledger.chain.internal.RlpFields;
import io.openledger.core.Address;
import io.openledger.core.Bytes;
import java.util.Objects;

/**
 * An EIP-4895 beacon-chain withdrawal: {@code rlp([index, validatorIndex, address, amount])}, the
 * amount in Gwei. Immutable.
 *
 * @param index withdrawal index (unsigned 64-bit)
 * @param validatorIndex validator index (unsigned 64-bit)
 * @param address recipient
 * @param amountGwei amount in Gwei (unsigned 64-bit)
 */
public record Withdrawal(long index, long validatorIndex, Address address, long amountGwei) {
    /** Checks for null. */
    public Withdrawal {
        Objects.requireNonNull(address, "address");
    }

    /** The RLP encoding. */
    public Bytes encode() {
        return new RlpFields()
                .uint(index)
                .uint(validatorIndex)
                .bytes(address.bytes())
                .uint(amountGwei)
                .list();
    }
}
