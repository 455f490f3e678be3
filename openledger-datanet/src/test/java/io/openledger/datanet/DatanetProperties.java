package io.openledger.datanet;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.ContributorId;
import io.openledger.core.Hash;
import io.openledger.core.store.InMemoryKeyValueStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.UniqueElements;

/** Invariants of versions, proofs and diffs, checked against a plain set model. */
class DatanetProperties {

    /** Splits unique texts into {@code parts} non-empty contributions (fewer if there are not enough texts). */
    static List<List<String>> partition(List<String> texts, int parts) {
        List<List<String>> out = new ArrayList<>();
        int n = Math.min(parts, texts.size());
        for (int i = 0; i < n; i++) {
            out.add(new ArrayList<>());
        }
        for (int i = 0; i < texts.size(); i++) {
            out.get(i % n).add(texts.get(i));
        }
        return out;
    }

    /** Contributes each group as a .txt from its own contributor; returns the contribution ids in group order. */
    static List<Hash> contributeAll(DatanetService s, List<List<String>> groups) {
        List<Hash> ids = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            Contribution c = s.contribute(
                    Fx.DN,
                    Fx.key(10 + i),
                    Fx.one(Fx.txt("part" + i + ".txt", groups.get(i).toArray(String[]::new))));
            assertThat(c.status()).isEqualTo(ContributionStatus.SUBMITTED);
            ids.add(c.id());
        }
        return ids;
    }

    @Property(tries = 40)
    void versionRootIsIndependentOfApprovalOrder(
            @ForAll @Size(min = 1, max = 14) @UniqueElements
                    List<@AlphaChars @StringLength(min = 1, max = 12) String> texts,
            @ForAll @IntRange(min = 1, max = 5) int parts,
            @ForAll Random random) {
        List<List<String>> groups = partition(texts, parts);

        DatanetService a = Fx.service(new InMemoryKeyValueStore());
        Fx.create(a);
        List<Hash> ida = contributeAll(a, groups);
        for (Hash id : ida) {
            a.approve(Fx.DN, id, Fx.OWNER.address());
        }

        DatanetService b = Fx.service(new InMemoryKeyValueStore());
        Fx.create(b);
        List<Hash> idb = new ArrayList<>(contributeAll(b, groups));
        Collections.shuffle(idb, random);
        for (Hash id : idb) {
            b.approve(Fx.DN, id, Fx.CURATOR.address());
        }

        DatanetVersion ha = a.head(Fx.DN).orElseThrow();
        DatanetVersion hb = b.head(Fx.DN).orElseThrow();
        assertThat(hb.number()).isEqualTo(ha.number()).isEqualTo(groups.size());
        assertThat(hb.root()).isEqualTo(ha.root());
        assertThat(hb.recordCount()).isEqualTo(texts.size());
    }

    @Property(tries = 30)
    void everyProofVerifiesAgainstItsRootAndFailsAgainstAnyOther(
            @ForAll @Size(min = 1, max = 10) @UniqueElements
                    List<@AlphaChars @StringLength(min = 1, max = 12) String> texts,
            @ForAll @IntRange(min = 1, max = 4) int parts) {
        DatanetService s = Fx.service(new InMemoryKeyValueStore());
        Fx.create(s);
        for (Hash id : contributeAll(s, partition(texts, parts))) {
            s.approve(Fx.DN, id, Fx.OWNER.address());
        }
        List<DatanetVersion> log = s.log(Fx.DN);
        for (DatanetVersion v : log) {
            for (DataRecord r : s.records(Fx.DN, v.number())) {
                RecordProof p = s.prove(Fx.DN, v.number(), r.id());
                assertThat(p.verify(v.root())).isTrue();
                assertThat(p.verify(v.root(), r.text())).isTrue();
                assertThat(p.verify(v.root(), r.text() + "!")).isFalse();
                // a proof claiming another owner fails
                assertThat(new RecordProof(
                                        p.version(),
                                        p.record(),
                                        ContributorId.of(Fx.MALLORY.address()),
                                        p.bucketRoot(),
                                        p.bucketProof(),
                                        p.topSiblings())
                                .verify(v.root()))
                        .isFalse();
                for (DatanetVersion w : log) {
                    if (!w.root().equals(v.root())) {
                        assertThat(p.verify(w.root()))
                                .as("proof of v%d against v%d", v.number(), w.number())
                                .isFalse();
                    }
                }
            }
        }
    }

    @Property(tries = 30)
    void diffAppliedToTheFirstVersionGivesTheSecond(
            @ForAll @Size(min = 1, max = 12) @UniqueElements
                    List<@AlphaChars @StringLength(min = 1, max = 12) String> texts,
            @ForAll @IntRange(min = 1, max = 5) int parts) {
        DatanetService s = Fx.service(new InMemoryKeyValueStore());
        Fx.create(s);
        List<List<String>> groups = partition(texts, parts);
        List<Set<Hash>> model = new ArrayList<>();
        Set<Hash> acc = new HashSet<>();
        List<Hash> ids = contributeAll(s, groups);
        for (int i = 0; i < ids.size(); i++) {
            s.approve(Fx.DN, ids.get(i), Fx.OWNER.address());
            for (String t : groups.get(i)) {
                acc.add(DataRecord.idOf(t));
            }
            model.add(Set.copyOf(acc));
        }
        int n = model.size();
        for (int i = 1; i <= n; i++) {
            Set<Hash> vi = ids(s, i);
            assertThat(vi).isEqualTo(model.get(i - 1));
            for (int j = 1; j <= n; j++) {
                VersionDiff d = s.diff(Fx.DN, i, j);
                assertThat(d.applyTo(vi)).isEqualTo(model.get(j - 1));
                assertThat(d.isEmpty()).isEqualTo(i == j);
            }
        }
    }

    static Set<Hash> ids(DatanetService s, long v) {
        Set<Hash> out = new HashSet<>();
        s.records(Fx.DN, v).forEach(r -> out.add(r.id()));
        return out;
    }
}
