package io.openledger.core.crypto;

import io.openledger.core.Address;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * A secp256k1 private key. Signing is deterministic (RFC 6979 nonces) and produces low-s signatures
 * (EIP-2), so a given key and hash always give the same signature. Immutable and thread-safe; its
 * {@link #toString()} never prints the secret.
 */
public final class PrivateKey {
    private final BigInteger d;
    private final PublicKey publicKey;

    private PrivateKey(BigInteger d) {
        this.d = d;
        this.publicKey = PublicKey.fromPoint(
                new FixedPointCombMultiplier().multiply(Secp256k1.g(), d).normalize());
    }

    /**
     * The key with this 32-byte big-endian secret.
     *
     * @throws IllegalArgumentException if the secret is not 32 bytes or not in [1, n-1]
     */
    public static PrivateKey of(Bytes secret) {
        if (secret.size() != 32) {
            throw new IllegalArgumentException("a secp256k1 private key is 32 bytes, got " + secret.size());
        }
        BigInteger d = new BigInteger(1, secret.unsafeArray());
        if (d.signum() == 0 || d.compareTo(Secp256k1.N) >= 0) {
            throw new IllegalArgumentException("private key is outside [1, n-1]");
        }
        return new PrivateKey(d);
    }

    /** Parses a 64-digit hex secret, with or without {@code 0x}. */
    public static PrivateKey fromHex(String hex) {
        return of(Bytes.fromHex(hex));
    }

    /** A fresh random key from {@code random}. */
    public static PrivateKey random(SecureRandom random) {
        while (true) {
            byte[] b = new byte[32];
            random.nextBytes(b);
            BigInteger d = new BigInteger(1, b);
            Arrays.fill(b, (byte) 0);
            if (d.signum() > 0 && d.compareTo(Secp256k1.N) < 0) {
                return new PrivateKey(d);
            }
        }
    }

    /** A fresh random key from a new {@link SecureRandom}. */
    public static PrivateKey random() {
        return random(new SecureRandom());
    }

    /** The matching public key. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** The Ethereum address of the key. */
    public Address address() {
        return publicKey.address();
    }

    /** The 32-byte secret. Handle with care. */
    public Bytes secret() {
        return Bytes.wrap(to32(d));
    }

    /**
     * Signs a 32-byte message hash. The result is low-s, with the recovery id that {@link
     * Signature#recover} needs.
     */
    public Signature sign(Hash messageHash) {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, new ECPrivateKeyParameters(d, Secp256k1.DOMAIN));
        BigInteger[] rs = signer.generateSignature(messageHash.toArray());
        BigInteger r = rs[0];
        BigInteger s = rs[1];
        if (s.compareTo(Secp256k1.HALF_N) > 0) {
            s = Secp256k1.N.subtract(s);
        }
        for (int recId = 0; recId < 4; recId++) {
            Signature candidate = new Signature(r, s, recId);
            if (candidate.recoverOrNull(messageHash) instanceof PublicKey k && k.equals(publicKey)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no recovery id reproduces the public key; this is a bug");
    }

    /** Signs {@code message} as an EIP-191 personal message (what wallets call personal_sign). */
    public Signature signPersonalMessage(Bytes message) {
        return sign(Signature.personalMessageHash(message));
    }

    static byte[] to32(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, out, 32 - n, n);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PrivateKey k && d.equals(k.d);
    }

    @Override
    public int hashCode() {
        return publicKey.hashCode();
    }

    @Override
    public String toString() {
        return "PrivateKey[address=" + address() + "]";
    }
}
