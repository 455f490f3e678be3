package io.openledger.cli.demo;

import io.openledger.core.Bytes;
import io.openledger.core.DatanetId;
import io.openledger.core.contract.AnchorReceipt;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.contract.InMemoryAnchorContract;
import io.openledger.core.crypto.PrivateKey;
import io.openledger.core.store.RocksDbKeyValueStore;
import io.openledger.datanet.Contribution;
import io.openledger.datanet.Corpus;
import io.openledger.datanet.DataRecord;
import io.openledger.datanet.DatanetService;
import io.openledger.datanet.DatanetVersion;
import io.openledger.datanet.DuplicateFlag;
import io.openledger.datanet.FeeQuote;
import io.openledger.datanet.NewDatanet;
import io.openledger.datanet.RecordProof;
import io.openledger.datanet.SourceFile;
import io.openledger.datanet.Tokenizer;
import io.openledger.datanet.VersionDiff;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/**
 * Datanets: create one, ingest real files (Markdown, CSV, JSONL, PDF, DOCX) from two contributors,
 * review, publish versions, prove a record against the anchored root, export the corpus. Hands the
 * version ({@link DatanetVersionRef}) and its {@link Corpus} to later steps.
 */
public final class DatanetStep implements DemoStep {
    @Override
    public String title() {
        return "datanet: contribute, review, version, prove, anchor, export";
    }

