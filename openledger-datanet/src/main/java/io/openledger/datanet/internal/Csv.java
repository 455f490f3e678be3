package io.openledger.datanet.internal;

import io.openledger.datanet.IngestException;
import io.openledger.datanet.IngestException.Reason;
import java.util.ArrayList;
import java.util.List;

/** A strict RFC 4180 CSV reader: commas, double-quoted fields with "" escapes, CRLF or LF rows. */
final class Csv {
    private Csv() {}

    /**
     * Parses {@code text} into rows of fields, recording each row's UTF-8 byte range.
     *
     * @throws IngestException on an unterminated quote or a quote inside an unquoted field
     */
    static void parse(String name, String text, List<List<String>> rows, List<long[]> ranges) {
        int i = 0;
        int len = text.length();
        long bytePos = 0;
        while (i < len) {
            List<String> row = new ArrayList<>();
            long rowStart = bytePos;
            StringBuilder field = new StringBuilder();
            boolean endOfRow = false;
            while (!endOfRow) {
                if (i < len && text.charAt(i) == '"') {
                    i++;
                    bytePos++;
                    boolean closed = false;
                    while (i < len) {
                        char c = text.charAt(i);
                        if (c == '"') {
                            if (i + 1 < len && text.charAt(i + 1) == '"') {
                                field.append('"');
                                i += 2;
                                bytePos += 2;
                                continue;
                            }
                            i++;
                            bytePos++;
                            closed = true;
                            break;
                        }
                        int l = Chunker.utf8Len(text, i);
                        field.append(c);
                        if (l == 4) {
                            field.append(text.charAt(i + 1));
                            i++;
                        }
                        i++;
                        bytePos += l;
                    }
                    if (!closed) {
                        throw new IngestException(
                                name, Reason.CORRUPT, "row " + (rows.size() + 1) + ": unterminated quoted field");
                    }
                    if (i < len && text.charAt(i) != ',' && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
                        throw new IngestException(
                                name, Reason.CORRUPT, "row " + (rows.size() + 1) + ": text after a closing quote");
                    }
                } else {
                    while (i < len) {
                        char c = text.charAt(i);
                        if (c == ',' || c == '\n' || c == '\r') {
                            break;
                        }
                        if (c == '"') {
                            throw new IngestException(
                                    name,
                                    Reason.CORRUPT,
                                    "row " + (rows.size() + 1) + ": quote inside an unquoted field");
                        }
                        int l = Chunker.utf8Len(text, i);
                        field.append(c);
                        if (l == 4) {
                            field.append(text.charAt(i + 1));
                            i++;
                        }
                        i++;
                        bytePos += l;
                    }
                }
                row.add(field.toString());
                field.setLength(0);
                if (i < len && text.charAt(i) == ',') {
                    i++;
                    bytePos++;
                } else {
                    endOfRow = true;
                }
            }
            long rowEnd = bytePos;
            if (i < len && text.charAt(i) == '\r') {
                i++;
                bytePos++;
            }
            if (i < len && text.charAt(i) == '\n') {
                i++;
                bytePos++;
            }
            rows.add(row);
            ranges.add(new long[] {rowStart, rowEnd});
        }
    }
}
