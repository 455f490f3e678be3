package io.openledger.cli.datanet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.node.RpcAnchorContract;
import io.openledger.core.Address;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.contract.AnchorReceipt;
import io.openledger.core.crypto.PrivateKey;
import io.openledger.core.store.RocksDbKeyValueStore;
import io.openledger.datanet.Contribution;
import io.openledger.datanet.Corpus;
import io.openledger.datanet.DatanetException;
import io.openledger.datanet.DatanetInfo;
import io.openledger.datanet.DatanetService;
import io.openledger.datanet.DatanetVersion;
import io.openledger.datanet.DuplicateFlag;
import io.openledger.datanet.NewDatanet;
import io.openledger.datanet.RecordProof;
import io.openledger.datanet.SourceFile;
import io.openledger.datanet.VersionDiff;
import io.openledger.datanet.Visibility;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code openledger datanet …}: create datanets, contribute signed files, review, prune records,
 * and inspect, prove, verify and export versions. State lives in a RocksDB store under {@code
 * --home}; keys named with {@code --as NAME} live in {@code HOME/keys/NAME.key} (created on first
 * use, owner-only permissions). Human-readable output by default, one JSON object with {@code
 * --json}.
 */
@Command(
        name = "datanet",
        mixinStandardHelpOptions = true,
        description = "Community datasets: contribute, review, prune, version, anchor, prove, export.",
        subcommands = {
            DatanetCommand.Create.class,
            DatanetCommand.Contribute.class,
            DatanetCommand.Review.class,
            DatanetCommand.Prune.class,
            DatanetCommand.Anchor.class,
            DatanetCommand.Log.class,
            DatanetCommand.Diff.class,
            DatanetCommand.Prove.class,
            DatanetCommand.Verify.class,
            DatanetCommand.Export.class,
            DatanetCommand.Whoami.class,
            DatanetCommand.Bench.class
        })
public final class DatanetCommand implements Runnable {
    static final ObjectMapper JSON = new ObjectMapper();

    @Option(
            names = "--home",
            description = "OpenLedger home directory (default: ~/.openledger).",
            scope = CommandLine.ScopeType.INHERIT)
    Path home = Path.of(System.getProperty("user.home"), ".openledger");

