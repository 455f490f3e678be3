package io.openledger.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Address;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class SigningTest {
    @Test
    void keccakAndSha256KnownAnswers() {
        assertThat(Hashing.keccak256(Bytes.EMPTY).toHex())
                .isEqualTo("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
        assertThat(Hashing.sha256(Bytes.utf8("abc")).toHex())
                .isEqualTo("0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    /** The web3.js documentation's accounts.sign example (key 0x4c08…2318, message "Some data"). */
    @Test
    void personalSignKnownVector() {
        PrivateKey key = PrivateKey.fromHex("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
        assertThat(key.address()).isEqualTo(Address.fromHex("0x2c7536e3605d9c16a7a3d7b1898e529396a65c23"));
        Bytes msg = Bytes.utf8("Some data");
        assertThat(Signature.personalMessageHash(msg).toHex())
                .isEqualTo("0x1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655");
        Signature sig = key.signPersonalMessage(msg);
        assertThat(sig.toBytes().toHex())
                .isEqualTo("0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd"
                        + "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c");
        assertThat(Signature.fromBytes(sig.toBytes()).recoverPersonalMessageSigner(msg))
                .contains(key.address());
    }

    @Property(tries = 40)
    void signRecoverRoundTrip(@ForAll long seed, @ForAll byte[] message) {
        PrivateKey key = PrivateKey.random(
                new java.security.SecureRandom(Bytes.utf8(Long.toString(seed)).toArray()));
        Hash h = Hashing.keccak256(Bytes.of(message));
        Signature sig = key.sign(h);
        assertThat(sig.isLowS()).isTrue();
        assertThat(sig.recover(h)).contains(key.publicKey());
        assertThat(key.sign(h)).as("deterministic").isEqualTo(sig);
        Hash other = Hashing.keccak256(Bytes.of(message), Bytes.of((byte) 1));
        assertThat(sig.recoverAddress(other)).isNotEqualTo(java.util.Optional.of(key.address()));
        assertThat(PublicKey.of(key.publicKey().compressed())).isEqualTo(key.publicKey());
    }

    @Test
    void badKeysAndSignaturesAreRejected() {
        assertThatThrownBy(() -> PrivateKey.of(Bytes.wrap(new byte[32]))).hasMessageContaining("[1, n-1]");
        assertThatThrownBy(() -> PrivateKey.of(Bytes.wrap(new byte[31]))).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> Signature.fromBytes(Bytes.wrap(new byte[64]))).hasMessageContaining("65 bytes");
        byte[] junk = new byte[65];
        new Random(1).nextBytes(junk);
        junk[0] = 0x7f; // keep r below n
        junk[32] = 0x7f;
        junk[64] = 27;
        Signature s = Signature.fromBytes(Bytes.wrap(junk));
        // a random signature recovers to some key or none, but never to a chosen address
        Address chosen = PrivateKey.random().address();
        assertThat(s.recoverAddress(Hash.ZERO)).isNotEqualTo(java.util.Optional.of(chosen));
    }
}
