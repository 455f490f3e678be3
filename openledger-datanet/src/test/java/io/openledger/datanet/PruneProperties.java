package io.openledger.datanet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.Hash;
import io.openledger.core.merkle.MerkleTree;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.datanet.internal.VersionTree;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random sequences of approvals and prunes against a plain model: one map (record id → contributor)
 * per version. Every version keeps exactly its records, root, proofs and diffs whatever came after it.
 */
class PruneProperties {
    /** Record texts; contributions draw from these, so records repeat and pruned ones come back. */
    static final List<String> TEXTS = List.of(
            "Insulin lowers blood glucose.",
            "Aspirin thins the blood.",
            "Vitamin C prevents scurvy.",
            "The heart has four chambers.",
            "Red blood cells carry oxygen.",
            "Platelets help blood to clot.",
            "The liver filters toxins.",
            "Neurons transmit electrical signals.",
            "Antibiotics do not treat viral infections.",
            "Bones store calcium and phosphorus.");

    static final int CONTRIBUTORS = 3;

    sealed interface Op permits Approve, Prune {}

    /** {@code contributor} contributes the texts at these indices, and the owner approves. */
    record Approve(int contributor, Set<Integer> texts) implements Op {}

    /**
     * A curator prunes the head's records at these positions (modulo the head's size), plus a record
     * missing from the head if {@code withMissing}, which must fail the whole prune.
     */
    record Prune(Set<Integer> positions, boolean withMissing) implements Op {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> approve = Combinators.combine(
                        Arbitraries.integers().between(0, CONTRIBUTORS - 1),
                        Arbitraries.integers()
                                .between(0, TEXTS.size() - 1)
                                .set()
                                .ofMinSize(1)
                                .ofMaxSize(5))
                .as(Approve::new);
        Arbitrary<Op> prune = Combinators.combine(
                        Arbitraries.integers().between(0, 20).set().ofMinSize(1).ofMaxSize(4),
                        Arbitraries.of(false, false, false, true))
                .as(Prune::new);
        return Arbitraries.frequencyOf(Tuple.of(3, approve), Tuple.of(2, prune))
                .list()
                .ofMinSize(1)
                .ofMaxSize(14);
    }

    static Hash id(int text) {
        return DataRecord.idOf(TEXTS.get(text));
    }

