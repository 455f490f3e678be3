package io.openledger.chain.tx;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.crypto.PrivateKey;
import java.util.Optional;

/**
 * An Ethereum or OP Stack transaction. Implementations are immutable records; {@link #encode()} is
 * the canonical EIP-2718 form (the RLP list itself for legacy), and {@link Transactions#decode}
 * accepts exactly that form. Thread-safe.
 */
public sealed interface Transaction
        permits LegacyTransaction, AccessListTransaction, DynamicFeeTransaction, BlobTransaction, DepositTransaction {
    /** The type. */
    TransactionType type();

    /** The sender's nonce, an unsigned 64-bit value (deposits carry none: 0). */
    long nonce();

    /** The gas limit, an unsigned 64-bit value. */
    long gasLimit();

    /** The recipient; empty for contract creation. */
    Optional<Address> to();

    /** Wei transferred. */
    Amount value();

    /** Call data or init code. */
    Bytes data();

    /** The canonical encoding (EIP-2718 envelope; legacy is the bare RLP list). */
    Bytes encode();

    /** The transaction hash: keccak256 of {@link #encode()}. */
    default Hash hash() {
        return Hashing.keccak256(encode());
    }

    /**
     * The sender. For signed transactions the signer recovered from the signature (EIP-2 low-s
     * enforced); for deposits the {@code from} field.
     *
     * @throws InvalidTransactionException if unsigned, or the signature is out of range or recovers nothing
     */
    Address sender();

    /**
     * This transaction signed with {@code key} (deterministic RFC 6979, low-s).
     *
     * @throws UnsupportedOperationException for deposits, which are never signed
     */
    Transaction sign(PrivateKey key);
}
