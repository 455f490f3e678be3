package io.openledger.datanet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.ManualClock;
import io.openledger.core.contract.InMemoryAnchorContract;
import io.openledger.core.merkle.MerkleTree;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.core.store.StoreException;
import io.openledger.core.store.WriteBatch;
import io.openledger.core.testing.ForwardingKeyValueStore;
import io.openledger.datanet.internal.VersionTree;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pruning records: a new version without them, earlier versions untouched, bad calls change nothing. */
class PruneTest {
    static final String A1 = NearDuplicateTest.ORIGINAL;
    static final String A2 = "Insulin lowers blood glucose.";
    static final String B1 = "Aspirin thins the blood.";
    static final String B2 = NearDuplicateTest.OTHER;

    /** A store whose batch writes fail while {@link #failing} is set. */
    static final class FlakyStore extends ForwardingKeyValueStore {
        boolean failing;

        FlakyStore() {
            super(new InMemoryKeyValueStore());
        }

        @Override
        public void write(WriteBatch batch) {
            if (failing) {
                throw new StoreException("disk full");
            }
            super.write(batch);
        }
    }

    FlakyStore store;
    InMemoryAnchorContract anchors;
    DatanetService s;

    @BeforeEach
    void setUp() {
        store = new FlakyStore();
        ManualClock clock = new ManualClock();
        anchors = new InMemoryAnchorContract(clock);
        s = DatanetService.builder()
                .store(store)
                .clock(clock)
                .anchorContract(anchors)
                .build();
        Fx.create(s);
        // v1: alice's two records, v2: bob's two
        s.approve(
                Fx.DN,
                s.contribute(Fx.DN, Fx.ALICE, List.of(Fx.txt("a.txt", A1, A2))).id(),
                Fx.OWNER.address());
        s.approve(
                Fx.DN,
                s.contribute(Fx.DN, Fx.BOB, List.of(Fx.txt("b.txt", B1, B2))).id(),
                Fx.CURATOR.address());
    }

    static Hash id(String text) {
        return DataRecord.idOf(text);
    }

    static Hash rootOf(List<DataRecord> records) {
        Map<Hash, Hash> leaves = new HashMap<>();
        records.forEach(r -> leaves.put(r.id(), MerkleTree.leafHash(r.leaf())));
        return VersionTree.of(leaves).root();
    }

    /** The call fails with {@code type} and leaves the store and the log as they were. */
    void storeUnchanged(ThrowingCallable call, Class<? extends Throwable> type) {
        Map<Bytes, Bytes> before = Fx.dump(store);
        List<DatanetVersion> log = s.log(Fx.DN);
        assertThatThrownBy(call).isInstanceOf(type);
        assertThat(Fx.dump(store)).isEqualTo(before);
        assertThat(s.log(Fx.DN)).isEqualTo(log);
    }

    /** As {@link #storeUnchanged}, and the in-memory head of version 2 is intact too. */
    void unchanged(ThrowingCallable call, Class<? extends Throwable> type) {
        storeUnchanged(call, type);
        assertHeadViewHolds(id(A1), id(A2), id(B1), id(B2));
    }

    int probes;

    /**
     * The in-memory head flags exactly these records as exact duplicates of a new draft of all four,
     * and the near duplicate of A1 exactly when A1 is among them.
     */
    void assertHeadViewHolds(Hash... ids) {
        Contribution probe = s.draft(
                Fx.DN,
                Fx.MALLORY.address(),
                List.of(Fx.txt("probe" + probes++ + ".txt", A1, A2, B1, B2, NearDuplicateTest.NEAR)));
        assertThat(probe.flags())
                .filteredOn(f -> f.kind() == DuplicateFlag.Kind.EXACT)
                .extracting(DuplicateFlag::record)
                .containsExactlyInAnyOrder(ids);
        Contribution near = s.draft(
                Fx.DN, Fx.MALLORY.address(), List.of(Fx.txt("probe" + probes++ + ".txt", NearDuplicateTest.NEAR)));
        assertThat(near.flags()).hasSize(List.of(ids).contains(id(A1)) ? 1 : 0);
    }

