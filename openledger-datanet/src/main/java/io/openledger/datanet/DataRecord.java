package io.openledger.datanet;

import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;

/**
 * One unit of a datanet: a paragraph, a JSONL line or a CSV row. It is content-addressed: {@link
 * #id()} is keccak256 of the UTF-8 text, so the same text always has the same id. Immutable.
 *
 * @param id keccak256 of {@code text} in UTF-8
 * @param text the record text, non-empty
 * @param contributor who contributed it
 * @param sourceFile name of the file it came from
 * @param sourceHash keccak256 of that file's bytes
 * @param start first byte of the record's source: for prose (.txt .md .pdf .docx) the offset of
 *     the record text itself in the UTF-8 text extracted from the file; for a JSONL line or a CSV row
 *     the offset of that line or row in the file
 * @param end one past the last byte of that range; {@code start < end}
 */
public record DataRecord(
        Hash id, String text, ContributorId contributor, String sourceFile, Hash sourceHash, long start, long end) {
    /**
     * @throws IllegalArgumentException if {@code id} is not the hash of {@code text}, the text is
     *     empty, or the offsets are not {@code 0 <= start < end}
     */
    public DataRecord {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("record text must not be empty");
        }
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException(
                    "offsets must satisfy 0 <= start < end, got [" + start + ", " + end + ")");
        }
        if (!id.equals(idOf(text))) {
            throw new IllegalArgumentException("record id " + id + " is not keccak256 of its text");
        }
    }

    /** The content address of {@code text}: keccak256 of its UTF-8 bytes. */
    public static Hash idOf(String text) {
        return Hashing.keccak256(Bytes.utf8(text));
    }

    /**
     * The Merkle leaf of this record in a version: the 32-byte id followed by the contributor's
     * 20-byte address, so that a proof shows both the content and who owns it.
     */
    public Bytes leaf() {
        return leaf(id, contributor);
    }

    /** The Merkle leaf of a record with this id and contributor. */
    public static Bytes leaf(Hash id, ContributorId contributor) {
        return Bytes.concat(id.bytes(), contributor.address().bytes());
    }

    /** Length of the text in UTF-8 bytes. */
    public int byteSize() {
        return Bytes.utf8(text).size();
    }
}
