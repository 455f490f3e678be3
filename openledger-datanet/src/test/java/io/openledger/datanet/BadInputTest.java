package io.openledger.datanet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.core.Bytes;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.store.InMemoryKeyValueStore;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each kind of bad input gets a typed error and leaves the store exactly as it was. */
class BadInputTest {
    InMemoryKeyValueStore store;
    DatanetService s;

    @BeforeEach
    void setUp() {
        store = new InMemoryKeyValueStore();
        s = Fx.service(store, DatanetConfig.builder().maxFileBytes(1000).build());
        Fx.create(s);
    }

    void unchanged(ThrowingCallable call, Class<? extends Throwable> type) {
        Map<Bytes, Bytes> before = Fx.dump(store);
        assertThatThrownBy(call).isInstanceOf(type);
        assertThat(Fx.dump(store)).isEqualTo(before);
    }

    @Test
    void oversizedFile() {
        SourceFile big = SourceFile.text("big.txt", "x".repeat(1001));
        unchanged(() -> s.draft(Fx.DN, Fx.ALICE.address(), List.of(big)), IngestException.class);
        assertThatThrownBy(() -> s.draft(Fx.DN, Fx.ALICE.address(), List.of(big)))
                .hasMessageContaining("big.txt")
                .hasMessageContaining("1001 bytes")
                .isInstanceOfSatisfying(
                        IngestException.class, e -> assertThat(e.reason()).isEqualTo(IngestException.Reason.TOO_LARGE));
    }

    @Test
    void defaultCapIsFiveMebibytes() {
        DatanetService d = Fx.service(new InMemoryKeyValueStore());
        assertThat(d.config().maxFileBytes()).isEqualTo(5L * 1024 * 1024);
    }

