package io.openledger.datanet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.store.StoreException;
import io.openledger.datanet.DataRecord;
import io.openledger.datanet.DatanetVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Record histories (version intervals) and their stored forms, old and new. */
class RecordHistoryProperties {
    static final String TEXT = "Insulin lowers blood glucose.";
    static final Hash ID = DataRecord.idOf(TEXT);

    static DataRecord record(int contributor, long start) {
        byte[] a = new byte[20];
        a[19] = (byte) contributor;
        return new DataRecord(
                ID,
                TEXT,
                ContributorId.of(Address.of(Bytes.wrap(a))),
                "f" + contributor + ".txt",
                ID,
                start,
                start + 29);
    }

    /** A random valid history: 1 to 4 intervals with gaps, the last open or not. */
    static RecordHistory randomHistory(Random rnd) {
        int n = 1 + rnd.nextInt(4);
        List<RecordHistory.Span> spans = new ArrayList<>();
        long v = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            long removed = v + 1 + rnd.nextInt(3);
            boolean open = i == n - 1 && rnd.nextBoolean();
            spans.add(new RecordHistory.Span(
                    record(rnd.nextInt(3), rnd.nextInt(100)),
                    Hash.of(Bytes.concat(Bytes.wrap(new byte[31]), Bytes.of((byte) i))),
                    v,
                    open ? RecordHistory.OPEN : removed));
            v = removed + 1 + rnd.nextInt(2);
        }
        return new RecordHistory(ID, spans);
    }

    @Property(tries = 200)
    void storedFormRoundTripsAndAnswersEveryVersionLikeTheHistory(@ForAll long seed) {
        RecordHistory h = randomHistory(new Random(seed));
        Bytes stored = Codec.recordHistory(h);
        assertThat(Codec.recordHistory(stored)).isEqualTo(h);
        JsonNode o = Codec.read(stored, "record");
        // one open interval is the form written before pruning existed; anything else lists intervals
        boolean legacy = h.spans().size() == 1 && h.inHead();
        assertThat(o.has("version")).isEqualTo(legacy);
        assertThat(o.has("spans")).isEqualTo(!legacy);
        long last = h.last().isOpen() ? h.last().added() + 3 : h.last().removed() + 3;
        for (long v = 0; v <= last; v++) {
            assertThat(Codec.recordAt(o, v)).as("version %d of %s", v, h).isEqualTo(h.at(v));
        }
    }

    @Test
    void intervalsAreHalfOpenAndReaddingAppends() {
        RecordHistory h = RecordHistory.added(record(1, 0), Hash.ZERO, 2);
        assertThat(h.at(1)).isEmpty();
        assertThat(h.at(2)).contains(record(1, 0));
        assertThat(h.at(Long.MAX_VALUE - 1)).contains(record(1, 0));
        RecordHistory pruned = h.removed(4);
        assertThat(pruned.inHead()).isFalse();
        assertThat(pruned.at(3)).contains(record(1, 0));
        assertThat(pruned.at(4)).isEmpty();
        RecordHistory again = pruned.readded(record(2, 7), Hash.ZERO, 6);
        assertThat(again.at(3)).contains(record(1, 0));
        assertThat(again.at(5)).isEmpty();
        assertThat(again.at(6)).contains(record(2, 7));
        assertThat(again.spans()).hasSize(2);
        assertThatThrownBy(() -> h.readded(record(2, 0), Hash.ZERO, 5)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pruned.removed(5)).isInstanceOf(IllegalStateException.class);
        // a re-addition in the version that removed it, or before, is inconsistent
        assertThatThrownBy(() -> pruned.readded(record(2, 0), Hash.ZERO, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 4)[4, open)");
    }

    @Test
    void readsTheFormWrittenBeforePruningExisted() {
        String legacy = "{\"text\":\"" + TEXT + "\",\"contributor\":\"0x49328be73c2edb094e13ac5f7d1cfb6dbba47d15\","
                + "\"file\":\"a.txt\",\"fileHash\":\"0x564f9e561eac17a2c3b987305f6fc2acb44b5380b07b1a83ec6eafe96f77b675\","
                + "\"start\":134,\"end\":163,\"version\":1,"
                + "\"contribution\":\"0x1cbececf7db4430426fb3a6a553a9b8bc1c2fa0e3b3b995a39ca8d23902d4b40\"}";
        RecordHistory h = Codec.recordHistory(Bytes.utf8(legacy));
        assertThat(h.spans()).singleElement().satisfies(s -> {
            assertThat(s.added()).isEqualTo(1);
            assertThat(s.isOpen()).isTrue();
            assertThat(s.record().start()).isEqualTo(134);
        });
        // an unpruned record is written back byte for byte
        assertThat(Codec.recordHistory(h)).isEqualTo(Bytes.utf8(legacy));
    }

    @Test
    void corruptRecordsAreRefusedNamingTheProblem() {
        String spans = "{\"text\":\"" + TEXT + "\",\"spans\":[%s]}";
        String span = "{\"contributor\":\"0x49328be73c2edb094e13ac5f7d1cfb6dbba47d15\",\"file\":\"a.txt\","
                + "\"fileHash\":\"0x564f9e561eac17a2c3b987305f6fc2acb44b5380b07b1a83ec6eafe96f77b675\","
                + "\"start\":0,\"end\":29,\"contribution\":\"" + Hash.ZERO.toHex() + "\",%s}";
        String overlapping = String.format(
                spans, String.format(span, "\"added\":1,\"removed\":4") + "," + String.format(span, "\"added\":3"));
        assertThatThrownBy(() -> Codec.recordHistory(Bytes.utf8(overlapping)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(ID.toString())
                .hasMessageContaining("[1, 4)[3, open)");
        String openThenMore =
                String.format(spans, String.format(span, "\"added\":1") + "," + String.format(span, "\"added\":3"));
        assertThatThrownBy(() -> Codec.recordHistory(Bytes.utf8(openThenMore))).isInstanceOf(StoreException.class);
        String noAdded = String.format(spans, String.format(span, "\"removed\":3"));
        assertThatThrownBy(() -> Codec.recordHistory(Bytes.utf8(noAdded)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("'added'");
        assertThatThrownBy(() -> Codec.recordAt(Codec.read(Bytes.utf8(noAdded), "record"), 1))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("'added'");
    }

    static DatanetVersion version(DatanetVersion.Origin origin, long removed) {
        return new DatanetVersion(
                new DatanetVersionRef(DatanetId.of("d/x"), 3, ID),
                2,
                origin,
                10,
                300,
                removed == 0 ? 2 : 0,
                removed == 0 ? 40 : 0,
                removed,
                removed * 20,
                removed == 0 ? Amount.of(12345) : Amount.ZERO,
                Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void versionsOfBothOriginsRoundTripAndApprovalsKeepTheirOldForm() {
        DatanetVersion approval = version(new DatanetVersion.Approval(Hash.ZERO), 0);
        Bytes a = Codec.version(approval);
        assertThat(Codec.version(a)).isEqualTo(approval);
        assertThat(Codec.read(a, "version").fieldNames())
                .toIterable()
                .containsExactly(
                        "datanet",
                        "version",
                        "root",
                        "parent",
                        "contribution",
                        "recordCount",
                        "totalBytes",
                        "addedRecords",
                        "addedBytes",
                        "fee",
                        "createdAt");
        DatanetVersion prune = version(new DatanetVersion.Prune(Address.ZERO, "licence withdrawn"), 2);
        Bytes p = Codec.version(prune);
        assertThat(Codec.version(p)).isEqualTo(prune);
        assertThat(prune.contribution()).isEmpty();
        assertThat(prune.prune()).contains(new DatanetVersion.Prune(Address.ZERO, "licence withdrawn"));
        JsonNode po = Codec.read(p, "version");
        assertThat(po.has("contribution")).isFalse();
        assertThat(po.get("prune").get("reason").asText()).isEqualTo("licence withdrawn");
        assertThat(po.get("removedRecords").asLong()).isEqualTo(2);
    }

    @Test
    void corruptVersionsAreRefused() {
        String both = Codec.read(Codec.version(version(new DatanetVersion.Approval(Hash.ZERO), 0)), "version")
                .toString()
                .replace(
                        "\"parent\":2,",
                        "\"parent\":2,\"prune\":{\"remover\":\"" + Address.ZERO.toHex() + "\",\"reason\":\"x\"},");
        assertThatThrownBy(() -> Codec.version(Bytes.utf8(both)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("exactly one of 'contribution' and 'prune'");
        String noRoot = Codec.read(Codec.version(version(new DatanetVersion.Approval(Hash.ZERO), 0)), "version")
                .toString()
                .replaceAll("\"root\":\"[^\"]*\",", "");
        assertThatThrownBy(() -> Codec.version(Bytes.utf8(noRoot)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("'root'");
    }
}
