package io.openledger.datanet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.merkle.MerkleTree;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.datanet.internal.VersionTree;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A store written before records could be pruned ({@code legacy-store.jsonl}, dumped from the code
 * at commit 0688f05: alice's three records approved as v1, bob's two new ones as v2, one rejected
 * contribution, one draft) still reads, proves and diffs as it did, and can be pruned.
 */
class LegacyStoreTest {
    static final ObjectMapper JSON = new ObjectMapper();
    // the roots the old code computed and stored
    static final Hash ROOT_1 = Hash.fromHex("0xdb97124ca807c983ac106b5e72491d969213a12a30c82e65d8a1180ec3850058");
    static final Hash ROOT_2 = Hash.fromHex("0x72e5d56940a1d66b7af1b416a568f426edcec0f0edc122b3ea5f87a1022eaf06");
    static final String INSULIN = "Insulin lowers blood glucose.";
    static final String ASPIRIN = "Aspirin thins the blood.";
    static final String SCURVY = "Vitamin C prevents scurvy.";

    InMemoryKeyValueStore store;
    Map<Bytes, Bytes> original;

    @BeforeEach
    void load() throws IOException {
        store = new InMemoryKeyValueStore();
        try (InputStream in = Objects.requireNonNull(
                        LegacyStoreTest.class.getResourceAsStream("legacy-store.jsonl"), "legacy-store.jsonl");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode o = JSON.readTree(line);
                store.put(
                        Bytes.utf8(o.get("key").asText()),
                        Bytes.utf8(o.get("value").asText()));
            }
        }
        original = Fx.dump(store);
    }

    static Hash rootOf(List<DataRecord> records) {
        Map<Hash, Hash> leaves = new HashMap<>();
        records.forEach(r -> leaves.put(r.id(), MerkleTree.leafHash(r.leaf())));
        return VersionTree.of(leaves).root();
    }

    @Test
    void versionsAndRecordsWrittenBeforePruningReadAsBefore() {
        DatanetService s = Fx.service(store);
        List<DatanetVersion> log = s.log(Fx.DN);
        assertThat(log).extracting(DatanetVersion::root).containsExactly(ROOT_1, ROOT_2);
        assertThat(log).allSatisfy(v -> {
            assertThat(v.origin()).isInstanceOf(DatanetVersion.Approval.class);
            assertThat(v.removedRecords()).isZero();
            assertThat(v.removedBytes()).isZero();
        });
        assertThat(log.get(1).contribution()).isPresent();
        assertThat(s.records(Fx.DN, 1)).hasSize(3);
        assertThat(s.records(Fx.DN, 2)).hasSize(5);
        for (DatanetVersion v : log) {
            List<DataRecord> records = s.records(Fx.DN, v.number());
            assertThat(rootOf(records)).isEqualTo(v.root());
            for (DataRecord r : records) {
                assertThat(s.prove(Fx.DN, v.number(), r.id()).verify(v.root(), r.text()))
                        .isTrue();
            }
        }
        assertThat(s.diff(Fx.DN, 1, 2).added()).hasSize(2);
        // the head is rebuilt from the old records: exact and near duplicates are found
        Contribution c =
                s.draft(Fx.DN, Fx.MALLORY.address(), List.of(Fx.txt("m.txt", INSULIN, NearDuplicateTest.NEAR)));
        assertThat(c.flags())
                .extracting(DuplicateFlag::kind)
                .containsExactly(DuplicateFlag.Kind.EXACT, DuplicateFlag.Kind.NEAR);
    }

    @Test
    void anOldStoreCanBePrunedAndOnlyThePrunedRecordsChangeForm() {
        DatanetService s = Fx.service(store);
        DatanetVersion v3 = s.prune(Fx.DN, Fx.OWNER.address(), List.of(DataRecord.idOf(ASPIRIN)), "misattributed");
        assertThat(v3.recordCount()).isEqualTo(4);
        assertThat(v3.root()).isEqualTo(rootOf(s.records(Fx.DN, 3)));
        assertThat(s.version(Fx.DN, 1).root()).isEqualTo(ROOT_1);
        assertThat(rootOf(s.records(Fx.DN, 1))).isEqualTo(ROOT_1);
        assertThat(rootOf(s.records(Fx.DN, 2))).isEqualTo(ROOT_2);

        Map<Bytes, Bytes> after = Fx.dump(store);
        Map<Bytes, Bytes> changed = new HashMap<>(after);
        changed.entrySet().removeIf(e -> e.getValue().equals(original.get(e.getKey())));
        // the pruned record, the new version and the head pointer; every other entry is byte for byte as before
        assertThat(changed.keySet())
                .extracting(k -> new String(k.toArray(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder(
                        "datanet/r/medical-qa\0"
                                + DataRecord.idOf(ASPIRIN).bytes().toUnprefixedHex(),
                        "datanet/v/medical-qa\0" + "0000000000000003",
                        "datanet/h/medical-qa");

        // a fresh service on the pruned store: the head has the four records, and an approval adds the fifth back
        DatanetService reopened = Fx.service(store);
        Contribution again = reopened.contribute(Fx.DN, Fx.MALLORY, List.of(Fx.txt("m.txt", ASPIRIN, SCURVY)));
        assertThat(again.flags()).extracting(DuplicateFlag::record).containsExactly(DataRecord.idOf(SCURVY));
        DatanetVersion v4 = reopened.approve(Fx.DN, again.id(), Fx.OWNER.address());
        assertThat(v4.addedRecords()).isEqualTo(1);
        assertThat(v4.root()).isEqualTo(rootOf(reopened.records(Fx.DN, 4)));
        assertThat(reopened.records(Fx.DN, 2))
                .filteredOn(r -> r.text().equals(ASPIRIN))
                .singleElement()
                .satisfies(r -> assertThat(r.contributor().address()).isEqualTo(Fx.ALICE.address()));
    }
}
