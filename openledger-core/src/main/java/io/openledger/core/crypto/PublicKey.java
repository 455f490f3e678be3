package io.openledger.core.crypto;

import io.openledger.core.Address;
import io.openledger.core.Bytes;
import org.bouncycastle.math.ec.ECPoint;

/**
 * A secp256k1 public key: a point on the curve, encoded as the 64 bytes x‖y (the uncompressed form
 * without its 0x04 prefix, as Ethereum uses it). Immutable and thread-safe.
 */
public final class PublicKey {
    private final ECPoint point;
    private final Bytes encoded;

    private PublicKey(ECPoint point) {
        this.point = point;
        byte[] full = point.getEncoded(false);
        this.encoded = Bytes.of(full, 1, 64);
    }

    static PublicKey fromPoint(ECPoint p) {
        return new PublicKey(p.normalize());
    }

    /**
     * Decodes 64 bytes x‖y, 65 bytes 0x04‖x‖y, or 33 bytes compressed.
     *
     * @throws IllegalArgumentException if the bytes are not a point on the curve
     */
    public static PublicKey of(Bytes bytes) {
        byte[] enc =
                switch (bytes.size()) {
                    case 64 -> Bytes.concat(Bytes.of((byte) 4), bytes).toArray();
                    case 65, 33 -> bytes.toArray();
                    default ->
                        throw new IllegalArgumentException("a public key is 33, 64 or 65 bytes, got " + bytes.size());
                };
        try {
            ECPoint p = Secp256k1.PARAMS.getCurve().decodePoint(enc);
            if (!p.isValid() || p.isInfinity()) {
                throw new IllegalArgumentException("not a valid secp256k1 point");
            }
            return new PublicKey(p.normalize());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("not a secp256k1 public key: " + e.getMessage(), e);
        }
    }

    /** 64 bytes x‖y. */
    public Bytes bytes() {
        return encoded;
    }

    /** 33-byte compressed encoding. */
    public Bytes compressed() {
        return Bytes.wrap(point.getEncoded(true));
    }

    /** The Ethereum address: the last 20 bytes of keccak256(x‖y). */
    public Address address() {
        return Address.of(Hashing.keccak256(encoded).bytes().slice(12));
    }

    ECPoint point() {
        return point;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKey k && encoded.equals(k.encoded);
    }

    @Override
    public int hashCode() {
        return encoded.hashCode();
    }

    @Override
    public String toString() {
        return encoded.toHex();
    }
}