    @Override
    public void run(DemoContext ctx) throws IOException {
        SecureRandom rnd = new SecureRandom();
        PrivateKey owner = PrivateKey.random(rnd);
        PrivateKey curator = PrivateKey.random(rnd);
        PrivateKey alice = PrivateKey.random(rnd);
        PrivateKey bob = PrivateKey.random(rnd);
        DatanetId id = DatanetId.of("demo-medical-qa");
        Path dir = ctx.workDir().resolve("datanet-store");
        InMemoryAnchorContract anchors = new InMemoryAnchorContract();

        DatanetVersion v2;
        DataRecord toPrune; // bob's near-duplicate record if one was flagged, else one of his records
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir)) {
            DatanetService datanets = DatanetService.builder()
                    .store(store)
                    .anchorContract(anchors)
                    .build();
            datanets.create(NewDatanet.builder(id, owner.address())
                    .name("Demo medical Q&A")
                    .description("Short medical facts, contributed by the community.")
                    .tags("medical", "qa", "demo")
                    .licence("CC-BY-4.0")
                    .curator(curator.address())
                    .build());
            ctx.say(
                    "created datanet %s owned by %s (curator %s), public, 5 MiB per file",
                    id, owner.address(), curator.address());

            List<SourceFile> aliceFiles = List.of(
                    SourceFile.text(
                            "cardiology.md",
                            "# Cardiology notes\n\nAspirin irreversibly inhibits cyclooxygenase, which reduces"
                                    + " platelet aggregation for the life of the platelet.\n\nA normal resting heart"
                                    + " rate for adults is between 60 and 100 beats per minute.\n"),
                    new SourceFile(
                            "pharmacology.pdf",
                            pdf(List.of(
                                    "Metformin lowers hepatic glucose production and is first-line for type 2 diabetes.",
                                    "Statins inhibit HMG-CoA reductase and lower LDL cholesterol."))));
            Contribution a = datanets.contribute(id, alice, aliceFiles);
            ctx.say(
                    "alice %s: %d records from %s, signed (EIP-191), status %s, signature valid: %s",
                    alice.address(), a.records().size(), names(aliceFiles), a.status(), a.signatureValid());

            DatanetVersion v1 = datanets.approve(id, a.id(), curator.address());
            ctx.say(
                    "curator approved alice → version %d, %d records, root %s, fee %s OPEN",
                    v1.number(), v1.recordCount(), v1.root(), v1.fee().toDecimalString());

            List<SourceFile> bobFiles = List.of(
                    SourceFile.text(
                            "vitals.csv",
                            "measure,normal range\nbody temperature,36.1 to 37.2 degrees Celsius\n"
                                    + "respiratory rate,12 to 20 breaths per minute\n"),
                    SourceFile.text(
                            "qa.jsonl",
                            "{\"text\":\"Q: What does insulin do? A: It lets cells take up glucose from the"
                                    + " blood.\"}\n{\"text\":\"Q: What is a normal resting heart rate? A: 60 to 100"
                                    + " beats per minute for adults.\"}\n"),
                    new SourceFile(
                            "guide.docx",
                            docx(List.of(
                                    "Aspirin irreversibly inhibits cyclooxygenase, which reduces platelet aggregation for"
                                            + " the whole life of the platelet.",
                                    "Ibuprofen is a reversible cyclooxygenase inhibitor used for pain and fever."))));
            Contribution b = datanets.contribute(id, bob, bobFiles);
            ctx.say(
                    "bob   %s: %d records from %s, status %s",
                    bob.address(), b.records().size(), names(bobFiles), b.status());

            List<DuplicateFlag> flags = b.flags();
            for (DuplicateFlag f : flags) {
                ctx.say(
                        "flag on bob's record %s…: %s duplicate of %s… (similarity %.2f)",
                        f.record().toHex().substring(0, 10),
                        f.kind(),
                        f.resembles().toHex().substring(0, 10),
                        f.similarity());
            }
            if (flags.isEmpty()) {
                ctx.say("no duplicate flags on bob's contribution");
            }
            FeeQuote quote = datanets.quote(id, b.id());
            ctx.say(
                    "publish fee quote for bob's contribution: %d records, %d bytes → %s OPEN (charged to the owner)",
                    quote.records(), quote.bytes(), quote.total().toDecimalString());
            v2 = datanets.approve(id, b.id(), owner.address());
            ctx.say(
                    "owner approved bob → version %d (parent %d), %d records, root %s",
                    v2.number(), v2.parent(), v2.recordCount(), v2.root());

            PrivateKey mallory = PrivateKey.random(rnd);
            Contribution spam = datanets.contribute(id, mallory, List.of(SourceFile.text("spam.txt", "BUY NOW!!!")));
            datanets.reject(id, spam.id(), curator.address(), "off-topic");
            ctx.say(
                    "curator rejected a third contribution (\"off-topic\"): no version created, head is still %d",
                    datanets.head(id).orElseThrow().number());

            VersionDiff diff = datanets.diff(id, 1, 2);
            ctx.say(
                    "diff v1 → v2: +%d −%d records",
                    diff.added().size(), diff.removed().size());

            AnchorReceipt receipt = datanets.anchorOf(id, 2).orElseThrow();
            DataRecord bobs = datanets.records(id, 2).stream()
                    .filter(r -> r.contributor().address().equals(bob.address()))
                    .findFirst()
                    .orElseThrow();
            RecordProof proof = datanets.prove(id, 2, bobs.id());
            ctx.say(
                    "anchored v2 root %s at %s (ref %s…)",
                    receipt.version().root(),
                    receipt.location(),
                    receipt.reference().toHex().substring(0, 18));
            ctx.say(
                    "proof of \"%s…\" (%s, %d siblings) against the anchored root: %s; with the text changed: %s",
                    bobs.text().substring(0, Math.min(40, bobs.text().length())),
                    bobs.sourceFile(),
                    proof.bucketProof().siblings().size() + proof.topSiblings().size(),
                    proof.verify(receipt.version().root(), bobs.text()),
                    proof.verify(receipt.version().root(), bobs.text() + "."));
            toPrune = flags.isEmpty()
                    ? bobs
                    : datanets.records(id, 2).stream()
                            .filter(r -> r.id().equals(flags.getFirst().record()))
                            .findFirst()
                            .orElse(bobs);
        }

        // reopen: everything was on disk
        Corpus corpus;
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir)) {
            DatanetService datanets = DatanetService.builder()
                    .store(store)
                    .anchorContract(anchors)
                    .build();
            ctx.say(
                    "reopened the RocksDB store: %d versions, head root %s",
                    datanets.log(id).size(),
                    datanets.head(id).orElseThrow().root().equals(v2.root()) ? "unchanged" : "CHANGED");
            corpus = datanets.export(id, v2.number());

            // pruning publishes a new version without the record; v2 keeps it and still proves it
            DatanetVersion v3 =
                    datanets.prune(id, owner.address(), List.of(toPrune.id()), "near duplicate of an approved record");
            ctx.say(
                    "owner pruned record %s… → version %d (parent %d), %d records (−%d), root %s; v2 still proves it: %s",
                    toPrune.id().toHex().substring(0, 10),
                    v3.number(),
                    v3.parent(),
                    v3.recordCount(),
                    v3.removedRecords(),
                    v3.root(),
                    datanets.prove(id, 2, toPrune.id()).verify(v2.root(), toPrune.text()));
        }
        Path jsonl = ctx.workDir().resolve("datanet-" + id + "-v" + v2.number() + ".jsonl");
        try (OutputStream out = Files.newOutputStream(jsonl)) {
            corpus.writeJsonl(out);
        }
        long tokens = corpus.tokens(Tokenizer.simple())
                .mapToLong(t -> t.tokens().length)
                .sum();
        ctx.say(
                "exported %d records (%d tokens with the %s tokenizer) to %s",
                corpus.size(), tokens, Tokenizer.simple().id(), jsonl);
        ctx.put(DatanetVersionRef.class, v2.ref());
        ctx.put(Corpus.class, corpus);
    }

    private static String names(List<SourceFile> files) {
        return String.join(", ", files.stream().map(SourceFile::name).toList());
    }

    /** A one-page PDF with one paragraph per entry, written with PDFBox. */
    static Bytes pdf(List<String> paragraphs) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                cs.beginText();
                cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 10);
                cs.newLineAtOffset(50, 720);
                for (String p : paragraphs) {
                    cs.showText(p);
                    cs.newLineAtOffset(0, -40);
                }
                cs.endText();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return Bytes.wrap(out.toByteArray());
        }
    }

    /** A DOCX with one paragraph per entry, written with POI. */
    static Bytes docx(List<String> paragraphs) throws IOException {
        try (XWPFDocument doc = new XWPFDocument()) {
            for (String p : paragraphs) {
                doc.createParagraph().createRun().setText(p);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.write(out);
            return Bytes.wrap(out.toByteArray());
        }
    }
}
