package io.openledger.chain.trie;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.testing.Vectors;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** All six ethereum/tests TrieTests files; a count per file guards against silently skipped cases. */
class TrieVectorTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "trietest.json, false, 5",
        "trietest_secureTrie.json, true, 3",
        "trieanyorder.json, false, 7",
        "trieanyorder_secureTrie.json, true, 7",
        "hex_encoded_securetrie_test.json, true, 3"
    })
    void rootsMatch(String file, boolean secure, int expectedCases) {
        JsonNode tests = Vectors.read("TrieTests/" + file);
        int n = 0;
        for (Map.Entry<String, JsonNode> t : tests.properties()) {
            MerklePatriciaTrie trie =
                    MerklePatriciaTrie.builder().secure(secure).build();
            JsonNode in = t.getValue().get("in");
            if (in.isArray()) {
                for (JsonNode op : in) {
                    Bytes key = Vectors.hexOrText(op.get(0).asText());
                    if (op.get(1).isNull()) {
                        trie.delete(key);
                    } else {
                        trie.put(key, Vectors.hexOrText(op.get(1).asText()));
                    }
                }
            } else {
                for (Map.Entry<String, JsonNode> kv : in.properties()) {
                    trie.put(
                            Vectors.hexOrText(kv.getKey()),
                            Vectors.hexOrText(kv.getValue().asText()));
                }
            }
            Hash root = Hash.fromHex(t.getValue().get("root").asText());
            assertThat(trie.rootHash()).as(file + " / " + t.getKey()).isEqualTo(root);
            n++;
        }
        assertThat(n).as(file + " cases").isEqualTo(expectedCases);
    }

    @Test
    void nextAndPreviousKeysFollowTrieTestNextPrev() {
        JsonNode tests = Vectors.read("TrieTests/trietestnextprev.json");
        int n = 0;
        for (Map.Entry<String, JsonNode> t : tests.properties()) {
            MerklePatriciaTrie trie = MerklePatriciaTrie.inMemory();
            for (JsonNode k : t.getValue().get("in")) {
                trie.put(Vectors.hexOrText(k.asText()), Vectors.hexOrText(k.asText()));
            }
            for (JsonNode c : t.getValue().get("tests")) {
                Bytes key = Vectors.hexOrText(c.get(0).asText());
                assertThat(text(trie.previousKey(key)))
                        .as("prev of " + c.get(0))
                        .isEqualTo(c.get(1).asText());
                assertThat(text(trie.nextKey(key)))
                        .as("next of " + c.get(0))
                        .isEqualTo(c.get(2).asText());
                n++;
            }
        }
        assertThat(n).as("trietestnextprev.json cases").isEqualTo(12);
    }

    @Test
    void emptyTrieRoot() {
        assertThat(MerklePatriciaTrie.inMemory().rootHash().toHex())
                .isEqualTo("0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
    }

    private static String text(Optional<Bytes> k) {
        return k.map(b -> new String(b.toArray(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .orElse("");
    }
}
