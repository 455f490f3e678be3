package io.openledger.lora.factory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.core.Bytes;
import io.openledger.core.crypto.Hashing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingExampleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    // one line of a datanet corpus export: the record id is the keccak-256 of the text, 0x-prefixed
    private static String line(String id, String text) throws Exception {
        ObjectNode o = JSON.createObjectNode();
        o.put("record", id);
        o.put("contributor", "0x0000000000000000000000000000000000000001");
        o.put("text", text);
        return JSON.writeValueAsString(o);
    }

    private static String idOf(String text) {
        return Hashing.keccak256(Bytes.utf8(text)).toHex();
    }

    @Test
    void readsAnExportOfInstructionAndPlainRecords(@TempDir Path dir) throws Exception {
        String qa = "{\"prompt\":\"2+2?\",\"completion\":\" 4\"}";
        String plain = "The ledger remembers.";
        Path f = dir.resolve("c.jsonl");
        // ids as Corpus.writeJsonl writes them (0x…) and unprefixed are the same hash
        Files.writeString(f, line(idOf(qa), qa) + "\n\n" + line(idOf(plain).substring(2), plain) + "\n");

        List<TrainingExample> ex = TrainingExample.readJsonl(f);

        assertThat(ex).hasSize(2);
        assertThat(ex.get(0)).isEqualTo(new TrainingExample(idOf(qa), "2+2?", " 4"));
        assertThat(ex.get(1)).isEqualTo(new TrainingExample(idOf(plain).substring(2), "", plain));
    }

    @Test
    void rejectsATextEditedUnderItsOldIdNamingTheLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.jsonl");
        Files.writeString(f, line(idOf("first"), "first") + "\n" + line(idOf("second"), "second, edited") + "\n");

        assertThatThrownBy(() -> TrainingExample.readJsonl(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(f + ":2: ")
                .hasMessageContaining("not the keccak-256 of its text");
    }

    @Test
    void rejectsAnIdThatIsNotAHash(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.jsonl");
        Files.writeString(f, line("r0", "some text") + "\n");

        assertThatThrownBy(() -> TrainingExample.readJsonl(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(f + ":1: record id r0 is not a 32-byte hex hash");
    }

    @Test
    void rejectsLinesThatAreNotJsonOrLackAField(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.jsonl");
        Files.writeString(broken, line(idOf("ok"), "ok") + "\n{\"record\": \"0x12\", \"text\":\n");
        assertThatThrownBy(() -> TrainingExample.readJsonl(broken))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(broken + ":2: not JSON");

        Path missing = dir.resolve("missing.jsonl");
        Files.writeString(missing, "{\"record\":\"" + idOf("x") + "\"}\n");
        assertThatThrownBy(() -> TrainingExample.readJsonl(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(missing + ":1: needs \"record\" and \"text\"");
    }
}
