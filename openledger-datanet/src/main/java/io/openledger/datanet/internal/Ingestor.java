package io.openledger.datanet.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.datanet.IngestException;
import io.openledger.datanet.IngestException.Reason;
import io.openledger.datanet.SourceFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.xwpf.usermodel.IBodyElement;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.apache.poi.xwpf.usermodel.XWPFTable;
import org.apache.poi.xwpf.usermodel.XWPFTableCell;
import org.apache.poi.xwpf.usermodel.XWPFTableRow;

/**
 * Turns a file into record segments. Text formats (.txt, .md, .jsonl, .csv) must be well-formed
 * UTF-8; .pdf is read with Apache PDFBox and .docx with Apache POI. Prose is split into paragraphs,
 * JSONL into lines, CSV into rows; every segment is capped at the record size. Thread-safe.
 */
public final class Ingestor {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final long maxFileBytes;
    private final int maxRecordBytes;

    /** An ingestor with these caps. */
    public Ingestor(long maxFileBytes, int maxRecordBytes) {
        this.maxFileBytes = maxFileBytes;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * The segments of {@code file}.
     *
     * @throws IngestException if the file is too large, of an unknown type, not UTF-8, corrupt or
     *     without text
     */
    public List<Segment> segments(SourceFile file) {
        String name = file.name();
        if (file.content().size() > maxFileBytes) {
            throw new IngestException(
                    name,
                    Reason.TOO_LARGE,
                    "file is " + file.content().size() + " bytes, more than the limit of " + maxFileBytes);
        }
        List<Segment> out =
                switch (file.extension()) {
                    case "txt", "md", "markdown" -> Chunker.paragraphs(decodeUtf8(file), maxRecordBytes);
                    case "jsonl", "ndjson" -> jsonl(file);
                    case "csv" -> csv(file);
                    case "pdf" -> Chunker.paragraphs(pdfText(file), maxRecordBytes);
                    case "docx" -> Chunker.paragraphs(docxText(file), maxRecordBytes);
                    default ->
                        throw new IngestException(
                                name,
                                Reason.UNSUPPORTED_TYPE,
                                "unsupported file type '." + file.extension()
                                        + "'; expected one of .txt .md .jsonl .csv .pdf .docx");
                };
        if (out.isEmpty()) {
            throw new IngestException(name, Reason.EMPTY, "file holds no text");
        }
        return out;
    }

    /**
     * Strict UTF-8 decoding; a leading byte-order mark is dropped.
     *
     * @throws IngestException naming the byte offset of the first malformed sequence
     */
    static String decodeUtf8(SourceFile file) {
        byte[] raw = file.content().unsafeArray();
        CharsetDecoder dec = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw);
        CharBuffer out = CharBuffer.allocate(raw.length);
        CoderResult r = dec.decode(in, out, true);
        if (!r.isError()) {
            r = dec.flush(out);
        }
        if (r.isError()) {
            throw new IngestException(
                    file.name(),
                    Reason.INVALID_UTF8,
                    "not valid UTF-8: malformed byte sequence at offset " + in.position());
        }
        out.flip();
        String s = out.toString();
        if (!s.isEmpty() && s.charAt(0) == '\uFEFF') {
            s = s.substring(1);
        }
        if (s.indexOf('\0') >= 0) {
            throw new IngestException(
                    file.name(), Reason.INVALID_UTF8, "text contains a NUL character at index " + s.indexOf('\0'));
        }
        return s;
    }

