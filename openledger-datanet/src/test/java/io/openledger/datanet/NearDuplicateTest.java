package io.openledger.datanet;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.store.InMemoryKeyValueStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact and near duplicates are flagged with the record they resemble. */
class NearDuplicateTest {
    static final String ORIGINAL = "The mitochondria is the powerhouse of the cell and produces most of its ATP"
            + " through oxidative phosphorylation in the inner membrane.";
    static final String NEAR = "The mitochondria is the powerhouse of the cell, and produces most of its ATP"
            + " through oxidative phosphorylation in the inner membrane!";
    static final String OTHER = "Ribosomes translate messenger RNA into chains of amino acids in the cytoplasm.";

    @Test
    void flagsExactAndNearDuplicatesOfApprovedRecords() {
        DatanetService s = Fx.service(new InMemoryKeyValueStore());
        Fx.create(s);
        Contribution first = s.contribute(Fx.DN, Fx.ALICE, List.of(Fx.txt("a.txt", ORIGINAL)));
        assertThat(first.flags()).isEmpty();
        s.approve(Fx.DN, first.id(), Fx.OWNER.address());

        Contribution second = s.contribute(Fx.DN, Fx.BOB, List.of(Fx.txt("b.txt", ORIGINAL, NEAR, OTHER)));
        assertThat(second.flags())
                .containsExactly(
                        new DuplicateFlag(
                                DataRecord.idOf(ORIGINAL), DuplicateFlag.Kind.EXACT, DataRecord.idOf(ORIGINAL), 1.0),
                        second.flags().get(1));
        DuplicateFlag near = second.flags().get(1);
        assertThat(near.kind()).isEqualTo(DuplicateFlag.Kind.NEAR);
        assertThat(near.record()).isEqualTo(DataRecord.idOf(NEAR));
        assertThat(near.resembles()).isEqualTo(DataRecord.idOf(ORIGINAL));
        assertThat(near.similarity()).isBetween(0.8, 1.0);

        // approving adds the near duplicate and the new record, never the exact duplicate again; alice keeps hers
        DatanetVersion v2 = s.approve(Fx.DN, second.id(), Fx.OWNER.address());
        assertThat(v2.addedRecords()).isEqualTo(2);
        assertThat(v2.recordCount()).isEqualTo(3);
        assertThat(s.records(Fx.DN, 2))
                .filteredOn(r -> r.text().equals(ORIGINAL))
                .singleElement()
                .satisfies(r -> assertThat(r.contributor().address()).isEqualTo(Fx.ALICE.address()));
    }

    @Test
    void nearDuplicatesInsideOneContributionAreFlagged() {
        DatanetService s = Fx.service(new InMemoryKeyValueStore());
        Fx.create(s);
        Contribution c = s.contribute(Fx.DN, Fx.ALICE, List.of(Fx.txt("a.txt", ORIGINAL, OTHER, NEAR)));
        assertThat(c.flags()).singleElement().satisfies(f -> {
            assertThat(f.record()).isEqualTo(DataRecord.idOf(NEAR));
            assertThat(f.resembles()).isEqualTo(DataRecord.idOf(ORIGINAL));
        });
    }

    @Test
    void thresholdIsConfigurable() {
        DatanetService strict = Fx.service(
                new InMemoryKeyValueStore(),
                DatanetConfig.builder().nearDuplicateThreshold(0.99).build());
        Fx.create(strict);
        Contribution c = strict.contribute(Fx.DN, Fx.ALICE, List.of(Fx.txt("a.txt", ORIGINAL, NEAR, OTHER)));
        assertThat(c.flags()).isEmpty();
        DatanetService loose = Fx.service(
                new InMemoryKeyValueStore(),
                DatanetConfig.builder().nearDuplicateThreshold(0.5).build());
        Fx.create(loose);
        assertThat(loose.contribute(Fx.DN, Fx.ALICE, List.of(Fx.txt("a.txt", ORIGINAL, NEAR, OTHER)))
                        .flags())
                .hasSize(1);
    }
}