    @Property(tries = 100)
    void everyVersionKeepsItsRecordsRootProofsAndDiffs(@ForAll("ops") List<Op> ops, @ForAll Random random) {
        InMemoryKeyValueStore store = new InMemoryKeyValueStore();
        DatanetService s = Fx.service(store);
        Fx.create(s);
        // model.get(v - 1) holds version v: record id → contributor
        List<Map<Hash, ContributorId>> model = new ArrayList<>();
        Map<Hash, ContributorId> head = new TreeMap<>();
        int step = 0;
        for (Op op : ops) {
            step++;
            switch (op) {
                case Approve a -> {
                    ContributorId who =
                            ContributorId.of(Fx.key(10 + a.contributor()).address());
                    String[] texts = a.texts().stream().map(TEXTS::get).toArray(String[]::new);
                    Contribution c = s.contribute(
                            Fx.DN, Fx.key(10 + a.contributor()), List.of(Fx.txt("step" + step + ".txt", texts)));
                    DatanetVersion v = s.approve(Fx.DN, c.id(), Fx.OWNER.address());
                    Map<Hash, ContributorId> next = new TreeMap<>(head);
                    a.texts().forEach(t -> next.putIfAbsent(id(t), who));
                    assertThat(v.addedRecords()).isEqualTo(next.size() - head.size());
                    head = next;
                    model.add(head);
                }
                case Prune p -> {
                    List<Hash> inHead = new ArrayList<>(head.keySet());
                    List<Hash> picked = new ArrayList<>();
                    if (!inHead.isEmpty()) {
                        p.positions().forEach(i -> picked.add(inHead.get(i % inHead.size())));
                    }
                    List<Hash> missing = new ArrayList<>();
                    for (int t = 0; t < TEXTS.size(); t++) {
                        if (!head.containsKey(id(t))) {
                            missing.add(id(t));
                        }
                    }
                    missing.add(DataRecord.idOf("never contributed"));
                    if (p.withMissing() || picked.isEmpty()) {
                        picked.add(missing.get(random.nextInt(missing.size())));
                        Map<Bytes, Bytes> before = Fx.dump(store);
                        assertThatThrownBy(() -> s.prune(Fx.DN, Fx.CURATOR.address(), picked, "cleanup"))
                                .isInstanceOf(NotFoundException.class);
                        assertThat(Fx.dump(store)).isEqualTo(before);
                    } else {
                        DatanetVersion v = s.prune(Fx.DN, Fx.CURATOR.address(), picked, "cleanup " + step);
                        Map<Hash, ContributorId> next = new TreeMap<>(head);
                        picked.forEach(next::remove);
                        assertThat(v.removedRecords()).isEqualTo(head.size() - next.size());
                        head = next;
                        model.add(head);
                    }
                }
            }
        }

        assertThat(s.log(Fx.DN)).hasSize(model.size());
        for (int v = 1; v <= model.size(); v++) {
            Map<Hash, ContributorId> expected = model.get(v - 1);
            DatanetVersion version = s.version(Fx.DN, v);
            List<DataRecord> records = s.records(Fx.DN, v);
            assertThat(records.stream().collect(Collectors.toMap(DataRecord::id, DataRecord::contributor)))
                    .as("records of v%d", v)
                    .isEqualTo(expected);
            assertThat(records).extracting(DataRecord::id).isSorted();
            assertThat(version.recordCount()).isEqualTo(expected.size());
            assertThat(version.totalBytes())
                    .isEqualTo(records.stream().mapToLong(DataRecord::byteSize).sum());
            assertThat(version.root()).as("root of v%d", v).isEqualTo(rootOf(expected));
            assertThat(s.export(Fx.DN, v).entries())
                    .extracting(CorpusEntry::record)
                    .containsExactlyElementsOf(
                            records.stream().map(DataRecord::id).toList());
            // a sample of proofs per version
            List<DataRecord> sample = new ArrayList<>(records);
            Collections.shuffle(sample, random);
            for (DataRecord r : sample.subList(0, Math.min(3, sample.size()))) {
                RecordProof proof = s.prove(Fx.DN, v, r.id());
                assertThat(proof.contributor()).isEqualTo(expected.get(r.id()));
                assertThat(proof.verify(version.root(), r.text())).isTrue();
            }
        }
        // diffs between random pairs of versions
        for (int k = 0; k < 2 * model.size(); k++) {
            int from = 1 + random.nextInt(model.size());
            int to = 1 + random.nextInt(model.size());
            VersionDiff d = s.diff(Fx.DN, from, to);
            assertThat(d)
                    .as("diff v%d → v%d", from, to)
                    .isEqualTo(VersionDiff.between(
                            from,
                            model.get(from - 1).keySet(),
                            to,
                            model.get(to - 1).keySet()));
        }
        // the in-memory head, and one rebuilt from the store, see exactly the head's records as present
        assertHeadIs(s, head.keySet(), "live");
        assertHeadIs(Fx.service(store), head.keySet(), "reopened");
    }

    static Hash rootOf(Map<Hash, ContributorId> records) {
        Map<Hash, Hash> leaves = new HashMap<>();
        records.forEach((id, who) -> leaves.put(id, MerkleTree.leafHash(DataRecord.leaf(id, who))));
        return VersionTree.of(leaves).root();
    }

    static int probes;

    static void assertHeadIs(DatanetService s, Set<Hash> head, String which) {
        Contribution probe = s.draft(
                Fx.DN,
                Fx.MALLORY.address(),
                List.of(Fx.txt("probe" + probes++ + ".txt", TEXTS.toArray(String[]::new))));
        Set<Hash> exact = probe.flags().stream()
                .filter(f -> f.kind() == DuplicateFlag.Kind.EXACT)
                .map(DuplicateFlag::record)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(exact).as("exact duplicates in the %s head", which).isEqualTo(new TreeSet<>(head));
    }
}
