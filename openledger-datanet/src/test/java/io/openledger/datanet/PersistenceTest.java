package io.openledger.datanet;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.Hash;
import io.openledger.core.store.RocksDbKeyValueStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Everything survives closing and reopening a RocksDB store. */
class PersistenceTest {
    @TempDir
    Path dir;

    @Test
    void reopenedServiceContinuesWhereItStopped() {
        Hash draftId;
        Hash submittedId;
        DatanetVersion v1;
        List<DataRecord> records1;
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir)) {
            DatanetService s = Fx.service(store);
            Fx.create(s);
            Contribution a = s.contribute(
                    Fx.DN, Fx.ALICE, List.of(Fx.txt("a.txt", NearDuplicateTest.ORIGINAL, "second alice record")));
            v1 = s.approve(Fx.DN, a.id(), Fx.OWNER.address());
            records1 = s.records(Fx.DN, 1);
            submittedId = s.contribute(Fx.DN, Fx.BOB, List.of(Fx.txt("b.txt", "bob record")))
                    .id();
            draftId = s.draft(Fx.DN, Fx.BOB.address(), List.of(Fx.txt("c.txt", "bob draft")))
                    .id();
            s.updateMetadata(Fx.DN, Fx.OWNER.address(), "edited", List.of("t"));
        }
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir)) {
            DatanetService s = Fx.service(store);
            assertThat(s.info(Fx.DN).description()).isEqualTo("edited");
            assertThat(s.info(Fx.DN).curators()).containsExactly(Fx.CURATOR.address());
            assertThat(s.log(Fx.DN)).containsExactly(v1);
            assertThat(s.records(Fx.DN, 1)).isEqualTo(records1);
            assertThat(s.prove(Fx.DN, 1, records1.get(0).id()).verify(v1.root()))
                    .isTrue();
            assertThat(s.contribution(Fx.DN, draftId).status()).isEqualTo(ContributionStatus.DRAFT);
            Contribution sub = s.contribution(Fx.DN, submittedId);
            assertThat(sub.status()).isEqualTo(ContributionStatus.SUBMITTED);
            assertThat(sub.signatureValid()).isTrue();

            DatanetVersion v2 = s.approve(Fx.DN, submittedId, Fx.CURATOR.address());
            assertThat(v2.number()).isEqualTo(2);
            assertThat(v2.parent()).isEqualTo(1);
            assertThat(v2.recordCount()).isEqualTo(3);
            // the near-duplicate index is rebuilt from the store
            Contribution near = s.contribute(Fx.DN, Fx.BOB, List.of(Fx.txt("n.txt", NearDuplicateTest.NEAR)));
            assertThat(near.flags()).singleElement().satisfies(f -> assertThat(f.resembles())
                    .isEqualTo(DataRecord.idOf(NearDuplicateTest.ORIGINAL)));
            // re-drafting the same files returns the stored contribution
            assertThat(s.draft(Fx.DN, Fx.BOB.address(), List.of(Fx.txt("c.txt", "bob draft")))
                            .id())
                    .isEqualTo(draftId);
        }
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir)) {
            DatanetService s = Fx.service(store);
            assertThat(s.head(Fx.DN).orElseThrow().number()).isEqualTo(2);
            assertThat(s.diff(Fx.DN, 1, 2).added()).containsExactly(DataRecord.idOf("bob record"));
        }
    }

    @Test
    void aPrunedHeadReloadsWithoutThePrunedRecords() {
        Hash original = DataRecord.idOf(NearDuplicateTest.ORIGINAL);
        Hash other = DataRecord.idOf(NearDuplicateTest.OTHER);
        DatanetVersion v2;
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir)) {
            DatanetService s = Fx.service(store);
            Fx.create(s);
            Contribution a = s.contribute(
                    Fx.DN,
                    Fx.ALICE,
                    List.of(Fx.txt("a.txt", NearDuplicateTest.ORIGINAL, NearDuplicateTest.OTHER, "third record")));
            s.approve(Fx.DN, a.id(), Fx.OWNER.address());
            v2 = s.prune(Fx.DN, Fx.OWNER.address(), List.of(original), "retracted paper");
        }
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir)) {
            DatanetService s = Fx.service(store);
            assertThat(s.head(Fx.DN)).contains(v2);
            assertThat(s.records(Fx.DN, 1)).extracting(DataRecord::id).contains(original);
            assertThat(s.records(Fx.DN, 2))
                    .extracting(DataRecord::id)
                    .containsExactlyInAnyOrder(other, DataRecord.idOf("third record"));
            // the reloaded head neither holds the pruned record nor finds it as a near duplicate
            Contribution near = s.contribute(Fx.DN, Fx.BOB, List.of(Fx.txt("n.txt", NearDuplicateTest.NEAR)));
            assertThat(near.flags()).isEmpty();
            Contribution exact = s.contribute(Fx.DN, Fx.BOB, List.of(Fx.txt("o.txt", NearDuplicateTest.ORIGINAL)));
            assertThat(exact.flags()).isEmpty();
            // and commits on top of it: the pruned record comes back, another goes
            DatanetVersion v3 = s.approve(Fx.DN, exact.id(), Fx.OWNER.address());
            assertThat(v3.addedRecords()).isEqualTo(1);
            DatanetVersion v4 = s.prune(Fx.DN, Fx.CURATOR.address(), List.of(other), "off topic");
            assertThat(v4.recordCount()).isEqualTo(2);
        }
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir)) {
            DatanetService s = Fx.service(store);
            assertThat(s.head(Fx.DN).orElseThrow().number()).isEqualTo(4);
            Contribution near = s.contribute(Fx.DN, Fx.MALLORY, List.of(Fx.txt("n.txt", NearDuplicateTest.NEAR)));
            assertThat(near.flags()).singleElement().satisfies(f -> assertThat(f.resembles())
                    .isEqualTo(original));
            assertThat(s.records(Fx.DN, 4))
                    .extracting(DataRecord::id)
                    .containsExactlyInAnyOrder(original, DataRecord.idOf("third record"));
            for (DatanetVersion v : s.log(Fx.DN)) {
                for (DataRecord r : s.records(Fx.DN, v.number())) {
                    assertThat(s.prove(Fx.DN, v.number(), r.id()).verify(v.root(), r.text()))
                            .isTrue();
                }
            }
            assertThat(s.prove(Fx.DN, 4, original).contributor().address()).isEqualTo(Fx.BOB.address());
            assertThat(s.prove(Fx.DN, 1, original).contributor().address()).isEqualTo(Fx.ALICE.address());
        }
    }
}
