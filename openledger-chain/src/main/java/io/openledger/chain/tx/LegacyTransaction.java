package io.openledger.chain.tx;

import io.openledger.chain.internal.RlpFields;
import io.openledger.chain.internal.TxSigning;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.crypto.PrivateKey;
import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A legacy (untyped) transaction: {@code rlp([nonce, gasPrice, gas, to, value, data, v, r, s])}.
 * With a chain id it is EIP-155 replay-protected ({@code v = 2·chainId + 35 + yParity}, signing
 * over {@code [.., chainId, 0, 0]}); without, {@code v = 27 + yParity}. While unsigned it encodes as
 * that signing payload ({@code [.., chainId or 0, 0, 0]}), and the decoder reads any {@code r = s = 0}
 * back as unsigned with chain id {@code v} (none for v = 0); such a transaction has no sender.
 * Immutable.
 *
 * @param nonce unsigned 64-bit nonce
 * @param gasPrice wei per gas
 * @param gasLimit unsigned 64-bit gas limit
 * @param to recipient, empty for creation
 * @param value wei sent
 * @param data call data or init code
 * @param chainId the EIP-155 chain id, or empty for an unprotected transaction
 * @param signature the signature, or empty while unsigned
 */
public record LegacyTransaction(
        long nonce,
        Amount gasPrice,
        long gasLimit,
        Optional<Address> to,
        Amount value,
        Bytes data,
        OptionalLong chainId,
        Optional<TxSignature> signature)
        implements Transaction {
    /** Checks for nulls. */
    public LegacyTransaction {
        Objects.requireNonNull(gasPrice, "gasPrice");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(chainId, "chainId");
        Objects.requireNonNull(signature, "signature");
    }

    @Override
    public TransactionType type() {
        return TransactionType.LEGACY;
    }

    /** The v value on the wire (0 while unsigned). */
    public BigInteger v() {
        if (signature.isEmpty()) {
            return BigInteger.ZERO;
        }
        int y = signature.get().yParity();
        return chainId.isPresent()
                ? new BigInteger(Long.toUnsignedString(chainId.getAsLong()))
                        .shiftLeft(1)
                        .add(BigInteger.valueOf(35 + y))
                : BigInteger.valueOf(27 + y);
    }

    /** The hash the signer signs (EIP-155 form when a chain id is set). */
    public Hash signingHash() {
        RlpFields f = body();
        chainId.ifPresent(id -> f.uint(id).uint(0).uint(0));
        return Hashing.keccak256(f.list());
    }

    @Override
    public Bytes encode() {
        RlpFields f = body();
        TxSignature sig = signature.orElse(null);
        if (sig == null) {
            f.uint(chainId.orElse(0)).uint(0).uint(0);
        } else {
            f.uint(v()).uint(sig.r()).uint(sig.s());
        }
        return f.list();
    }

    private RlpFields body() {
        return new RlpFields()
                .uint(nonce)
                .uint(gasPrice)
                .uint(gasLimit)
                .address(to)
                .uint(value)
                .bytes(data);
    }

    @Override
    public Address sender() {
        TxSignature sig = signature.orElseThrow(() -> new InvalidTransactionException(
                InvalidTransactionException.Reason.INVALID_SIGNATURE, "transaction is unsigned"));
        return TxSigning.recover(signingHash(), sig);
    }

    @Override
    public LegacyTransaction sign(PrivateKey key) {
        return new LegacyTransaction(
                nonce, gasPrice, gasLimit, to, value, data, chainId, Optional.of(TxSigning.sign(key, signingHash())));
    }
}
