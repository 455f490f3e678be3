package io.openledger.core.crypto;

import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * Keccak-256 (Ethereum's, i.e. the original Keccak padding, not FIPS SHA3-256) and SHA-256.
 * Stateless and thread-safe.
 */
public final class Hashing {
    private Hashing() {}

    /** Keccak-256 of {@code data}. */
    public static Hash keccak256(Bytes data) {
        return keccak256(data.unsafeArray(), 0, data.size());
    }

    /** Keccak-256 of a range of an array. */
    public static Hash keccak256(byte[] data, int offset, int length) {
        KeccakDigest d = new KeccakDigest(256);
        d.update(data, offset, length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return Hash.of(Bytes.wrap(out));
    }

    /** Keccak-256 of the concatenation of {@code parts}, without building it. */
    public static Hash keccak256(Bytes... parts) {
        KeccakDigest d = new KeccakDigest(256);
        for (Bytes p : parts) {
            d.update(p.unsafeArray(), 0, p.size());
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return Hash.of(Bytes.wrap(out));
    }

    /** SHA-256 of {@code data}. */
    public static Hash sha256(Bytes data) {
        SHA256Digest d = new SHA256Digest();
        d.update(data.unsafeArray(), 0, data.size());
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return Hash.of(Bytes.wrap(out));
    }
}
