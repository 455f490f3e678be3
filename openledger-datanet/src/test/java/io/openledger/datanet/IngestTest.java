package io.openledger.datanet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Bytes;
import io.openledger.core.store.InMemoryKeyValueStore;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Text formats become records with exact offsets. */
class IngestTest {
    static List<DataRecord> ingest(SourceFile f, int maxRecordBytes) {
        DatanetService s = Fx.service(
                new InMemoryKeyValueStore(),
                DatanetConfig.builder().maxRecordBytes(maxRecordBytes).build());
        Fx.create(s);
        return s.draft(Fx.DN, Fx.ALICE.address(), List.of(f)).records();
    }

    static String slice(SourceFile f, DataRecord r) {
        byte[] b = f.content().unsafeArray();
        return new String(Arrays.copyOfRange(b, (int) r.start(), (int) r.end()), StandardCharsets.UTF_8);
    }

    @Test
    void textSplitsIntoParagraphsWithByteOffsets() {
        SourceFile f =
                SourceFile.text("notes.md", "# Título\n\nPrimera línea\nsegunda línea\n\n\n  Ünïcødé 😀 end  \n");
        List<DataRecord> rs = ingest(f, 4096);
        assertThat(rs)
                .extracting(DataRecord::text)
                .containsExactly("# Título", "Primera línea\nsegunda línea", "Ünïcødé 😀 end");
        for (DataRecord r : rs) {
            assertThat(slice(f, r)).isEqualTo(r.text());
            assertThat(r.id()).isEqualTo(DataRecord.idOf(r.text()));
        }
    }

    @Test
    void longParagraphsAreCutAtWhitespaceUnderTheCap() {
        String para = String.join(" ", java.util.Collections.nCopies(100, "word"));
        SourceFile f = SourceFile.text("long.txt", para);
        List<DataRecord> rs = ingest(f, 64);
        assertThat(rs).allSatisfy(r -> {
            assertThat(r.byteSize()).isLessThanOrEqualTo(64);
            assertThat(r.text()).doesNotStartWith(" ").doesNotEndWith(" ").doesNotContain("wor d");
            assertThat(slice(f, r)).isEqualTo(r.text());
        });
        // repeats inside one contribution collapse to one record
        assertThat(rs.stream().map(DataRecord::text).distinct().count()).isEqualTo(rs.size());
    }

    static final String[] PIECES = {" ", "\n", "\n\n", "\t", "é", "😀", "a", "bc", "word "};

    @Property(tries = 200)
    void everySegmentIsTheExactByteRangeOfItsText(
            @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 8) Integer> picks,
            @ForAll @IntRange(min = 16, max = 80) int cap) {
        StringBuilder sb = new StringBuilder();
        picks.forEach(i -> sb.append(PIECES[i]));
        String text = sb.toString();
        if (text.isBlank()) {
            return;
        }
        SourceFile f = SourceFile.text("p.txt", text);
        List<DataRecord> rs;
        try {
            rs = ingest(f, cap);
        } catch (IngestException e) {
            assertThat(e.reason()).isEqualTo(IngestException.Reason.EMPTY);
            return;
        }
        for (DataRecord r : rs) {
            assertThat(r.byteSize()).isLessThanOrEqualTo(cap);
            assertThat(slice(f, r)).isEqualTo(r.text());
        }
    }

    @Test
    void jsonlTakesTheTextFieldOrTheCompactJson() {
        SourceFile f = SourceFile.text(
                "qa.jsonl", "{\"text\": \"What is LoRA?\"}\n\n{\"q\": 1, \"a\": [1, 2]}\r\n{\"text\":\"last\"}");
        List<DataRecord> rs = ingest(f, 4096);
        assertThat(rs).extracting(DataRecord::text).containsExactly("What is LoRA?", "{\"q\":1,\"a\":[1,2]}", "last");
        assertThat(slice(f, rs.get(0))).isEqualTo("{\"text\": \"What is LoRA?\"}");
        assertThatThrownBy(() -> ingest(SourceFile.text("bad.jsonl", "{\"text\":\"ok\"}\n{broken\n"), 4096))
                .isInstanceOf(IngestException.class)
                .hasMessageContaining("bad.jsonl: line 2");
        assertThatThrownBy(() -> ingest(SourceFile.text("dup.jsonl", "{\"a\":1,\"a\":2}"), 4096))
                .isInstanceOf(IngestException.class);
        assertThatThrownBy(() -> ingest(SourceFile.text("trail.jsonl", "{\"a\":1} {\"b\":2}"), 4096))
                .isInstanceOf(IngestException.class);
    }

    @Test
    void csvRowsBecomeLabelledRecords() {
        SourceFile f = SourceFile.text(
                "drugs.csv", "name,use\r\naspirin,\"pain, fever\"\r\n\"say \"\"hi\"\"\",\"two\nlines\"\n\nplain,x\n");
        List<DataRecord> rs = ingest(f, 4096);
        assertThat(rs)
                .extracting(DataRecord::text)
                .containsExactly(
                        "name: aspirin\nuse: pain, fever", "name: say \"hi\"\nuse: two\nlines", "name: plain\nuse: x");
        assertThat(slice(f, rs.get(0))).isEqualTo("aspirin,\"pain, fever\"");
        assertThatThrownBy(() -> ingest(SourceFile.text("short.csv", "a,b\n1,2\n3\n"), 4096))
                .isInstanceOf(IngestException.class)
                .hasMessageContaining("row 3 has 1 fields");
        assertThatThrownBy(() -> ingest(SourceFile.text("open.csv", "a\n\"never closed\n"), 4096))
                .hasMessageContaining("unterminated");
        assertThatThrownBy(() -> ingest(SourceFile.text("q.csv", "a\nx\"y\n"), 4096))
                .hasMessageContaining("quote inside");
    }

    @Test
    void byteOrderMarkIsDropped() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'h', 'i'};
        List<DataRecord> rs = ingest(new SourceFile("bom.txt", Bytes.of(bom)), 4096);
        assertThat(rs).extracting(DataRecord::text).containsExactly("hi");
    }
}