    @Option(names = "--json", description = "Print one JSON object.", scope = CommandLine.ScopeType.INHERIT)
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs {@code datanet} with {@code args}, printing to {@code out}; returns the exit status. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new DatanetCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("error: " + e.getMessage());
            return e instanceof DatanetException || e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cl.execute(args);
    }

    /** Opens the store and runs {@code body} with a service over it. */
    <T> T withService(ServiceCall<T> body) throws Exception {
        Path dir = Files.createDirectories(home.resolve("datanet").resolve("store"));
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir)) {
            return body.call(DatanetService.builder().store(store).build());
        }
    }

    interface ServiceCall<T> {
        T call(DatanetService service) throws Exception;
    }

    /** The key named {@code name}, created with owner-only permissions if absent. */
    PrivateKey key(String name) throws IOException {
        if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("--as must be 1..64 characters of [A-Za-z0-9_-], got '" + name + "'");
        }
        Path dir = Files.createDirectories(home.resolve("keys"));
        Path file = dir.resolve(name + ".key");
        if (!Files.exists(file)) {
            PrivateKey k = PrivateKey.random();
            Files.writeString(file, k.secret().toHex() + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system; the file keeps the default permissions
            }
            return k;
        }
        return PrivateKey.fromHex(Files.readString(file).strip());
    }

    /** Parses an address, or a key name whose address is meant. */
    Address address(String who) throws IOException {
        return who.startsWith("0x") ? Address.fromHex(who) : key(who).address();
    }

    void print(ObjectNode o, String human) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? o.toString() : human);
        out.flush();
    }

    static ObjectNode version(DatanetVersion v) {
        ObjectNode o = JSON.createObjectNode();
        o.put("version", v.number());
        o.put("parent", v.parent());
        o.put("root", v.root().toHex());
        switch (v.origin()) {
            case DatanetVersion.Approval a -> {
                o.put("kind", "approval");
                o.put("contribution", a.contribution().toHex());
            }
            case DatanetVersion.Prune p -> {
                o.put("kind", "prune");
                o.put("remover", p.remover().toChecksumHex());
                o.put("reason", p.reason());
            }
        }
        o.put("records", v.recordCount());
        o.put("bytes", v.totalBytes());
        o.put("added", v.addedRecords());
        o.put("removed", v.removedRecords());
        o.put("fee", v.fee().toDecimalString());
        o.put("createdAt", v.createdAt().toString());
        return o;
    }

    static String versionLine(DatanetVersion v) {
        return switch (v.origin()) {
            case DatanetVersion.Approval a ->
                String.format(
                        "v%d  root %s  %d records (+%d)  fee %s OPEN  from %s  %s",
                        v.number(),
                        v.root(),
                        v.recordCount(),
                        v.addedRecords(),
                        v.fee().toDecimalString(),
                        a.contribution().toHex().substring(0, 12),
                        v.createdAt());
            // one line per version, whatever line breaks the reason holds
            case DatanetVersion.Prune p ->
                String.format(
                        "v%d  root %s  %d records (-%d, pruned by %s: %s)  %s",
                        v.number(),
                        v.root(),
                        v.recordCount(),
                        v.removedRecords(),
                        p.remover(),
                        p.reason().replaceAll("\\R", " "),
                        v.createdAt());
        };
    }

    /** {@code datanet create}. */
    @Command(name = "create", description = "Create a datanet.", mixinStandardHelpOptions = true)
    static final class Create implements Callable<Integer> {
        @ParentCommand
        DatanetCommand p;

        @Parameters(index = "0", description = "Datanet id.")
        String id;

        @Option(names = "--as", required = true, description = "Owner key name.")
        String owner;

        @Option(names = "--name", description = "Display name.")
        String name;

        @Option(names = "--description", description = "Markdown description.")
        String description = "";

        @Option(names = "--tag", description = "A tag (repeatable).")
        List<String> tags = new ArrayList<>();

        @Option(names = "--licence", description = "Licence id (default CC-BY-4.0).")
        String licence = "CC-BY-4.0";

        @Option(names = "--private", description = "Only listed contributors may contribute.")
        boolean priv;

        @Option(names = "--curator", description = "Curator address or key name (repeatable).")
        List<String> curators = new ArrayList<>();

        @Option(names = "--contributor", description = "Listed contributor address or key name (repeatable).")
        List<String> contributors = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            NewDatanet.Builder b = NewDatanet.builder(
                            DatanetId.of(id), p.key(owner).address())
                    .description(description)
                    .tags(tags.toArray(String[]::new))
                    .licence(licence)
                    .visibility(priv ? Visibility.PRIVATE : Visibility.PUBLIC);
            if (name != null) {
                b.name(name);
            }
            for (String c : curators) {
                b.curator(p.address(c));
            }
            for (String c : contributors) {
                b.contributor(p.address(c));
            }
            NewDatanet spec = b.build();
            DatanetInfo info = p.withService(s -> s.create(spec));
            ObjectNode o = JSON.createObjectNode();
            o.put("datanet", info.id().value());
            o.put("owner", info.owner().toChecksumHex());
            o.put("visibility", info.visibility().name());
            p.print(o, "created datanet " + info.id() + " owned by " + info.owner() + " (" + info.visibility() + ")");
            return 0;
        }
    }

    /** {@code datanet contribute}. */
    @Command(
            name = "contribute",
            description = "Ingest files (.txt .md .jsonl .csv .pdf .docx), sign and submit them.",
            mixinStandardHelpOptions = true)
    static final class Contribute implements Callable<Integer> {
        @ParentCommand
        DatanetCommand p;

        @Parameters(index = "0", description = "Datanet id.")
        String id;

        @Parameters(index = "1..*", arity = "1..*", description = "Files to contribute.")
        List<Path> files;

        @Option(names = "--as", required = true, description = "Contributor key name.")
        String who;

        @Override
        public Integer call() throws Exception {
            PrivateKey key = p.key(who);
            List<SourceFile> sources = new ArrayList<>();
            for (Path f : files) {
                sources.add(SourceFile.read(f));
            }
            Contribution c = p.withService(s -> s.contribute(DatanetId.of(id), key, sources));
            ObjectNode o = JSON.createObjectNode();
            o.put("contribution", c.id().toHex());
            o.put("contributor", c.contributor().address().toChecksumHex());
            o.put("status", c.status().name());
            o.put("records", c.records().size());
            o.put("bytes", c.recordBytes());
            ArrayNode flags = o.putArray("flags");
            StringBuilder human = new StringBuilder(String.format(
                    "contribution %s by %s: %d records, %d bytes, %s",
                    c.id(), c.contributor(), c.records().size(), c.recordBytes(), c.status()));
            for (DuplicateFlag f : c.flags()) {
                ObjectNode fo = flags.addObject();
                fo.put("record", f.record().toHex());
                fo.put("kind", f.kind().name());
                fo.put("resembles", f.resembles().toHex());
                fo.put("similarity", f.similarity());
                human.append(String.format(
                        "%n  %s duplicate: %s resembles %s (%.2f)",
                        f.kind(), f.record(), f.resembles(), f.similarity()));
            }
            p.print(o, human.toString());
            return 0;
        }
    }

    /** {@code datanet review}. */
    @Command(
            name = "review",
            description = "Approve or reject a submitted contribution.",
            mixinStandardHelpOptions = true)
    static final class Review implements Callable<Integer> {
        @ParentCommand
        DatanetCommand p;

        @Parameters(index = "0", description = "Datanet id.")
        String id;

        @Parameters(index = "1", description = "Contribution id (0x-hex).")
        String contribution;

        @Option(names = "--as", required = true, description = "Reviewer key name (owner or curator).")
        String who;

        @CommandLine.ArgGroup(multiplicity = "1")
        Decision decision;

        static final class Decision {
            @Option(names = "--approve", description = "Approve: creates a new version.")
            boolean approve;

            @Option(names = "--reject", description = "Reject, with a reason.")
            String reject;
        }

        @Override
        public Integer call() throws Exception {
            Address reviewer = p.key(who).address();
            DatanetId dn = DatanetId.of(id);
            Hash cid = Hash.fromHex(contribution);
            if (decision.approve) {
                DatanetVersion v = p.withService(s -> s.approve(dn, cid, reviewer));
                p.print(version(v), "approved → " + versionLine(v));
            } else {
                Contribution c = p.withService(s -> s.reject(dn, cid, reviewer, decision.reject));
                ObjectNode o = JSON.createObjectNode();
                o.put("contribution", c.id().toHex());
                o.put("status", c.status().name());
                o.put("reason", c.reason());
                p.print(o, "rejected " + c.id() + ": " + c.reason());
            }
            return 0;
        }
    }

    /** {@code datanet prune}. */
    @Command(
            name = "prune",
            description = "Remove records from the latest version, making a new version without them;"
                    + " earlier versions keep them.",
            mixinStandardHelpOptions = true)
    static final class Prune implements Callable<Integer> {
        @ParentCommand
        DatanetCommand p;

        @Parameters(index = "0", description = "Datanet id.")
        String id;

        @Parameters(index = "1..*", arity = "1..*", description = "Record ids (0x-hex) to remove.")
        List<String> records;

        @Option(
                names = "--reason",
                required = true,
                description = "Why the records are removed (kept with the version).")
        String reason;

        @Option(names = "--as", required = true, description = "Remover key name (owner or curator).")
        String who;

        @Override
        public Integer call() throws Exception {
            Address remover = p.key(who).address();
            DatanetId dn = DatanetId.of(id);
            List<Hash> ids = new ArrayList<>();
            for (String r : records) {
                ids.add(Hash.fromHex(r));
            }
            DatanetVersion v = p.withService(s -> s.prune(dn, remover, ids, reason));
            p.print(version(v), "pruned → " + versionLine(v));
            return 0;
        }
    }

    /** {@code datanet anchor}: puts a version's root on an OpenLedger L2 node over JSON-RPC. */
    @Command(
            name = "anchor",
            description = "Anchor a version's Merkle root in the DatanetRegistry of an L2 node (openledger node)."
                    + " The owner's account pays the gas in OPEN: on a dev node, give the owner a funded dev key"
                    + " (its hex secret in HOME/keys/NAME.key) or send it OPEN first.",
            mixinStandardHelpOptions = true)
    static final class Anchor implements Callable<Integer> {
        @ParentCommand
        DatanetCommand p;

        @Parameters(index = "0", description = "Datanet id.")
        String id;

        @Option(names = "--version", description = "Version to anchor (default: the head).")
        @Nullable
        Long version;

        @Option(
                names = "--rpc",
                required = true,
                description = "JSON-RPC URL of the L2 node, e.g. http://127.0.0.1:8545.")
        URI rpc;

        @Option(names = "--as", required = true, description = "The owner's key name.")
        String who;

        @Option(
                names = "--timeout",
                defaultValue = "30",
                description = "Seconds to wait for the transaction's receipt (default ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            DatanetId dn = DatanetId.of(id);
            PrivateKey key = p.key(who);
            DatanetInfo info = p.withService(s -> s.info(dn));
            if (!info.owner().equals(key.address())) {
                throw new IllegalArgumentException(
                        who + " is " + key.address() + "; only the owner " + info.owner() + " anchors " + dn);
            }
            DatanetVersion v = p.withService(s -> version != null
                    ? s.version(dn, version)
                    : s.head(dn).orElseThrow(() -> new IllegalArgumentException("datanet " + dn + " has no versions")));
            RpcAnchorContract chain = new RpcAnchorContract(
                    rpc,
                    a -> a.equals(key.address()) ? Optional.of(key) : Optional.empty(),
                    Duration.ofSeconds(timeoutSeconds));
            AnchorReceipt r = chain.anchor(v.ref(), key.address());
            ObjectNode o = JSON.createObjectNode();
            o.put("datanet", dn.value());
            o.put("version", v.number());
            o.put("root", v.root().toHex());
            o.put("owner", r.owner().toChecksumHex());
            o.put("transaction", r.reference().toHex());
            o.put("anchoredAt", r.anchoredAt().toString());
            p.print(
                    o,
                    "anchored v" + v.number() + " root " + v.root() + " in transaction " + r.reference() + " ("
                            + r.anchoredAt() + ")");
            return 0;
        }
    }

    /** {@code datanet log}. */
    @Command(name = "log", description = "List a datanet's versions.", mixinStandardHelpOptions = true)
    static final class Log implements Callable<Integer> {
        @ParentCommand
        DatanetCommand p;

        @Parameters(index = "0", description = "Datanet id.")
        String id;

        @Override
        public Integer call() throws Exception {
            List<DatanetVersion> log = p.withService(s -> s.log(DatanetId.of(id)));
            ObjectNode o = JSON.createObjectNode();
            ArrayNode arr = o.putArray("versions");
            StringBuilder human = new StringBuilder();
            for (DatanetVersion v : log) {
                arr.add(version(v));
                human.append(human.isEmpty() ? "" : "\n").append(versionLine(v));
            }
            p.print(o, log.isEmpty() ? "no versions yet" : human.toString());
            return 0;
        }
    }

    /** {@code datanet diff}. */
    @Command(
            name = "diff",
            description = "Records added and removed between two versions.",
            mixinStandardHelpOptions = true)
    static final class Diff implements Callable<Integer> {
        @ParentCommand
        DatanetCommand p;

        @Parameters(index = "0", description = "Datanet id.")
        String id;

        @Parameters(index = "1", description = "From version.")
        long from;

        @Parameters(index = "2", description = "To version.")
        long to;

        @Override
        public Integer call() throws Exception {
            VersionDiff d = p.withService(s -> s.diff(DatanetId.of(id), from, to));
            ObjectNode o = JSON.createObjectNode();
            o.put("from", from);
            o.put("to", to);
            ArrayNode add = o.putArray("added");
            d.added().forEach(h -> add.add(h.toHex()));
            ArrayNode rem = o.putArray("removed");
            d.removed().forEach(h -> rem.add(h.toHex()));
            StringBuilder human = new StringBuilder(String.format(
                    "v%d → v%d: +%d −%d",
                    from, to, d.added().size(), d.removed().size()));
            d.added().forEach(h -> human.append("\n+ ").append(h));
            d.removed().forEach(h -> human.append("\n- ").append(h));
            p.print(o, human.toString());
            return 0;
        }
    }

    /** {@code datanet prove}. */
    @Command(
            name = "prove",
            description = "Print the inclusion proof of a record (JSON).",
            mixinStandardHelpOptions = true)
    static final class Prove implements Callable<Integer> {
        @ParentCommand
        DatanetCommand p;

        @Parameters(index = "0", description = "Datanet id.")
        String id;

        @Parameters(index = "1", description = "Version.")
        long version;

        @Parameters(index = "2", description = "Record id (0x-hex).")
        String record;

        @Option(names = "--out", description = "Write the proof to this file instead of printing it.")
        Path out;

        @Override
        public Integer call() throws Exception {
            RecordProof proof = p.withService(s -> s.prove(DatanetId.of(id), version, Hash.fromHex(record)));
            String text = proof.toJson();
            if (out != null) {
                Files.writeString(out, text + "\n");
                ObjectNode o = JSON.createObjectNode();
                o.put("proof", out.toString());
                o.put("root", proof.version().root().toHex());
                p.print(
                        o,
                        "wrote proof of " + record + " in v" + version + " (root "
                                + proof.version().root() + ") to " + out);
            } else {
                PrintWriter w = p.spec.commandLine().getOut();
                w.println(text);
                w.flush();
            }
            return 0;
        }
    }

    /** {@code datanet verify}: needs no store, only the root. */
    @Command(
            name = "verify",
            description = "Verify a proof file against a root; exit 0 if it holds, 3 if not.",
            mixinStandardHelpOptions = true)
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        DatanetCommand p;

        @Parameters(index = "0", description = "Proof file (from prove).")
        Path proofFile;

        @Option(names = "--root", required = true, description = "The trusted version root (0x-hex).")
        String root;

        @Option(names = "--text", description = "A file holding the record text, to check the content too.")
        Path text;

        @Override
        public Integer call() throws Exception {
            RecordProof proof = RecordProof.fromJson(Files.readString(proofFile));
            Hash r = Hash.fromHex(root);
            boolean ok =
                    text == null ? proof.verify(r) : proof.verify(r, Files.readString(text, StandardCharsets.UTF_8));
            ObjectNode o = JSON.createObjectNode();
            o.put("valid", ok);
            o.put("record", proof.record().toHex());
            o.put("contributor", proof.contributor().address().toChecksumHex());
            o.put("root", r.toHex());
            p.print(
                    o,
                    (ok ? "VALID: " : "INVALID: ") + "record " + proof.record() + " of " + proof.contributor()
                            + (ok ? " is in" : " is not proven in") + " the version with root " + r);
            return ok ? 0 : 3;
        }
    }

    /** {@code datanet export}. */
    @Command(
            name = "export",
            description = "Export a version as JSONL (record, contributor, text).",
            mixinStandardHelpOptions = true)
    static final class Export implements Callable<Integer> {
        @ParentCommand
        DatanetCommand p;

        @Parameters(index = "0", description = "Datanet id.")
        String id;

        @Parameters(index = "1", arity = "0..1", description = "Version (default: the latest).")
        Long version;

        @Option(names = "--out", description = "Write to this file instead of standard output.")
        Path out;

        @Override
        public Integer call() throws Exception {
            DatanetId dn = DatanetId.of(id);
            Corpus corpus = p.withService(s -> s.export(
                    dn,
                    version != null
                            ? version
                            : s.head(dn)
                                    .orElseThrow(
                                            () -> new IllegalArgumentException("datanet " + dn + " has no versions"))
                                    .number()));
            if (out != null) {
                try (OutputStream os = Files.newOutputStream(out)) {
                    corpus.writeJsonl(os);
                }
                ObjectNode o = JSON.createObjectNode();
                o.put("version", corpus.version().version());
                o.put("root", corpus.version().root().toHex());
                o.put("records", corpus.size());
                o.put("file", out.toString());
                p.print(o, "exported v" + corpus.version().version() + " (" + corpus.size() + " records) to " + out);
            } else {
                PrintWriter w = p.spec.commandLine().getOut();
                w.print(corpus.toJsonl());
                w.flush();
            }
            return 0;
        }
    }

    /** {@code datanet whoami}: the address of a named key. */
    @Command(
            name = "whoami",
            description = "Print the address of a named key (creating it if absent).",
            mixinStandardHelpOptions = true)
    static final class Whoami implements Callable<Integer> {
        @ParentCommand
        DatanetCommand p;

        @Option(names = "--as", required = true, description = "Key name.")
        String who;

        @Override
        public Integer call() throws Exception {
            Address a = p.key(who).address();
            ObjectNode o = JSON.createObjectNode();
            o.put("name", who);
            o.put("address", a.toChecksumHex());
            p.print(o, who + " " + a.toChecksumHex());
            return 0;
        }
    }

    /** {@code datanet bench}: the datanet benchmark, in memory, one JSON line. */
    @Command(
            name = "bench",
            description = "Ingest MiB/s on mixed text, one-record commit time at 10% and 100% of a large datanet,"
                    + " near-duplicate recall on planted near duplicates; prints one JSON line.",
            mixinStandardHelpOptions = true)
    static final class Bench implements Callable<Integer> {
        @ParentCommand
        DatanetCommand p;

        @Option(names = "--mib", description = "MiB of mixed text to ingest (default 50).")
        int mib = 50;

        @Option(names = "--records", description = "Records in the large datanet (default 100000).")
        int records = 100_000;

        @Option(names = "--planted", description = "Planted near duplicates (default 500).")
        int planted = 500;

        @Override
        public Integer call() {
            if (mib < 1 || records < 10 || planted < 1) {
                throw new IllegalArgumentException("--mib must be >= 1, --records >= 10, --planted >= 1");
            }
            PrintWriter log = p.json
                    ? new PrintWriter(java.io.Writer.nullWriter())
                    : p.spec.commandLine().getOut();
            String line = DatanetBenchmark.run(mib, records, planted, log);
            PrintWriter out = p.spec.commandLine().getOut();
            out.println(line);
            out.flush();
            return 0;
        }
    }
}
