package io.openledger.chain.rlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.testing.Vectors;
import io.openledger.core.Bytes;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every case of ethereum/tests RLPTests: rlptest.json, invalidRLPTest.json and RandomRLPTests. */
class RlpVectorTest {
    @Test
    void rlptestEncodesAndDecodesEveryCase() {
        JsonNode file = Vectors.read("RLPTests/rlptest.json");
        int n = 0;
        for (Map.Entry<String, JsonNode> e : file.properties()) {
            RlpItem in = item(e.getValue().get("in"));
            Bytes out = Bytes.fromHex(e.getValue().get("out").asText());
            assertThat(Rlp.encode(in)).as(e.getKey()).isEqualTo(out);
            assertThat(Rlp.decode(out)).as(e.getKey()).isEqualTo(in);
            n++;
        }
        assertThat(n).as("rlptest.json cases").isEqualTo(file.size()).isEqualTo(28);
    }

    @Test
    void invalidRlpTestRejectsEveryCaseWithAPosition() {
        JsonNode file = Vectors.read("RLPTests/invalidRLPTest.json");
        int n = 0;
        for (Map.Entry<String, JsonNode> e : file.properties()) {
            assertThat(e.getValue().get("in").asText()).isEqualTo("INVALID");
            Bytes out = Bytes.fromHex(e.getValue().get("out").asText());
            assertThatThrownBy(() -> Rlp.decode(out))
                    .as(e.getKey())
                    .isInstanceOf(RlpException.class)
                    .hasMessageStartingWith("RLP at byte ");
            n++;
        }
        assertThat(n).as("invalidRLPTest.json cases").isEqualTo(file.size()).isGreaterThanOrEqualTo(25);
    }

    @Test
    void randomRlpTestsDecodeAndReencode() {
        int n = 0;
        for (var path : Vectors.jsonFiles("RLPTests/RandomRLPTests")) {
            JsonNode file = Vectors.read(path);
            for (Map.Entry<String, JsonNode> e : file.properties()) {
                Bytes out = Bytes.fromHex(e.getValue().get("out").asText());
                assertThat(e.getValue().get("in").asText()).isEqualTo("VALID");
                assertThat(Rlp.encode(Rlp.decode(out))).as(e.getKey()).isEqualTo(out);
                n++;
            }
        }
        assertThat(n).isPositive();
    }

    @Test
    void errorsNameThePosition() {
        // a list whose second element is a non-canonical single byte
        assertThatThrownBy(() -> Rlp.decode(Bytes.fromHex("c401028105")))
                .isInstanceOf(RlpException.class)
                .hasMessageContaining("byte 3")
                .extracting(e -> ((RlpException) e).position())
                .isEqualTo(3);
        assertThatThrownBy(() -> Rlp.decode(Bytes.fromHex("0102")))
                .hasMessageContaining("trailing")
                .hasMessageContaining("byte 1");
        assertThatThrownBy(() -> Rlp.decode(Bytes.fromHex("c3c2c1c0"), 2)).hasMessageContaining("nest deeper");
        assertThat(Rlp.decode(Bytes.fromHex("c3c2c1c0"), 4)).isInstanceOf(RlpList.class);
        assertThatThrownBy(() -> RlpString.of(Bytes.fromHex("0001")).asLong("nonce"))
                .hasMessageContaining("nonce has a leading zero");
        assertThatThrownBy(
                        () -> RlpString.of(Bytes.fromHex("010203040506070809")).asLong("gas"))
                .hasMessageContaining("more than the 8 allowed");
    }

    private static RlpItem item(JsonNode in) {
        if (in.isArray()) {
            List<RlpItem> items = new ArrayList<>();
            in.forEach(c -> items.add(item(c)));
            return RlpList.of(items);
        }
        if (in.isIntegralNumber()) {
            return RlpString.ofBigInteger(in.bigIntegerValue());
        }
        String s = in.asText();
        if (s.startsWith("#")) {
            return RlpString.ofBigInteger(new BigInteger(s.substring(1)));
        }
        return RlpString.of(Bytes.wrap(s.getBytes(StandardCharsets.ISO_8859_1)));
    }
}
