package io.openledger.chain.tx;

import io.openledger.chain.internal.RlpFields;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.PrivateKey;
import java.util.Objects;
import java.util.Optional;

/**
 * An OP Stack deposited transaction (type 0x7E, specs {@code protocol/deposits.md}): {@code 0x7E ++
 * rlp([sourceHash, from, to, mint, value, gas, isSystemTx, data])}. It has no nonce and no
 * signature; its sender is {@code from}. Immutable.
 *
 * @param sourceHash uniquely identifies the deposit's origin (see {@code op.SourceHash})
 * @param from the sender (already aliased when the L1 caller was a contract)
 * @param to recipient, empty for creation
 * @param mint wei minted on L2 before execution
 * @param value wei sent
 * @param gasLimit unsigned 64-bit gas limit
 * @param isSystemTx true only for pre-Regolith system transactions
 * @param data call data or init code
 */
public record DepositTransaction(
        Hash sourceHash,
        Address from,
        Optional<Address> to,
        Amount mint,
        Amount value,
        long gasLimit,
        boolean isSystemTx,
        Bytes data)
        implements Transaction {
    /** Checks for nulls. */
    public DepositTransaction {
        Objects.requireNonNull(sourceHash, "sourceHash");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(mint, "mint");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(data, "data");
    }

    @Override
    public TransactionType type() {
        return TransactionType.DEPOSIT;
    }

    /** Deposits carry no nonce: always 0. */
    @Override
    public long nonce() {
        return 0;
    }

    @Override
    public Bytes encode() {
        return new RlpFields()
                .hash(sourceHash)
                .bytes(from.bytes())
                .address(to)
                .uint(mint)
                .uint(value)
                .uint(gasLimit)
                .bool(isSystemTx)
                .bytes(data)
                .typed(TransactionType.DEPOSIT.id());
    }

    /** The {@code from} field. */
    @Override
    public Address sender() {
        return from;
    }

    /** Always throws: deposits are authorised by L1, not signed. */
    @Override
    public Transaction sign(PrivateKey key) {
        throw new UnsupportedOperationException("deposit transactions are not signed");
    }
}
