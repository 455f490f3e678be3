package io.openledger.chain.internal;

import io.openledger.chain.tx.InvalidTransactionException;
import io.openledger.chain.tx.InvalidTransactionException.Reason;
import io.openledger.chain.tx.TxSignature;
import io.openledger.core.Address;
import io.openledger.core.Hash;
import io.openledger.core.crypto.PrivateKey;
import io.openledger.core.crypto.Signature;
import java.math.BigInteger;

/** Signing and sender recovery shared by the signed transaction types. Stateless. */
public final class TxSigning {
    /** The secp256k1 group order n (SEC 2, section 2.4.1). */
    public static final BigInteger N =
            new BigInteger("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);

    private static final BigInteger HALF_N = N.shiftRight(1);

    private TxSigning() {}

    /** Signs {@code signingHash}; the result's parity is the recovery id. */
    public static TxSignature sign(PrivateKey key, Hash signingHash) {
        Signature s = key.sign(signingHash);
        if (s.recoveryId() > 1) {
            // R.x >= n happens with probability ~2^-128; no transaction format can carry it
            throw new IllegalStateException("signature needs recovery id " + s.recoveryId());
        }
        return new TxSignature(s.recoveryId(), s.r(), s.s());
    }

    /**
     * The address that signed {@code signingHash}. r must be in [1, n-1] and s in [1, n/2] (EIP-2).
     *
     * @throws InvalidTransactionException with {@link Reason#INVALID_SIGNATURE} or {@link Reason#RECOVERY_FAILED}
     */
    public static Address recover(Hash signingHash, TxSignature sig) {
        if (sig.r().signum() == 0 || sig.r().compareTo(N) >= 0) {
            throw new InvalidTransactionException(Reason.INVALID_SIGNATURE, "r is outside [1, n-1]");
        }
        if (sig.s().signum() == 0 || sig.s().compareTo(HALF_N) > 0) {
            throw new InvalidTransactionException(Reason.INVALID_SIGNATURE, "s is outside [1, n/2] (EIP-2 low-s)");
        }
        Address a = Ecrecover.recover(signingHash, sig.r(), sig.s(), sig.yParity());
        if (a == null) {
            throw new InvalidTransactionException(Reason.RECOVERY_FAILED, "no public key recovers from this signature");
        }
        return a;
    }
}