    @Test
    void invalidUtf8() {
        SourceFile bad = new SourceFile("bad.txt", Bytes.of((byte) 'o', (byte) 'k', (byte) 0xC3, (byte) 0x28));
        unchanged(() -> s.draft(Fx.DN, Fx.ALICE.address(), List.of(bad)), IngestException.class);
        assertThatThrownBy(() -> s.draft(Fx.DN, Fx.ALICE.address(), List.of(bad)))
                .hasMessageContaining("offset 2")
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.reason())
                        .isEqualTo(IngestException.Reason.INVALID_UTF8));
        // an overlong encoding of '/' is malformed too
        SourceFile overlong = new SourceFile("o.md", Bytes.of((byte) 0xC0, (byte) 0xAF));
        unchanged(() -> s.draft(Fx.DN, Fx.ALICE.address(), List.of(overlong)), IngestException.class);
    }

    @Test
    void unsupportedAndEmptyFiles() {
        unchanged(
                () -> s.draft(Fx.DN, Fx.ALICE.address(), List.of(SourceFile.text("a.exe", "MZ"))),
                IngestException.class);
        unchanged(
                () -> s.draft(Fx.DN, Fx.ALICE.address(), List.of(SourceFile.text("a.txt", " \n\n \n"))),
                IngestException.class);
        // one bad file spoils the whole contribution: nothing of the good file is kept
        unchanged(
                () -> s.draft(
                        Fx.DN,
                        Fx.ALICE.address(),
                        List.of(Fx.txt("good.txt", "fine"), new SourceFile("bad.txt", Bytes.of((byte) 0xff)))),
                IngestException.class);
    }

    @Test
    void badSignature() {
        Contribution d = s.draft(Fx.DN, Fx.ALICE.address(), List.of(Fx.txt("a.txt", "alpha")));
        // signed by someone else
        unchanged(
                () -> s.submit(Fx.DN, d.id(), Fx.MALLORY.signPersonalMessage(d.signingMessage())),
                InvalidSignatureException.class);
        // signed by alice, but over another message
        unchanged(
                () -> s.submit(Fx.DN, d.id(), Fx.ALICE.signPersonalMessage(Bytes.utf8("something else"))),
                InvalidSignatureException.class);
        assertThat(s.contribution(Fx.DN, d.id()).status()).isEqualTo(ContributionStatus.DRAFT);
        Contribution ok = s.submit(Fx.DN, d.id(), Fx.ALICE.signPersonalMessage(d.signingMessage()));
        assertThat(ok.signatureValid()).isTrue();
        unchanged(
                () -> s.submit(Fx.DN, d.id(), Fx.ALICE.signPersonalMessage(d.signingMessage())),
                InvalidStateException.class);
    }

    @Test
    void contributorNotAllowedInPrivateDatanet() {
        DatanetId priv = DatanetId.of("private/clinic");
        s.create(NewDatanet.builder(priv, Fx.OWNER.address())
                .visibility(Visibility.PRIVATE)
                .contributor(Fx.ALICE.address())
                .build());
        unchanged(
                () -> s.draft(priv, Fx.MALLORY.address(), List.of(Fx.txt("m.txt", "spam"))),
                PermissionDeniedException.class);
        assertThat(s.contribute(priv, Fx.ALICE, List.of(Fx.txt("a.txt", "allowed")))
                        .status())
                .isEqualTo(ContributionStatus.SUBMITTED);
        s.allowContributor(priv, Fx.OWNER.address(), Fx.MALLORY.address());
        assertThat(s.contribute(priv, Fx.MALLORY, List.of(Fx.txt("m.txt", "now allowed")))
                        .status())
                .isEqualTo(ContributionStatus.SUBMITTED);
        unchanged(
                () -> s.allowContributor(priv, Fx.ALICE.address(), Fx.BOB.address()), PermissionDeniedException.class);
    }

    @Test
    void approvalOrRejectionByNonCurator() {
        Contribution c = s.contribute(Fx.DN, Fx.ALICE, List.of(Fx.txt("a.txt", "alpha")));
        unchanged(() -> s.approve(Fx.DN, c.id(), Fx.MALLORY.address()), PermissionDeniedException.class);
        unchanged(() -> s.approve(Fx.DN, c.id(), Fx.ALICE.address()), PermissionDeniedException.class);
        unchanged(() -> s.reject(Fx.DN, c.id(), Fx.BOB.address(), "no"), PermissionDeniedException.class);
        // a rejection tells the contributor why
        unchanged(() -> s.reject(Fx.DN, c.id(), Fx.CURATOR.address(), " \n"), IllegalArgumentException.class);
        assertThat(s.head(Fx.DN)).isEmpty();
        s.approve(Fx.DN, c.id(), Fx.CURATOR.address());
        // approving twice creates no second version
        unchanged(() -> s.approve(Fx.DN, c.id(), Fx.OWNER.address()), InvalidStateException.class);
        unchanged(() -> s.reject(Fx.DN, c.id(), Fx.OWNER.address(), "late"), InvalidStateException.class);
    }

    @Test
    void draftsCannotBeApproved() {
        Contribution d = s.draft(Fx.DN, Fx.ALICE.address(), List.of(Fx.txt("a.txt", "alpha")));
        unchanged(() -> s.approve(Fx.DN, d.id(), Fx.OWNER.address()), InvalidStateException.class);
    }

    @Test
    void unknownThings() {
        unchanged(() -> s.info(DatanetId.of("nope")), NotFoundException.class);
        unchanged(
                () -> s.draft(DatanetId.of("nope"), Fx.ALICE.address(), List.of(Fx.txt("a.txt", "x"))),
                NotFoundException.class);
        unchanged(() -> s.approve(Fx.DN, Hash.ZERO, Fx.OWNER.address()), NotFoundException.class);
        unchanged(() -> s.version(Fx.DN, 1), NotFoundException.class);
        unchanged(() -> s.create(NewDatanet.builder(Fx.DN, Fx.ALICE.address()).build()), InvalidStateException.class);
        Contribution c = s.contribute(Fx.DN, Fx.ALICE, List.of(Fx.txt("a.txt", "alpha")));
        s.approve(Fx.DN, c.id(), Fx.OWNER.address());
        unchanged(() -> s.prove(Fx.DN, 1, Hash.ZERO), NotFoundException.class);
    }

    @Test
    void metadataEditsByOwnerOnlyAndNoVersion() {
        Contribution c = s.contribute(Fx.DN, Fx.ALICE, List.of(Fx.txt("a.txt", "alpha")));
        s.approve(Fx.DN, c.id(), Fx.OWNER.address());
        DatanetInfo edited = s.updateMetadata(Fx.DN, Fx.OWNER.address(), "new text", List.of("x", "y", "x"));
        assertThat(edited.tags()).containsExactly("x", "y");
        assertThat(s.info(Fx.DN).description()).isEqualTo("new text");
        assertThat(s.log(Fx.DN)).hasSize(1);
        unchanged(
                () -> s.updateMetadata(Fx.DN, Fx.CURATOR.address(), "hijack", List.of()),
                PermissionDeniedException.class);
        unchanged(
                () -> s.updateMetadata(Fx.DN, Fx.OWNER.address(), "x".repeat(70_000), List.of()),
                IllegalArgumentException.class);
    }

    @Test
    void configAndBuilderLimitsNameTheParameter() {
        assertThatThrownBy(() -> DatanetConfig.builder().maxFileBytes(0)).hasMessageContaining("maxFileBytes");
        assertThatThrownBy(() -> DatanetConfig.builder().nearDuplicateThreshold(1.5))
                .hasMessageContaining("nearDuplicateThreshold");
        assertThatThrownBy(() -> DatanetConfig.builder().minHashes(100)).hasMessageContaining("multiple of 8");
        assertThatThrownBy(() -> NewDatanet.builder(Fx.DN, Fx.OWNER.address()).name(""))
                .hasMessageContaining("name");
        assertThatThrownBy(() -> new SourceFile("../etc/passwd", Bytes.EMPTY)).hasMessageContaining("name");
    }
}
