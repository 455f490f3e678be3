package io.openledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypesTest {
    /** The examples in EIP-55 itself. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
                "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"
            })
    void eip55ChecksumText(String text) {
        Address a = Address.fromHex(text.toLowerCase(java.util.Locale.ROOT));
        assertThat(a.toChecksumHex()).isEqualTo(text);
        assertThat(Address.fromHex(text)).isEqualTo(a);
    }

    @Test
    void badChecksumIsRejected() {
        assertThatThrownBy(() -> Address.fromHex("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EIP-55");
        assertThatThrownBy(() -> Address.fromHex("0x1234")).hasMessageContaining("40 hex digits");
    }

    @Test
    void bytesAreImmutableAndOrderedUnsigned() {
        byte[] raw = {1, 2, 3};
        Bytes b = Bytes.of(raw);
        raw[0] = 9;
        assertThat(b.get(0)).isEqualTo((byte) 1);
        b.toArray()[1] = 9;
        assertThat(b.get(1)).isEqualTo((byte) 2);
        assertThat(Bytes.of((byte) 0x80).compareTo(Bytes.of((byte) 0x7f))).isPositive();
        assertThat(Bytes.fromHex("0xDEADbeef").toHex()).isEqualTo("0xdeadbeef");
        assertThatThrownBy(() -> Bytes.fromHex("0xabc")).hasMessageContaining("odd");
        assertThatThrownBy(() -> Bytes.fromHex("zz")).hasMessageContaining("not hex");
    }

    @Test
    void hashNeedsThirtyTwoBytes() {
        assertThatThrownBy(() -> Hash.of(new byte[31])).hasMessageContaining("32 bytes");
    }

    @Test
    void identifiersAreValidated() {
        assertThat(DatanetId.of("medical-qa.v1").value()).isEqualTo("medical-qa.v1");
        assertThatThrownBy(() -> ModelId.of("")).hasMessageContaining("ModelId");
        assertThatThrownBy(() -> AdapterId.of("has space")).hasMessageContaining("AdapterId");
        assertThatThrownBy(() -> DatanetId.of("x".repeat(129))).hasMessageContaining("1..128");
    }

    @Test
    void manualClockMovesOnlyForward() {
        ManualClock c = new ManualClock();
        var t0 = c.now();
        c.advance(java.time.Duration.ofSeconds(5));
        assertThat(c.now()).isEqualTo(t0.plusSeconds(5));
        assertThatThrownBy(() -> c.advance(java.time.Duration.ofSeconds(-1))).hasMessageContaining("cannot go back");
    }
}
