package io.openledger.chain.tx;

import io.openledger.chain.internal.RlpFields;
import io.openledger.chain.internal.TxSigning;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.crypto.PrivateKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An EIP-2930 transaction: {@code 0x01 ++ rlp([chainId, nonce, gasPrice, gas, to, value, data, accessList, yParity, r, s])}. Unsigned while {@code signature} is empty (encoded then with y parity, r and s all zero).
 * Immutable.
 *
 * @param chainId the chain id (unsigned 64-bit)
 * @param nonce unsigned 64-bit nonce
 * @param gasPrice wei per gas
 * @param gasLimit unsigned 64-bit gas limit
 * @param to recipient, empty for creation
 * @param value wei sent
 * @param data call data or init code
 * @param accessList EIP-2930 access list
 * @param signature the signature, or empty while unsigned
 */
public record AccessListTransaction(
        long chainId,
        long nonce,
        Amount gasPrice,
        long gasLimit,
        Optional<Address> to,
        Amount value,
        Bytes data,
        List<AccessListEntry> accessList,
        Optional<TxSignature> signature)
        implements Transaction {
    /** Checks for nulls and copies the lists. */
    public AccessListTransaction {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(data, "data");
        accessList = List.copyOf(accessList);
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(gasPrice, "gasPrice");
    }

    @Override
    public TransactionType type() {
        return TransactionType.ACCESS_LIST;
    }

    /** The hash the signer signs: keccak256(type ++ rlp(fields without the signature)). */
    public Hash signingHash() {
        return Hashing.keccak256(fields().typed(type().id()));
    }

    @Override
    public Bytes encode() {
        return fields().signature(signature).typed(type().id());
    }

    private RlpFields fields() {
        return new RlpFields()
                .uint(chainId)
                .uint(nonce)
                .uint(gasPrice)
                .uint(gasLimit)
                .address(to)
                .uint(value)
                .bytes(data)
                .accessList(accessList);
    }

    @Override
    public Address sender() {
        TxSignature sig = signature.orElseThrow(() -> new InvalidTransactionException(
                InvalidTransactionException.Reason.INVALID_SIGNATURE, "transaction is unsigned"));
        return TxSigning.recover(signingHash(), sig);
    }

    @Override
    public AccessListTransaction sign(PrivateKey key) {
        return new AccessListTransaction(
                chainId,
                nonce,
                gasPrice,
                gasLimit,
                to,
                value,
                data,
                accessList,
                Optional.of(TxSigning.sign(key, signingHash())));
    }
}
