package io.openledger.datanet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.core.ContributorId;
import io.openledger.core.Hash;
import io.openledger.core.contract.DatanetVersionRef;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The records of one datanet version, exported for training and attribution: in canonical order
 * (ascending record id, the Merkle leaf order), each with its contributor. Immutable and
 * thread-safe.
 *
 * <p>JSONL form: one object per line, {@code {"record":"0x…","contributor":"0x…","text":"…"}},
 * UTF-8, lines ending in {@code \n}.
 */
public final class Corpus {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DatanetVersionRef version;
    private final List<CorpusEntry> entries;

    /** A corpus of {@code entries} exported from {@code version}. */
    public Corpus(DatanetVersionRef version, List<CorpusEntry> entries) {
        this.version = version;
        this.entries = List.copyOf(entries);
    }

    /** The version it was exported from. */
    public DatanetVersionRef version() {
        return version;
    }

    /** The records, in canonical order. */
    public List<CorpusEntry> entries() {
        return entries;
    }

    /** Number of records. */
    public int size() {
        return entries.size();
    }

    /** The records as token sequences, in canonical order; lazy, one record at a time. */
    public Stream<TokenizedRecord> tokens(Tokenizer tokenizer) {
        return entries.stream().map(e -> new TokenizedRecord(e.record(), e.contributor(), tokenizer.encode(e.text())));
    }

    /** Writes the JSONL form to {@code out}; does not close it. */
    public void writeJsonl(OutputStream out) throws IOException {
        for (CorpusEntry e : entries) {
            ObjectNode o = JSON.createObjectNode();
            o.put("record", e.record().toHex());
            o.put("contributor", e.contributor().address().toChecksumHex());
            o.put("text", e.text());
            out.write(JSON.writeValueAsBytes(o));
            out.write('\n');
        }
        out.flush();
    }

    /** The JSONL form as a string. */
    public String toJsonl() {
        var buf = new java.io.ByteArrayOutputStream();
        try {
            writeJsonl(buf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /**
     * Reads the JSONL form back, checking that each record id is the hash of its text.
     *
     * @throws IOException if reading fails or a line is not a valid entry (the message names the line)
     */
    public static Corpus readJsonl(DatanetVersionRef version, InputStream in) throws IOException {
        List<CorpusEntry> out = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int n = 0;
        while ((line = r.readLine()) != null) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonNode o = JSON.readTree(line);
                Hash id = Hash.fromHex(o.required("record").asText());
                String text = o.required("text").asText();
                if (!DataRecord.idOf(text).equals(id)) {
                    throw new IOException("line " + n + ": record id is not keccak256 of the text");
                }
                out.add(new CorpusEntry(
                        id, ContributorId.fromHex(o.required("contributor").asText()), text));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw new IOException("line " + n + ": not a corpus entry: " + e.getMessage(), e);
            }
        }
        return new Corpus(version, out);
    }
}
