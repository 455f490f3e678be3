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
}