    Map<Long, Object> snapshotOfVersions(long upTo) {
        Map<Long, Object> out = new HashMap<>();
        for (long i = 1; i <= upTo; i++) {
            long v = i;
            List<DataRecord> records = s.records(Fx.DN, v);
            List<RecordProof> proofs =
                    records.stream().map(r -> s.prove(Fx.DN, v, r.id())).toList();
            out.put(
                    v,
                    List.of(
                            s.version(Fx.DN, v),
                            records,
                            proofs,
                            s.export(Fx.DN, v).toJsonl()));
        }
        return out;
    }

    @Test
    void pruneMakesANewVersionWithoutTheRecordsAndLeavesEarlierVersionsAsTheyWere() {
        Map<Long, Object> before = snapshotOfVersions(2);
        DatanetVersion v2 = s.version(Fx.DN, 2);

        DatanetVersion v3 = s.prune(Fx.DN, Fx.CURATOR.address(), List.of(id(A1), id(B2), id(A1)), "licence withdrawn");

        assertThat(v3.number()).isEqualTo(3);
        assertThat(v3.parent()).isEqualTo(2);
        assertThat(v3.origin()).isEqualTo(new DatanetVersion.Prune(Fx.CURATOR.address(), "licence withdrawn"));
        assertThat(v3.contribution()).isEmpty();
        assertThat(v3.recordCount()).isEqualTo(2);
        assertThat(v3.removedRecords()).isEqualTo(2);
        long removedBytes = Bytes.utf8(A1).size() + Bytes.utf8(B2).size();
        assertThat(v3.removedBytes()).isEqualTo(removedBytes);
        assertThat(v3.totalBytes()).isEqualTo(v2.totalBytes() - removedBytes);
        assertThat(v3.addedRecords()).isZero();
        assertThat(v3.addedBytes()).isZero();
        assertThat(v3.fee()).isEqualTo(Amount.ZERO);
        assertThat(s.head(Fx.DN)).contains(v3);
        assertThat(s.version(Fx.DN, 3)).isEqualTo(v3);

        List<DataRecord> records = s.records(Fx.DN, 3);
        assertThat(records).extracting(DataRecord::id).containsExactlyInAnyOrder(id(A2), id(B1));
        assertThat(v3.root()).isEqualTo(rootOf(records));
        for (DataRecord r : records) {
            assertThat(s.prove(Fx.DN, 3, r.id()).verify(v3.root(), r.text())).isTrue();
        }
        assertThatThrownBy(() -> s.prove(Fx.DN, 3, id(A1))).isInstanceOf(NotFoundException.class);
        assertThat(s.export(Fx.DN, 3).entries())
                .extracting(CorpusEntry::record)
                .containsExactly(records.stream().map(DataRecord::id).toArray(Hash[]::new));
        assertThat(s.diff(Fx.DN, 2, 3))
                .isEqualTo(new VersionDiff(
                        2,
                        3,
                        List.of(),
                        Set.of(id(A1), id(B2)).stream().sorted().toList()));
        assertThat(s.diff(Fx.DN, 3, 1).added()).containsExactly(id(A1));
        assertThat(anchors.lookup(Fx.DN, 3).orElseThrow().version()).isEqualTo(v3.ref());

        assertThat(snapshotOfVersions(2)).isEqualTo(before);
        assertHeadViewHolds(id(A2), id(B1));
    }

    @Test
    void aPrunedRecordComesBackOnlyFromTheVersionThatAddsItAgain() {
        s.prune(Fx.DN, Fx.OWNER.address(), List.of(id(A1)), "duplicate of a paywalled source");
        // it is new to the head again: flagged as nothing, and charged for
        Hash draft = s.draft(Fx.DN, Fx.BOB.address(), List.of(Fx.txt("again.txt", A1)))
                .id();
        assertThat(s.quote(Fx.DN, draft))
                .isEqualTo(FeeSchedule.DEFAULT.quote(Bytes.utf8(A1).size(), 1));
        Contribution again = s.contribute(Fx.DN, Fx.BOB, List.of(Fx.txt("again.txt", A1)));
        assertThat(again.flags()).isEmpty();
        DatanetVersion v4 = s.approve(Fx.DN, again.id(), Fx.OWNER.address());
        assertThat(v4.addedRecords()).isEqualTo(1);
        assertThat(v4.contribution()).contains(again.id());
        assertThat(v4.root()).isEqualTo(rootOf(s.records(Fx.DN, 4)));

        // alice's in v1 and v2, nobody's in v3, bob's from v4 on
        assertThat(owner(1, A1)).isEqualTo(Fx.ALICE.address());
        assertThat(owner(2, A1)).isEqualTo(Fx.ALICE.address());
        assertThat(s.records(Fx.DN, 3)).extracting(DataRecord::id).doesNotContain(id(A1));
        assertThat(owner(4, A1)).isEqualTo(Fx.BOB.address());
        assertThat(s.prove(Fx.DN, 1, id(A1)).contributor().address()).isEqualTo(Fx.ALICE.address());
        assertThat(s.prove(Fx.DN, 4, id(A1)).verify(v4.root(), A1)).isTrue();
        assertThat(s.diff(Fx.DN, 3, 4).added()).containsExactly(id(A1));
        assertThat(s.diff(Fx.DN, 2, 4).isEmpty()).isTrue();

        // it can be pruned a second time
        DatanetVersion v5 = s.prune(Fx.DN, Fx.OWNER.address(), List.of(id(A1)), "still paywalled");
        assertThat(v5.root()).isEqualTo(s.version(Fx.DN, 3).root());
        assertThat(owner(4, A1)).isEqualTo(Fx.BOB.address());
    }

