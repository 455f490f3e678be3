package io.openledger.chain.abi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.testing.Vectors;
import io.openledger.core.Address;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ethereum/tests ABITests/basic_abi_tests.json, every case, plus the withdrawal hash of reference §1.10. */
class AbiVectorTest {
    @Test
    void basicAbiTests() {
        JsonNode file = Vectors.read("ABITests/basic_abi_tests.json");
        int n = 0;
        for (Map.Entry<String, JsonNode> c : file.properties()) {
            List<AbiValue> args = new ArrayList<>();
            JsonNode types = c.getValue().get("types");
            JsonNode values = c.getValue().get("args");
            for (int i = 0; i < types.size(); i++) {
                args.add(value(types.get(i).asText(), values.get(i)));
            }
            assertThat(Abi.encode(args).toUnprefixedHex())
                    .as(c.getKey())
                    .isEqualTo(c.getValue().get("result").asText());
            n++;
        }
        assertThat(n).isEqualTo(3);
    }

    @Test
    void withdrawalHashOfReferenceNotes() {
        // reference/l2-chain.md §1.10: nonce 1<<240, sender 0x11…11, target 0x22…22, value 0, gas 100000, data empty
        Bytes enc = Abi.encode(
                new AbiValue.Uint(256, BigInteger.ONE.shiftLeft(240)),
                new AbiValue.AddressValue(Address.fromHex("0x1111111111111111111111111111111111111111")),
                new AbiValue.AddressValue(Address.fromHex("0x2222222222222222222222222222222222222222")),
                AbiValue.Uint.of(0),
                AbiValue.Uint.of(100_000),
                new AbiValue.DynamicBytes(Bytes.EMPTY));
        assertThat(enc.slice(5 * 32, 6 * 32)).isEqualTo(Bytes.fromHex("00".repeat(31) + "c0"));
        Hash withdrawal = Hashing.keccak256(enc);
        assertThat(withdrawal)
                .isEqualTo(Hash.fromHex("0xaed4adb3e49503611d84dc40735dcc003d60127e931934e0018cff78c7283c79"));
        Hash slot = Hashing.keccak256(Abi.encode(new AbiValue.FixedBytes(withdrawal.bytes()), AbiValue.Uint.of(0)));
        assertThat(slot).isEqualTo(Hash.fromHex("0x6b44a3c43a7f872bd96e1ba4678bed483d0e7fe303217273c33cae7dbe54952a"));
    }

    @Test
    void signedIntegersSelectorsAndRanges() {
        assertThat(Abi.encode(new AbiValue.Int(256, BigInteger.valueOf(-1))).toUnprefixedHex())
                .isEqualTo("ff".repeat(32));
        assertThat(Abi.selector("transfer(address,uint256)")).isEqualTo(Bytes.fromHex("a9059cbb"));
        assertThatThrownBy(() -> new AbiValue.Uint(8, BigInteger.valueOf(256))).hasMessageContaining("uint8");
        assertThatThrownBy(() -> new AbiValue.Int(8, BigInteger.valueOf(128))).hasMessageContaining("int8");
        assertThatThrownBy(() -> new AbiValue.FixedBytes(Bytes.wrap(new byte[33])))
                .hasMessageContaining("1 to 32");
    }

    private static AbiValue value(String type, JsonNode v) {
        if (type.endsWith("[]")) {
            List<AbiValue> els = new ArrayList<>();
            v.forEach(e -> els.add(value(type.substring(0, type.length() - 2), e)));
            return new AbiValue.DynamicArray(els);
        }
        if (type.startsWith("uint")) {
            return new AbiValue.Uint(Integer.parseInt(type.substring(4)), v.bigIntegerValue());
        }
        if (type.equals("address")) {
            return new AbiValue.AddressValue(Address.fromHex(v.asText()));
        }
        if (type.equals("bytes")) {
            return new AbiValue.DynamicBytes(Bytes.wrap(v.asText().getBytes(StandardCharsets.UTF_8)));
        }
        if (type.startsWith("bytes")) {
            return new AbiValue.FixedBytes(Bytes.wrap(v.asText().getBytes(StandardCharsets.UTF_8)));
        }
        throw new AssertionError("type not used by the vectors: " + type);
    }
}
