package io.openledger.datanet;

import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A file offered for ingest: its name (whose extension selects the parser: {@code .txt .md .jsonl
 * .csv .pdf .docx}) and its bytes. Immutable.
 *
 * @param name the file name, without directories; 1 to 255 characters, no {@code /}, {@code \} or
 *     control characters
 * @param content the raw bytes
 */
public record SourceFile(String name, Bytes content) {
    /**
     * @throws IllegalArgumentException if {@code name} is empty, too long or has a path separator or
     *     control character
     */
    public SourceFile {
        if (name.isEmpty() || name.length() > 255) {
            throw new IllegalArgumentException("name must be 1..255 characters, got " + name.length());
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\' || Character.isISOControl(c)) {
                throw new IllegalArgumentException("name must not contain '/', '\\' or control characters: " + name);
            }
        }
    }

    /** A file read from disk, named by its last path element. */
    public static SourceFile read(Path path) throws IOException {
        return new SourceFile(path.getFileName().toString(), Bytes.wrap(Files.readAllBytes(path)));
    }

    /** A UTF-8 text file. */
    public static SourceFile text(String name, String text) {
        return new SourceFile(name, Bytes.utf8(text));
    }

    /** The lower-case extension without the dot, or an empty string if there is none. */
    public String extension() {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** keccak256 of the content. */
    public Hash hash() {
        return Hashing.keccak256(content);
    }
}