    io.openledger.core.Address owner(long version, String text) {
        return s.records(Fx.DN, version).stream()
                .filter(r -> r.id().equals(id(text)))
                .findFirst()
                .orElseThrow()
                .contributor()
                .address();
    }

    @Test
    void aPrunedRecordNoLongerFlagsNearDuplicates() {
        Contribution before = s.draft(Fx.DN, Fx.MALLORY.address(), List.of(Fx.txt("n.txt", NearDuplicateTest.NEAR)));
        assertThat(before.flags()).singleElement().satisfies(f -> assertThat(f.resembles())
                .isEqualTo(id(A1)));
        s.prune(Fx.DN, Fx.OWNER.address(), List.of(id(A1)), "withdrawn");
        Contribution after = s.draft(Fx.DN, Fx.BOB.address(), List.of(Fx.txt("n.txt", NearDuplicateTest.NEAR)));
        assertThat(after.flags()).isEmpty();
    }

    @Test
    void pruningEveryRecordLeavesAnEmptyVersionThatTheNextApprovalFills() {
        DatanetVersion empty = s.prune(Fx.DN, Fx.OWNER.address(), List.of(id(A1), id(A2), id(B1), id(B2)), "takedown");
        assertThat(empty.recordCount()).isZero();
        assertThat(empty.totalBytes()).isZero();
        assertThat(empty.root()).isEqualTo(new VersionTree().root());
        assertThat(s.records(Fx.DN, 3)).isEmpty();
        assertThat(s.export(Fx.DN, 3).size()).isZero();
        assertThat(s.diff(Fx.DN, 3, 2).added()).hasSize(4);
        assertThatThrownBy(() -> s.prove(Fx.DN, 3, id(A1))).isInstanceOf(NotFoundException.class);
        assertThat(anchors.lookup(Fx.DN, 3).orElseThrow().version().root()).isEqualTo(empty.root());
        storeUnchanged(() -> s.prune(Fx.DN, Fx.OWNER.address(), List.of(id(A1)), "again"), NotFoundException.class);
        assertHeadViewHolds();

        DatanetVersion refilled = s.approve(
                Fx.DN, s.contribute(Fx.DN, Fx.BOB, List.of(Fx.txt("c.txt", A2))).id(), Fx.OWNER.address());
        assertThat(refilled.recordCount()).isEqualTo(1);
        assertThat(refilled.root()).isEqualTo(rootOf(s.records(Fx.DN, 4)));
        assertThat(s.records(Fx.DN, 2)).hasSize(4);
    }

    @Test
    void onlyTheOwnerOrACuratorMayPrune() {
        unchanged(
                () -> s.prune(Fx.DN, Fx.MALLORY.address(), List.of(id(A1)), "spite"), PermissionDeniedException.class);
        // contributing a record gives no right to prune it
        unchanged(() -> s.prune(Fx.DN, Fx.ALICE.address(), List.of(id(A1)), "mine"), PermissionDeniedException.class);
        assertThatThrownBy(() -> s.prune(Fx.DN, Fx.ALICE.address(), List.of(id(A1)), "mine"))
                .hasMessageContaining("may not prune")
                .hasMessageContaining("owner or a curator");
        assertThat(s.prune(Fx.DN, Fx.CURATOR.address(), List.of(id(A1)), "ok").number())
                .isEqualTo(3);
    }

