package io.openledger.datanet;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.Bytes;
import io.openledger.core.store.InMemoryKeyValueStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFTable;
import org.junit.jupiter.api.Test;

/** PDF and DOCX files made here with PDFBox and POI round-trip into records. */
class RealFilesTest {
    static Bytes pdf(List<List<String>> pages) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            for (List<String> paragraphs : pages) {
                PDPage page = new PDPage();
                doc.addPage(page);
                try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                    cs.beginText();
                    cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                    cs.newLineAtOffset(72, 700);
                    for (String p : paragraphs) {
                        cs.showText(p);
                        cs.newLineAtOffset(0, -48); // a wide gap: a new paragraph
                    }
                    cs.endText();
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return Bytes.wrap(out.toByteArray());
        }
    }

    static Bytes docx(List<String> paragraphs, String[][] table) throws IOException {
        try (XWPFDocument doc = new XWPFDocument()) {
            for (String p : paragraphs) {
                doc.createParagraph().createRun().setText(p);
            }
            XWPFTable t = doc.createTable(table.length, table[0].length);
            for (int r = 0; r < table.length; r++) {
                for (int c = 0; c < table[r].length; c++) {
                    t.getRow(r).getCell(c).setText(table[r][c]);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.write(out);
            return Bytes.wrap(out.toByteArray());
        }
    }

    static List<String> texts(Contribution c) {
        return c.records().stream().map(DataRecord::text).toList();
    }

    @Test
    void pdfRoundTripsIntoRecords() throws IOException {
        DatanetService s = Fx.service(new InMemoryKeyValueStore());
        Fx.create(s);
        Bytes pdf = pdf(List.of(
                List.of("Aspirin inhibits platelet aggregation.", "Ibuprofen is a nonsteroidal drug."),
                List.of("Paracetamol reduces fever.")));
        Contribution c = s.contribute(Fx.DN, Fx.ALICE, List.of(new SourceFile("drugs.pdf", pdf)));
        assertThat(texts(c))
                .containsExactly(
                        "Aspirin inhibits platelet aggregation.",
                        "Ibuprofen is a nonsteroidal drug.",
                        "Paracetamol reduces fever.");
        for (DataRecord r : c.records()) {
            assertThat(r.sourceFile()).isEqualTo("drugs.pdf");
            assertThat(r.sourceHash()).isEqualTo(new SourceFile("drugs.pdf", pdf).hash());
            assertThat(r.contributor().address()).isEqualTo(Fx.ALICE.address());
            assertThat(r.end() - r.start()).isEqualTo(r.text().getBytes(StandardCharsets.UTF_8).length);
        }
        DatanetVersion v = s.approve(Fx.DN, c.id(), Fx.OWNER.address());
        assertThat(v.recordCount()).isEqualTo(3);
        assertThat(s.export(Fx.DN, 1).entries()).extracting(CorpusEntry::text).contains("Paracetamol reduces fever.");
    }

    @Test
    void docxRoundTripsIntoRecords() throws IOException {
        DatanetService s = Fx.service(new InMemoryKeyValueStore());
        Fx.create(s);
        Bytes docx = docx(
                List.of("Insulin lowers blood glucose.", "", "Metformin is first-line for type 2 diabetes."),
                new String[][] {{"Drug", "Class"}, {"Atorvastatin", "Statin"}});
        Contribution c = s.contribute(Fx.DN, Fx.BOB, List.of(new SourceFile("notes.docx", docx)));
        assertThat(texts(c))
                .containsExactly(
                        "Insulin lowers blood glucose.",
                        "Metformin is first-line for type 2 diabetes.",
                        "Drug | Class",
                        "Atorvastatin | Statin");
        assertThat(c.records()).allSatisfy(r -> assertThat(r.sourceFile()).isEqualTo("notes.docx"));
    }

    @Test
    void corruptPdfAndDocxAreRejectedWithATypedError() throws IOException {
        DatanetService s = Fx.service(new InMemoryKeyValueStore());
        Fx.create(s);
        Bytes pdf = pdf(List.of(List.of("Some text.")));
        Bytes truncated = pdf.slice(0, pdf.size() / 3);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> s.draft(Fx.DN, Fx.ALICE.address(), List.of(new SourceFile("bad.pdf", truncated))))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.reason()).isEqualTo(IngestException.Reason.CORRUPT);
                    assertThat(e.fileName()).isEqualTo("bad.pdf");
                });
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.draft(
                        Fx.DN, Fx.ALICE.address(), List.of(new SourceFile("bad.docx", Bytes.utf8("PK not a zip")))))
                .isInstanceOfSatisfying(
                        IngestException.class, e -> assertThat(e.reason()).isEqualTo(IngestException.Reason.CORRUPT));
        Bytes docx = docx(List.of("Hello."), new String[][] {{"a"}});
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.draft(
                        Fx.DN, Fx.ALICE.address(), List.of(new SourceFile("cut.docx", docx.slice(0, docx.size() / 2)))))
                .isInstanceOf(IngestException.class);
        assertThat(s.contributions(Fx.DN)).isEmpty();
    }

    @Test
    void docxThatExpandsFarBeyondTheCapIsRefusedBeforeParsing() throws IOException {
        DatanetService s = Fx.service(
                new InMemoryKeyValueStore(),
                DatanetConfig.builder().maxFileBytes(50_000).build());
        Fx.create(s);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(buf)) {
            zip.putNextEntry(new java.util.zip.ZipEntry("word/document.xml"));
            zip.write(new byte[2_000_000]); // 2 MB of zeros compress to a few KB
            zip.closeEntry();
        }
        assertThat(buf.size()).isLessThan(50_000);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.draft(
                        Fx.DN, Fx.ALICE.address(), List.of(new SourceFile("bomb.docx", Bytes.wrap(buf.toByteArray())))))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.reason()).isEqualTo(IngestException.Reason.TOO_LARGE);
                    assertThat(e.getMessage()).contains("expands to more than 1000000 bytes");
                });
    }
}
