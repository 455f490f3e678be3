package io.openledger.chain.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.core.Bytes;
import io.openledger.core.testing.SharedFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads the ethereum/tests JSON vectors under {@code ../shared/vectors/ethereum-tests}. */
public final class Vectors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Vectors() {}

    /** The parsed JSON file at {@code relative} under ethereum-tests. */
    public static JsonNode read(String relative) {
        return read(path(relative));
    }

    /** The parsed JSON file. */
    public static JsonNode read(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The path of {@code relative} under ethereum-tests. */
    public static Path path(String relative) {
        return SharedFiles.resolve("vectors/ethereum-tests/" + relative);
    }

    /** Every JSON file under {@code relative}, sorted. */
    public static List<Path> jsonFiles(String relative) {
        try (Stream<Path> s = Files.walk(path(relative))) {
            return new ArrayList<>(
                    s.filter(p -> p.toString().endsWith(".json")).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Trie-test text: {@code 0x}-prefixed hex, or else the characters as bytes. */
    public static Bytes hexOrText(String s) {
        return s.startsWith("0x") ? Bytes.fromHex(s) : Bytes.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
