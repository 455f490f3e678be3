package io.openledger.datanet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Amount;
import io.openledger.core.ManualClock;
import io.openledger.core.contract.AnchorReceipt;
import io.openledger.core.contract.InMemoryAnchorContract;
import io.openledger.core.store.InMemoryKeyValueStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Corpus export, the token stream, fee quotes and anchoring. */
class ExportFeeAnchorTest {
    @Test
    void exportsTheVersionAsJsonlInCanonicalOrder() throws IOException {
        DatanetService s = Fx.service(new InMemoryKeyValueStore());
        Fx.create(s);
        s.approve(
                Fx.DN,
                s.contribute(Fx.DN, Fx.ALICE, List.of(Fx.txt("a.txt", "alpha \"quoted\"", "beta")))
                        .id(),
                Fx.OWNER.address());
        s.approve(
                Fx.DN,
                s.contribute(Fx.DN, Fx.BOB, List.of(Fx.txt("b.txt", "gamma ünï")))
                        .id(),
                Fx.OWNER.address());
        Corpus v1 = s.export(Fx.DN, 1);
        Corpus v2 = s.export(Fx.DN, 2);
        assertThat(v1.size()).isEqualTo(2);
        assertThat(v2.size()).isEqualTo(3);
        assertThat(v2.version()).isEqualTo(s.version(Fx.DN, 2).ref());
        assertThat(v2.entries()).extracting(CorpusEntry::record).isSorted();
        String jsonl = v2.toJsonl();
        assertThat(jsonl.split("\n")).hasSize(3);
        assertThat(jsonl)
                .contains("\"text\":\"alpha \\\"quoted\\\"\"")
                .contains(Fx.BOB.address().toChecksumHex());
        Corpus back = Corpus.readJsonl(v2.version(), new ByteArrayInputStream(jsonl.getBytes(StandardCharsets.UTF_8)));
        assertThat(back.entries()).isEqualTo(v2.entries());
        String tampered = jsonl.replace("beta", "BETA");
        assertThatThrownBy(() -> Corpus.readJsonl(
                        v2.version(), new ByteArrayInputStream(tampered.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not keccak256");
        // every exported record proves against the version root
        for (CorpusEntry e : v2.entries()) {
            assertThat(s.prove(Fx.DN, 2, e.record()).verify(v2.version().root(), e.text()))
                    .isTrue();
        }
        // token stream
        List<TokenizedRecord> toks = v2.tokens(Tokenizer.simple()).toList();
        assertThat(toks).hasSize(3);
        assertThat(toks.get(0).record()).isEqualTo(v2.entries().get(0).record());
    }

    @Test
    void simpleTokenizerIsDeterministicFnv1a() {
        Tokenizer t = Tokenizer.simple();
        assertThat(t.id()).isEqualTo("word-fnv1a");
        // FNV-1a 32-bit test vectors (Noll's reference): "a" = 0xe40c292c, "foobar" = 0xbf9cf968; top bit cleared
        assertThat(t.encode("a")).containsExactly(0xe40c292c & 0x7fffffff);
        assertThat(t.encode("FooBar")).containsExactly(0xbf9cf968 & 0x7fffffff);
        assertThat(t.encode("foobar, a!"))
                .containsExactly(0xbf9cf968 & 0x7fffffff, t.encode(",")[0], 0xe40c292c & 0x7fffffff, t.encode("!")[0]);
        assertThat(t.encode("  \n ")).isEmpty();
        assertThat(t.encode("Größe 😀")).hasSize(2).isEqualTo(t.encode("größe   😀"));
    }

    @Test
    void feeQuotesAreExactAndChargedPerVersion() {
        FeeSchedule f = new FeeSchedule(Amount.of(1000), Amount.of(3), Amount.of(7));
        FeeQuote q = f.quote(10, 2);
        assertThat(q.total()).isEqualTo(Amount.of(1000 + 30 + 14));
        assertThat(q.byteFee()).isEqualTo(Amount.of(30));
        assertThat(q.recordFee()).isEqualTo(Amount.of(14));
        assertThat(FeeSchedule.DEFAULT.quote(1_000_000, 0).total()).isEqualTo(Amount.parseDecimal("0.011"));
        assertThatThrownBy(() -> f.quote(-1, 0)).isInstanceOf(IllegalArgumentException.class);

        DatanetService s = Fx.service(
                new InMemoryKeyValueStore(), DatanetConfig.builder().fees(f).build());
        Fx.create(s);
        Contribution c = s.contribute(Fx.DN, Fx.ALICE, List.of(Fx.txt("a.txt", "abcd", "éé")));
        assertThat(s.quote(Fx.DN, c.id()).total()).isEqualTo(Amount.of(1000 + 3 * 8 + 7 * 2));
        DatanetVersion v = s.approve(Fx.DN, c.id(), Fx.OWNER.address());
        assertThat(v.fee()).isEqualTo(Amount.of(1000 + 3 * 8 + 7 * 2));
        assertThat(v.addedBytes()).isEqualTo(8);
        // a contribution with nothing new pays only the base fee
        Contribution dup = s.contribute(Fx.DN, Fx.BOB, List.of(Fx.txt("b.txt", "abcd")));
        assertThat(s.quote(Fx.DN, dup.id()).total()).isEqualTo(Amount.of(1000));
    }

    @Test
    void approvalsAnchorTheRootAsTheOwner() {
        ManualClock clock = new ManualClock();
        InMemoryAnchorContract anchors = new InMemoryAnchorContract(clock);
        DatanetService s = DatanetService.builder()
                .store(new InMemoryKeyValueStore())
                .clock(clock)
                .anchorContract(anchors)
                .build();
        Fx.create(s);
        DatanetVersion v = s.approve(
                Fx.DN,
                s.contribute(Fx.DN, Fx.ALICE, List.of(Fx.txt("a.txt", "alpha"))).id(),
                Fx.CURATOR.address());
        AnchorReceipt r = anchors.lookup(Fx.DN, 1).orElseThrow();
        assertThat(r.version()).isEqualTo(v.ref());
        assertThat(r.owner()).isEqualTo(Fx.OWNER.address());
        assertThat(s.anchor(Fx.DN, 1)).isEqualTo(r);
        assertThat(s.anchorOf(Fx.DN, 1)).contains(r);

        DatanetService manual = Fx.service(
                new InMemoryKeyValueStore(),
                DatanetConfig.builder().autoAnchor(false).build());
        Fx.create(manual);
        manual.approve(
                Fx.DN,
                manual.contribute(Fx.DN, Fx.ALICE, List.of(Fx.txt("a.txt", "alpha")))
                        .id(),
                Fx.OWNER.address());
        assertThat(manual.anchorOf(Fx.DN, 1)).isEmpty();
        assertThat(manual.anchor(Fx.DN, 1).version().root())
                .isEqualTo(manual.version(Fx.DN, 1).root());
        assertThat(manual.anchorOf(Fx.DN, 1)).isPresent();
    }

    @Test
    void signedMessageIsReadableAndBindsTheDigest() {
        DatanetService s = Fx.service(new InMemoryKeyValueStore());
        Fx.create(s);
        Contribution d = s.draft(Fx.DN, Fx.ALICE.address(), List.of(Fx.txt("a.txt", "alpha", "beta")));
        String msg = new String(d.signingMessage().toArray(), StandardCharsets.UTF_8);
        assertThat(msg)
                .isEqualTo("OpenLedger datanet contribution\ndatanet: medical-qa\ncontributor: "
                        + Fx.ALICE.address().toChecksumHex() + "\nrecords: 2\ndigest: " + d.id().toHex());
        // the same records from another contributor, or other offsets, give another id
        Contribution other = s.draft(Fx.DN, Fx.BOB.address(), List.of(Fx.txt("a.txt", "alpha", "beta")));
        assertThat(other.id()).isNotEqualTo(d.id());
        Contribution moved = s.draft(Fx.DN, Fx.ALICE.address(), List.of(Fx.txt("a.txt", "alpha", "", "", "beta")));
        assertThat(moved.id()).isNotEqualTo(d.id());
    }

    @Test
    void proofsRoundTripThroughJson() {
        DatanetService s = Fx.service(new InMemoryKeyValueStore());
        Fx.create(s);
        s.approve(
                Fx.DN,
                s.contribute(Fx.DN, Fx.ALICE, List.of(Fx.txt("a.txt", "alpha", "beta", "gamma")))
                        .id(),
                Fx.OWNER.address());
        DatanetVersion v = s.version(Fx.DN, 1);
        RecordProof p = s.prove(Fx.DN, 1, DataRecord.idOf("beta"));
        RecordProof back = RecordProof.fromJson(p.toJson());
        assertThat(back).isEqualTo(p);
        assertThat(back.verify(v.root(), "beta")).isTrue();
        assertThat(back.topSiblings()).hasSize(16);
        assertThatThrownBy(() -> RecordProof.fromJson("{\"datanet\":\"x\"}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RecordProof.fromJson("not json")).isInstanceOf(IllegalArgumentException.class);
    }
}
