package io.openledger.lora.factory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One training record: a prompt (masked out of the loss) and a completion (the tokens the loss is
 * taken on). A plain-text record has an empty prompt, so every token counts. Immutable.
 *
 * @param id the record id (for datanet records, the record hash in hex)
 * @param prompt the instruction part, possibly empty
 * @param completion the part the model learns to produce, not empty
 */
public record TrainingExample(String id, String prompt, String completion) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @throws IllegalArgumentException if {@code id} or {@code completion} is empty
     */
    public TrainingExample {
        Objects.requireNonNull(prompt, "prompt");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("id must not be empty");
        }
        if (completion.isEmpty()) {
            throw new IllegalArgumentException("completion of record " + id + " must not be empty");
        }
    }

    /**
     * A record from a datanet record's text: a JSON object with {@code prompt}/{@code instruction}
     * and {@code completion}/{@code response}/{@code output} is an instruction record; any other text
     * is plain text (no prompt).
     *
     * @throws IllegalArgumentException if the text is empty
     */
    public static TrainingExample fromText(String id, String text) {
        String t = text.strip();
        if (t.startsWith("{")) {
            try {
                JsonNode o = JSON.readTree(t);
                String prompt = first(o, "prompt", "instruction");
                String completion = first(o, "completion", "response", "output");
                if (prompt != null && completion != null && !completion.isEmpty()) {
                    return new TrainingExample(id, prompt, completion);
                }
            } catch (IOException e) {
                // not JSON: plain text
            }
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("record " + id + " has no text");
        }
        return new TrainingExample(id, "", text);
    }

    private static @org.jspecify.annotations.Nullable String first(JsonNode o, String... keys) {
        for (String k : keys) {
            if (o.hasNonNull(k) && o.get(k).isTextual()) {
                return o.get(k).asText();
            }
        }
        return null;
    }

    /**
     * Reads a datanet corpus export (JSONL, one {@code {"record":…,"text":…}} per line, as
     * openledger-datanet's {@code Corpus.writeJsonl} writes it). Each record id must be the
     * keccak-256 of its text (a datanet record's id, as {@code Corpus.readJsonl} checks too): the
     * trainer credits influence to these ids, so an edited text under its old id would credit the
     * wrong record's contributor. Blank lines are skipped.
     *
     * @throws IllegalArgumentException naming the file and line if a line is not JSON, lacks
     *     "record" or "text", has a record id that is not a 32-byte hex hash, or has one that is not
     *     the keccak-256 of its text
     * @throws UncheckedIOException if the file cannot be read
     */
    public static List<TrainingExample> readJsonl(Path file) {
        List<TrainingExample> out = new ArrayList<>();
        try {
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode o;
                try {
                    o = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(file + ":" + n + ": not JSON: " + e.getOriginalMessage(), e);
                }
                if (!o.hasNonNull("record") || !o.hasNonNull("text")) {
                    throw new IllegalArgumentException(file + ":" + n + ": needs \"record\" and \"text\"");
                }
                String record = o.get("record").asText();
                String text = o.get("text").asText();
                Hash id;
                try {
                    id = Hash.fromHex(record);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            file + ":" + n + ": record id " + record + " is not a 32-byte hex hash", e);
                }
                if (!Hashing.keccak256(Bytes.utf8(text)).equals(id)) {
                    throw new IllegalArgumentException(
                            file + ":" + n + ": record id " + record + " is not the keccak-256 of its text");
                }
                out.add(fromText(record, text));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
        return out;
    }
}
