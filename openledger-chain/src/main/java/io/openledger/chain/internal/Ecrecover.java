package io.openledger.chain.internal;

import io.openledger.core.Address;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import java.math.BigInteger;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.jspecify.annotations.Nullable;

/**
 * Sender recovery for transactions (SEC 1 v2 §4.1.6) with one double-scalar multiplication on Bouncy
 * Castle's secp256k1 curve (GLV endomorphism). secp256k1 has cofactor 1, so every curve point R has
 * order n and the n·R check of the general algorithm is skipped; that check costs a second full
 * multiplication in core's {@code Signature.recover}, and recovery is the sequencer's admission cost.
 * Stateless and thread-safe.
 */
final class Ecrecover {
    private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256k1");
    private static final ECCurve C = CURVE.getCurve();
    private static final ECPoint G = CURVE.getG();
    private static final BigInteger N = CURVE.getN();
    private static final BigInteger P = C.getField().getCharacteristic();

    private Ecrecover() {}

    /** The signer of {@code hash}, or null if (r, s, parity) recovers no point. r and s are in [1, n-1]. */
    static @Nullable Address recover(Hash hash, BigInteger r, BigInteger s, int parity) {
        if (r.compareTo(P) >= 0) {
            return null;
        }
        byte[] enc = new byte[33];
        enc[0] = (byte) (parity == 1 ? 0x03 : 0x02);
        byte[] x = r.toByteArray();
        int n = Math.min(x.length, 32);
        System.arraycopy(x, x.length - n, enc, 33 - n, n);
        ECPoint bigR;
        try {
            bigR = C.decodePoint(enc);
        } catch (IllegalArgumentException notOnCurve) {
            return null;
        }
        BigInteger e = new BigInteger(1, hash.toArray());
        BigInteger rInv = r.modInverse(N);
        BigInteger u1 = N.subtract(e).mod(N).multiply(rInv).mod(N);
        BigInteger u2 = s.multiply(rInv).mod(N);
        ECPoint q = ECAlgorithms.sumOfTwoMultiplies(G, u1, bigR, u2).normalize();
        if (q.isInfinity()) {
            return null;
        }
        byte[] pub = q.getEncoded(false); // 0x04 ‖ x ‖ y
        Bytes digest = Hashing.keccak256(Bytes.of(pub, 1, 64)).bytes();
        return Address.of(digest.slice(12));
    }
}
