package io.openledger.datanet.internal;

import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import io.openledger.datanet.DataRecord;
import io.openledger.datanet.FileSummary;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical byte encoding of a contribution, whose keccak256 is the contribution id and what
 * the contributor's signature commits to (through the signing message that names it).
 *
 * <pre>
 * "openledger.datanet.contribution.v1" 0x00
 * u32 len ‖ datanet id (UTF-8)
 * 20-byte contributor address
 * u32 file count, then per file: u32 len ‖ name (UTF-8), 32-byte keccak256, u64 size
 * u32 record count, then per record: 32-byte id, u32 file index, u64 start, u64 end
 * </pre>
 *
 * All integers big-endian.
 */
final class Canonical {
    static final byte[] DOMAIN = "openledger.datanet.contribution.v1\0".getBytes(StandardCharsets.UTF_8);

    private Canonical() {}

    static Bytes encode(
            DatanetId datanet, ContributorId contributor, List<FileSummary> files, List<DataRecord> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + records.size() * 56);
        out.writeBytes(DOMAIN);
        writeString(out, datanet.value());
        out.writeBytes(contributor.address().bytes().unsafeArray());
        writeU32(out, files.size());
        Map<String, Integer> fileIndex = new HashMap<>();
        for (int i = 0; i < files.size(); i++) {
            FileSummary f = files.get(i);
            writeString(out, f.name());
            out.writeBytes(f.hash().bytes().unsafeArray());
            writeU64(out, f.size());
            fileIndex.putIfAbsent(f.name() + "\0" + f.hash().toHex(), i);
        }
        writeU32(out, records.size());
        for (DataRecord r : records) {
            out.writeBytes(r.id().bytes().unsafeArray());
            Integer idx = fileIndex.get(r.sourceFile() + "\0" + r.sourceHash().toHex());
            if (idx == null) {
                throw new IllegalArgumentException("record " + r.id() + " names a file not in the contribution");
            }
            writeU32(out, idx);
            writeU64(out, r.start());
            writeU64(out, r.end());
        }
        return Bytes.wrap(out.toByteArray());
    }

    static Hash digest(
            DatanetId datanet, ContributorId contributor, List<FileSummary> files, List<DataRecord> records) {
        return Hashing.keccak256(encode(datanet, contributor, files, records));
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeU32(out, b.length);
        out.writeBytes(b);
    }

    private static void writeU32(ByteArrayOutputStream out, long v) {
        for (int i = 3; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)));
        }
    }

    private static void writeU64(ByteArrayOutputStream out, long v) {
        for (int i = 7; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)));
        }
    }
}