    /** One segment per non-blank line; a JSON object's string field "text" is the record text, else the compact JSON. */
    private List<Segment> jsonl(SourceFile file) {
        String text = decodeUtf8(file);
        List<Segment> out = new ArrayList<>();
        int lineNo = 0;
        int i = 0;
        long bytePos = 0;
        while (i < text.length()) {
            int nl = text.indexOf('\n', i);
            int end = nl < 0 ? text.length() : nl;
            lineNo++;
            long lineBytes = Chunker.utf8Length(text, i, end);
            String line = text.substring(i, end).strip();
            if (!line.isEmpty()) {
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new IngestException(
                            file.name(), Reason.CORRUPT, "line " + lineNo + ": not JSON: " + e.getOriginalMessage(), e);
                }
                String recordText;
                JsonNode t = node.get("text");
                if (node.isObject() && t != null && t.isTextual()) {
                    recordText = t.asText().strip();
                } else {
                    recordText = node.toString();
                }
                if (!recordText.isEmpty()) {
                    long start = bytePos;
                    List<Segment> pieces = new ArrayList<>();
                    Chunker.split(recordText, start, maxRecordBytes, pieces);
                    // pieces carry offsets relative to the record text; report the line's range instead
                    for (Segment p : pieces) {
                        out.add(new Segment(p.text(), start, start + Math.max(1, lineBytes)));
                    }
                }
            }
            bytePos += lineBytes + (nl < 0 ? 0 : 1);
            i = nl < 0 ? text.length() : nl + 1;
        }
        return out;
    }

    /** RFC 4180 CSV with a header row; each data row becomes "header: value" lines. */
    private List<Segment> csv(SourceFile file) {
        String text = decodeUtf8(file);
        List<List<String>> rows = new ArrayList<>();
        List<long[]> ranges = new ArrayList<>();
        Csv.parse(file.name(), text, rows, ranges);
        if (rows.isEmpty()) {
            return List.of();
        }
        List<String> header = rows.get(0);
        List<Segment> out = new ArrayList<>();
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (row.size() == 1 && row.get(0).isEmpty()) {
                continue;
            }
            if (row.size() != header.size()) {
                throw new IngestException(
                        file.name(),
                        Reason.CORRUPT,
                        "row " + (r + 1) + " has " + row.size() + " fields, the header has " + header.size());
            }
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < row.size(); c++) {
                String v = row.get(c).strip();
                if (v.isEmpty()) {
                    continue;
                }
                if (!sb.isEmpty()) {
                    sb.append('\n');
                }
                sb.append(header.get(c).strip()).append(": ").append(v);
            }
            if (sb.isEmpty()) {
                continue;
            }
            long[] range = ranges.get(r);
            List<Segment> pieces = new ArrayList<>();
            Chunker.split(sb.toString(), range[0], maxRecordBytes, pieces);
            for (Segment p : pieces) {
                out.add(new Segment(p.text(), range[0], Math.max(range[0] + 1, range[1])));
            }
        }
        return out;
    }

    /** The text of every page, pages separated by blank lines. */
    private static String pdfText(SourceFile file) {
        try (PDDocument doc = Loader.loadPDF(file.content().unsafeArray())) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            stripper.setLineSeparator("\n");
            stripper.setParagraphEnd("\n\n");
            stripper.setPageEnd("\n\n");
            return stripper.getText(doc);
        } catch (IOException | RuntimeException e) {
            throw new IngestException(file.name(), Reason.CORRUPT, "not a readable PDF: " + e.getMessage(), e);
        }
    }

    /** Paragraphs and table rows of the body, separated by blank lines. */
    private String docxText(SourceFile file) {
        checkZipExpansion(file, expansionLimit());
        try (XWPFDocument doc =
                new XWPFDocument(new ByteArrayInputStream(file.content().unsafeArray()))) {
            StringBuilder sb = new StringBuilder();
            for (IBodyElement el : doc.getBodyElements()) {
                if (el instanceof XWPFParagraph p) {
                    append(sb, p.getText());
                } else if (el instanceof XWPFTable t) {
                    for (XWPFTableRow row : t.getRows()) {
                        StringBuilder line = new StringBuilder();
                        for (XWPFTableCell cell : row.getTableCells()) {
                            if (!line.isEmpty()) {
                                line.append(" | ");
                            }
                            line.append(cell.getText().strip());
                        }
                        append(sb, line.toString());
                    }
                }
            }
            return sb.toString();
        } catch (IOException | RuntimeException e) {
            throw new IngestException(file.name(), Reason.CORRUPT, "not a readable DOCX: " + e.getMessage(), e);
        }
    }

    /** The most bytes a DOCX may expand to: 20 times the file cap. */
    private long expansionLimit() {
        return maxFileBytes * 20;
    }

    /**
     * Walks the ZIP container counting decompressed bytes, so that a small file that inflates to
     * gigabytes (a zip bomb) is refused before POI reads it.
     *
     * @throws IngestException if the content expands beyond {@code limit} or is not a ZIP file
     */
    static void checkZipExpansion(SourceFile file, long limit) {
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        int entries = 0;
        try (ZipInputStream zin =
                new ZipInputStream(new ByteArrayInputStream(file.content().unsafeArray()))) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                entries++;
                int n;
                while ((n = zin.read(buf)) > 0) {
                    total += n;
                    if (total > limit) {
                        throw new IngestException(
                                file.name(),
                                Reason.TOO_LARGE,
                                "DOCX expands to more than " + limit + " bytes (entry " + e.getName() + ")");
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IngestException(file.name(), Reason.CORRUPT, "not a readable DOCX: " + e.getMessage(), e);
        }
        if (entries == 0) {
            throw new IngestException(file.name(), Reason.CORRUPT, "not a readable DOCX: not a ZIP container");
        }
    }

    private static void append(StringBuilder sb, String paragraph) {
        String p = paragraph.strip();
        if (p.isEmpty()) {
            return;
        }
        if (!sb.isEmpty()) {
            sb.append("\n\n");
        }
        // a paragraph's own blank lines would split it; keep it one paragraph
        sb.append(p.replaceAll("\\n\\s*\\n", "\n"));
    }
}
