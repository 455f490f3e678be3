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
 * An EIP-1559 transaction: {@code 0x02 ++ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gas, to, value, data, accessList, yParity, r, s])}. Unsigned while {@code signature} is empty (encoded then with y parity, r and s all zero).
 * Immutable.
 *
 * @param chainId the chain id (unsigned 64-bit)
 * @param nonce unsigned 64-bit nonce
 * @param maxPriorityFeePerGas tip cap, wei per gas
 * @param maxFeePerGas fee cap, wei per gas
 * @param gasLimit unsigned 64-bit gas limit
 * @param to recipient, empty for creation
 * @param value wei sent
 * @param data call data or init code
 * @param accessList EIP-2930 access list
 * @param signature the signature, or empty while unsigned
 */
public record DynamicFeeTransaction(
        long chainId,
        long nonce,
        Amount maxPriorityFeePerGas,
        Amount maxFeePerGas,
        long gasLimit,
        Optional<Address> to,
        Amount value,
        Bytes data,
        List<AccessListEntry> accessList,
        Optional<TxSignature> signature)
        implements Transaction {
    /** Checks for nulls and copies the lists. */
    public DynamicFeeTransaction {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(data, "data");
        accessList = List.copyOf(accessList);
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(maxPriorityFeePerGas, "maxPriorityFeePerGas");
        Objects.requireNonNull(maxFeePerGas, "maxFeePerGas");
    }

    /**
     * An unsigned call (or transfer, with empty {@code data}) to {@code to} with no access list: the
     * common case, without spelling out the creation and access-list fields.
     */
    public static DynamicFeeTransaction call(
            long chainId,
            long nonce,
            Amount maxPriorityFeePerGas,
            Amount maxFeePerGas,
            long gasLimit,
            Address to,
            Amount value,
            Bytes data) {
        return new DynamicFeeTransaction(
                chainId,
                nonce,
                maxPriorityFeePerGas,
                maxFeePerGas,
                gasLimit,
                Optional.of(to),
                value,
                data,
                List.of(),
                Optional.empty());
    }

    @Override
    public TransactionType type() {
        return TransactionType.DYNAMIC_FEE;
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
                .uint(maxPriorityFeePerGas)
                .uint(maxFeePerGas)
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
    public DynamicFeeTransaction sign(PrivateKey key) {
        return new DynamicFeeTransaction(
                chainId,
                nonce,
                maxPriorityFeePerGas,
                maxFeePerGas,
                gasLimit,
                to,
                value,
                data,
                accessList,
                Optional.of(TxSigning.sign(key, signingHash())));
    }
}
