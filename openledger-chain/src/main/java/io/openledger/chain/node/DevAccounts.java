package io.openledger.chain.node;

import io.openledger.core.Bytes;
import io.openledger.core.crypto.PrivateKey;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Development accounts derived as Hardhat and Anvil do: BIP-39 seed (PBKDF2-HMAC-SHA512, 2048
 * rounds, salt "mnemonic" + passphrase) and BIP-32 derivation along {@code m/44'/60'/0'/0/i}.
 * Stateless and thread-safe.
 */
public final class DevAccounts {
    /** The standard development mnemonic. */
    public static final String MNEMONIC = "test test test test test test test test test test test junk";

    private static final BigInteger N =
            new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
    private static final int HARDENED = 0x80000000;

    private DevAccounts() {}

    /** The first {@code count} keys of {@link #MNEMONIC}. */
    public static List<PrivateKey> standard(int count) {
        if (count >= 1 && count <= Standard.KEYS.size()) {
            return Standard.KEYS.subList(0, count);
        }
        return derive(MNEMONIC, "", count);
    }

    private static final class Standard {
        static final List<PrivateKey> KEYS = derive(MNEMONIC, "", 20);
    }

    /**
     * Keys {@code m/44'/60'/0'/0/0 … count-1} of {@code mnemonic} (the words are not checked against the
     * BIP-39 word list or checksum).
     *
     * @throws IllegalArgumentException if count is not in [1, 1000]
     */
    public static List<PrivateKey> derive(String mnemonic, String passphrase, int count) {
        if (count < 1 || count > 1000) {
            throw new IllegalArgumentException("count must be in [1, 1000], got " + count);
        }
        byte[] seed = seed(mnemonic, passphrase);
        byte[][] master = hmac("Bitcoin seed".getBytes(StandardCharsets.US_ASCII), seed);
        byte[][] node = master;
        for (int index : new int[] {44 | HARDENED, 60 | HARDENED, HARDENED, 0}) {
            node = child(node, index);
        }
        List<PrivateKey> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(PrivateKey.of(Bytes.wrap(child(node, i)[0])));
        }
        return List.copyOf(keys);
    }

    private static byte[] seed(String mnemonic, String passphrase) {
        String m = Normalizer.normalize(mnemonic, Normalizer.Form.NFKD);
        String salt = Normalizer.normalize("mnemonic" + passphrase, Normalizer.Form.NFKD);
        try {
            PBEKeySpec spec = new PBEKeySpec(m.toCharArray(), salt.getBytes(StandardCharsets.UTF_8), 2048, 512);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is missing from this JDK", e);
        }
    }

    /** BIP-32 CKDpriv: returns {key, chainCode}. */
    private static byte[][] child(byte[][] parent, int index) {
        byte[] key = parent[0];
        ByteBuffer data = ByteBuffer.allocate(37);
        if ((index & HARDENED) != 0) {
            data.put((byte) 0).put(key);
        } else {
            data.put(PrivateKey.of(Bytes.wrap(key)).publicKey().compressed().toArray());
        }
        data.putInt(index);
        byte[][] i = hmac(parent[1], data.array());
        BigInteger k = new BigInteger(1, i[0]).add(new BigInteger(1, key)).mod(N);
        return new byte[][] {unsigned32(k), i[1]};
    }

    private static byte[][] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            mac.init(new SecretKeySpec(key, "HmacSHA512"));
            byte[] out = mac.doFinal(data);
            byte[] left = new byte[32];
            byte[] right = new byte[32];
            System.arraycopy(out, 0, left, 0, 32);
            System.arraycopy(out, 32, right, 0, 32);
            return new byte[][] {left, right};
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA512 is missing from this JDK", e);
        }
    }

    private static byte[] unsigned32(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, out, 32 - n, n);
        return out;
    }
}
