package io.openledger.core.crypto;

import io.openledger.core.Address;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;
import org.jspecify.annotations.Nullable;

/**
 * A recoverable secp256k1 ECDSA signature (r, s, recovery id). Immutable and thread-safe.
 *
 * <p>The 65-byte form is r‖s‖v with v = 27 + recovery id, as {@code personal_sign} returns.
 */
public final class Signature {
    private final BigInteger r;
    private final BigInteger s;
    private final int recoveryId;

    /**
     * A signature from its parts.
     *
     * @param recoveryId 0 to 3 (0 or 1 in practice)
     * @throws IllegalArgumentException if r or s is outside [1, n-1] or the recovery id is out of range
     */
    public Signature(BigInteger r, BigInteger s, int recoveryId) {
        if (r.signum() <= 0 || r.compareTo(Secp256k1.N) >= 0) {
            throw new IllegalArgumentException("signature r outside [1, n-1]");
        }
        if (s.signum() <= 0 || s.compareTo(Secp256k1.N) >= 0) {
            throw new IllegalArgumentException("signature s outside [1, n-1]");
        }
        if (recoveryId < 0 || recoveryId > 3) {
            throw new IllegalArgumentException("recovery id must be 0..3, got " + recoveryId);
        }
        this.r = r;
        this.s = s;
        this.recoveryId = recoveryId;
    }

    /**
     * Decodes 65 bytes r‖s‖v, where v is 27/28 or 0/1.
     *
     * @throws IllegalArgumentException on any other length or v
     */
    public static Signature fromBytes(Bytes rsv) {
        if (rsv.size() != 65) {
            throw new IllegalArgumentException("a signature is 65 bytes r||s||v, got " + rsv.size());
        }
        int v = rsv.getUnsigned(64);
        int recId = v >= 27 ? v - 27 : v;
        return new Signature(
                new BigInteger(1, rsv.slice(0, 32).unsafeArray()),
                new BigInteger(1, rsv.slice(32, 64).unsafeArray()),
                recId);
    }

    /** The hash EIP-191 (version 0x45) signs: keccak256("\x19Ethereum Signed Message:\n" + len + message). */
    public static Hash personalMessageHash(Bytes message) {
        Bytes prefix =
                Bytes.wrap(("\u0019Ethereum Signed Message:\n" + message.size()).getBytes(StandardCharsets.UTF_8));
        return Hashing.keccak256(prefix, message);
    }

    /** r. */
    public BigInteger r() {
        return r;
    }

    /** s. */
    public BigInteger s() {
        return s;
    }

    /** The recovery id (y parity of R, plus 2 if R.x overflowed n). */
    public int recoveryId() {
        return recoveryId;
    }

    /** True if s is in the lower half of the order, as EIP-2 requires for transactions. */
    public boolean isLowS() {
        return s.compareTo(Secp256k1.HALF_N) <= 0;
    }

    /** 65 bytes r‖s‖v with v = 27 + recovery id. */
    public Bytes toBytes() {
        byte[] out = new byte[65];
        System.arraycopy(PrivateKey.to32(r), 0, out, 0, 32);
        System.arraycopy(PrivateKey.to32(s), 0, out, 32, 32);
        out[64] = (byte) (27 + recoveryId);
        return Bytes.wrap(out);
    }

    /**
     * The public key that made this signature over {@code messageHash}, or empty if none can (a
     * malformed or forged signature).
     */
    public Optional<PublicKey> recover(Hash messageHash) {
        return Optional.ofNullable(recoverOrNull(messageHash));
    }

    /** The address of the key that signed {@code messageHash}, if any. */
    public Optional<Address> recoverAddress(Hash messageHash) {
        return recover(messageHash).map(PublicKey::address);
    }

    /** Recovers the signer of an EIP-191 personal message. */
    public Optional<Address> recoverPersonalMessageSigner(Bytes message) {
        return recoverAddress(personalMessageHash(message));
    }

    /** True if {@code key} made this signature over {@code messageHash}. */
    public boolean verify(Hash messageHash, PublicKey key) {
        return key.equals(recoverOrNull(messageHash));
    }

    // Public key recovery, SEC 1 v2 section 4.1.6.
    @Nullable
    PublicKey recoverOrNull(Hash messageHash) {
        BigInteger x = r.add(BigInteger.valueOf(recoveryId / 2).multiply(Secp256k1.N));
        if (x.compareTo(Secp256k1.P) >= 0) {
            return null;
        }
        ECPoint bigR = decompress(x, (recoveryId & 1) == 1);
        if (bigR == null || !bigR.multiply(Secp256k1.N).isInfinity()) {
            return null;
        }
        BigInteger e = new BigInteger(1, messageHash.toArray());
        BigInteger rInv = r.modInverse(Secp256k1.N);
        BigInteger u1 = Secp256k1.N.subtract(e).mod(Secp256k1.N).multiply(rInv).mod(Secp256k1.N);
        BigInteger u2 = s.multiply(rInv).mod(Secp256k1.N);
        ECPoint q = ECAlgorithms.sumOfTwoMultiplies(Secp256k1.g(), u1, bigR, u2).normalize();
        return q.isInfinity() ? null : PublicKey.fromPoint(q);
    }

    private static @Nullable ECPoint decompress(BigInteger x, boolean odd) {
        byte[] enc = new byte[33];
        enc[0] = (byte) (odd ? 0x03 : 0x02);
        System.arraycopy(PrivateKey.to32(x), 0, enc, 1, 32);
        try {
            return Secp256k1.PARAMS.getCurve().decodePoint(enc);
        } catch (IllegalArgumentException notOnCurve) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Signature g && r.equals(g.r) && s.equals(g.s) && recoveryId == g.recoveryId;
    }

    @Override
    public int hashCode() {
        return r.hashCode() * 31 + s.hashCode() + recoveryId;
    }

    @Override
    public String toString() {
        return toBytes().toHex();
    }
}