    @Test
    void aRecordNotInTheHeadFailsTheWholePruneAndIsNamed() {
        Hash unknown = id("never contributed");
        unchanged(
                () -> s.prune(Fx.DN, Fx.OWNER.address(), List.of(id(A1), unknown, id(B1)), "cleanup"),
                NotFoundException.class);
        assertThatThrownBy(() -> s.prune(Fx.DN, Fx.OWNER.address(), List.of(id(A1), unknown), "cleanup"))
                .hasMessageContaining(unknown.toString())
                .hasMessageContaining("version 2")
                .hasMessageContaining("nothing was pruned");
        // a record that only an earlier version holds is not in the head either
        s.prune(Fx.DN, Fx.OWNER.address(), List.of(id(B2)), "first");
        storeUnchanged(
                () -> s.prune(Fx.DN, Fx.OWNER.address(), List.of(id(A1), id(B2)), "second"), NotFoundException.class);
        assertThatThrownBy(() -> s.prune(Fx.DN, Fx.OWNER.address(), List.of(id(A1), id(B2)), "second"))
                .hasMessageContaining(id(B2).toString())
                .hasMessageContaining("version 3");
        assertHeadViewHolds(id(A1), id(A2), id(B1));
    }

    @Test
    void reasonIsRequiredAndBounded() {
        unchanged(() -> s.prune(Fx.DN, Fx.OWNER.address(), List.of(id(A1)), ""), IllegalArgumentException.class);
        unchanged(() -> s.prune(Fx.DN, Fx.OWNER.address(), List.of(id(A1)), " \n\t"), IllegalArgumentException.class);
        unchanged(
                () -> s.prune(Fx.DN, Fx.OWNER.address(), List.of(id(A1)), "x".repeat(1001)),
                IllegalArgumentException.class);
        assertThatThrownBy(() -> s.prune(Fx.DN, Fx.OWNER.address(), List.of(id(A1)), "x".repeat(1001)))
                .hasMessageContaining("at most 1000");
        // bad arguments are refused before permissions are looked at
        unchanged(() -> s.prune(Fx.DN, Fx.MALLORY.address(), List.of(id(A1)), ""), IllegalArgumentException.class);
        String longest = "y".repeat(1000);
        assertThat(s.prune(Fx.DN, Fx.OWNER.address(), List.of(id(A1)), longest)
                        .prune()
                        .orElseThrow()
                        .reason())
                .isEqualTo(longest);
    }

    @Test
    void anEmptyListIsRefused() {
        unchanged(() -> s.prune(Fx.DN, Fx.OWNER.address(), List.of(), "nothing"), IllegalArgumentException.class);
        assertThatThrownBy(() -> s.prune(Fx.DN, Fx.OWNER.address(), List.of(), "nothing"))
                .hasMessageContaining("records must not be empty");
    }

    @Test
    void unknownDatanetsAndDatanetsWithoutVersions() {
        unchanged(
                () -> s.prune(DatanetId.of("nope"), Fx.OWNER.address(), List.of(id(A1)), "x"), NotFoundException.class);
        DatanetId fresh = DatanetId.of("fresh");
        s.create(NewDatanet.builder(fresh, Fx.OWNER.address()).build());
        unchanged(() -> s.prune(fresh, Fx.OWNER.address(), List.of(id(A1)), "x"), NotFoundException.class);
        assertThatThrownBy(() -> s.prune(fresh, Fx.OWNER.address(), List.of(id(A1)), "x"))
                .hasMessageContaining("no version yet");
        assertThat(s.head(fresh)).isEmpty();
    }

    @Test
    void aFailedWriteLeavesTheStoreAndTheInMemoryHeadAsTheyWere() {
        store.failing = true;
        unchanged(() -> s.prune(Fx.DN, Fx.OWNER.address(), List.of(id(A1), id(B1)), "x"), StoreException.class);
        store.failing = false;
        // the head view was restored: the same prune now gives the root of the two remaining records
        DatanetVersion v3 = s.prune(Fx.DN, Fx.OWNER.address(), List.of(id(A1), id(B1)), "x");
        assertThat(v3.root()).isEqualTo(rootOf(s.records(Fx.DN, 3)));
        assertThat(s.records(Fx.DN, 3)).extracting(DataRecord::id).containsExactlyInAnyOrder(id(A2), id(B2));
        assertHeadViewHolds(id(A2), id(B2));
    }
}
