package io.openledger.datanet.internal;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Clock;
import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.contract.AnchorContract;
import io.openledger.core.contract.AnchorReceipt;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.crypto.Signature;
import io.openledger.core.merkle.MerkleTree;
import io.openledger.core.store.KeyValue;
import io.openledger.core.store.KeyValueIterator;
import io.openledger.core.store.KeyValueStore;
import io.openledger.core.store.WriteBatch;
import io.openledger.datanet.Contribution;
import io.openledger.datanet.ContributionStatus;
import io.openledger.datanet.Corpus;
import io.openledger.datanet.CorpusEntry;
import io.openledger.datanet.DataRecord;
import io.openledger.datanet.DatanetConfig;
import io.openledger.datanet.DatanetInfo;
import io.openledger.datanet.DatanetService;
import io.openledger.datanet.DatanetVersion;
import io.openledger.datanet.DuplicateFlag;
import io.openledger.datanet.FeeQuote;
import io.openledger.datanet.FileSummary;
import io.openledger.datanet.InvalidSignatureException;
import io.openledger.datanet.InvalidStateException;
import io.openledger.datanet.NewDatanet;
import io.openledger.datanet.NotFoundException;
import io.openledger.datanet.PermissionDeniedException;
import io.openledger.datanet.RecordProof;
import io.openledger.datanet.SourceFile;
import io.openledger.datanet.VersionDiff;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The {@link DatanetService} on a {@link KeyValueStore}. Each datanet has a lock that serialises
 * its state changes; each change is one atomic {@link WriteBatch}. Parsing and MinHash work run
 * outside the lock. An in-memory view of the head (the record tree and the LSH index) is rebuilt
 * lazily from the head version's records in the store, so a service reopened on the same store
 * continues where it stopped. Each stored record keeps the intervals of versions that hold it
 * ({@link RecordHistory}), so approvals and prunes never change what an earlier version holds. One
 * service instance should own a store at a time. Thread-safe.
 */
public final class StoredDatanetService implements DatanetService {
    private static final int MAX_REASON = 1000;

    private final KeyValueStore store;
    private final Clock clock;
    private final AnchorContract anchors;
    private final DatanetConfig config;
    private final Ingestor ingestor;
    private final MinHasher minHasher;
    private final Map<DatanetId, State> states = new ConcurrentHashMap<>();

    /** The head of one datanet as held in memory; guarded by {@link #lock}. */
    private final class State {
        final ReentrantLock lock = new ReentrantLock();

        @Nullable
        VersionTree tree; // the head's records

        @Nullable
        LshIndex lsh;

        /** Builds the view from the head version's records, the only ones it may hold. */
        void load(DatanetId id) {
            if (tree != null) {
                return;
            }
            Optional<DatanetVersion> head = head(id);
            Map<Hash, Hash> l = new HashMap<>();
            LshIndex index = new LshIndex(config.minHashes(), config.nearDuplicateThreshold());
            if (head.isPresent()) {
                long number = head.get().number();
                try (KeyValueIterator it = store.scan(Keys.records(id))) {
                    while (it.hasNext()) {
                        KeyValue kv = it.next();
                        Optional<DataRecord> r = Codec.recordAt(Codec.read(kv.value(), "record"), number);
                        if (r.isPresent()) {
                            l.put(r.get().id(), MerkleTree.leafHash(r.get().leaf()));
                            index.add(r.get().id(), minHasher.signature(r.get().text()));
                        }
                    }
                }
            }
            VersionTree t = VersionTree.of(l);
            if (head.isPresent() && !t.root().equals(head.get().root())) {
                throw new IllegalStateException(
                        "stored records of the head version " + head.get().number() + " of " + id
                                + " do not hash to its root " + head.get().root() + "; the store is corrupt");
            }
            tree = t;
            lsh = index;
        }

        VersionTree tree() {
            VersionTree l = tree;
            if (l == null) {
                throw new IllegalStateException("state not loaded");
            }
            return l;
        }

        LshIndex lsh() {
            LshIndex x = lsh;
            if (x == null) {
                throw new IllegalStateException("state not loaded");
            }
            return x;
        }
    }

    /** A service over {@code store}; see {@link DatanetService#builder()}. */
    public StoredDatanetService(KeyValueStore store, Clock clock, AnchorContract anchors, DatanetConfig config) {
        this.store = store;
        this.clock = clock;
        this.anchors = anchors;
        this.config = config;
        this.ingestor = new Ingestor(config.maxFileBytes(), config.maxRecordBytes());
        this.minHasher = new MinHasher(config.shingleSize(), config.minHashes());
    }

    private State state(DatanetId id) {
        return states.computeIfAbsent(id, k -> new State());
    }

    @Override
    public DatanetConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- datanets

    @Override
    public DatanetInfo create(NewDatanet spec) {
        State s = state(spec.id());
        s.lock.lock();
        try {
            if (store.contains(Keys.meta(spec.id()))) {
                throw new InvalidStateException("datanet " + spec.id() + " already exists");
            }
            DatanetInfo info = new DatanetInfo(
                    spec.id(),
                    spec.owner(),
                    spec.name(),
                    spec.description(),
                    spec.tags(),
                    spec.licence(),
                    spec.visibility(),
                    spec.curators(),
                    spec.contributors(),
                    clock.now());
            store.put(Keys.meta(spec.id()), Codec.info(info));
            return info;
        } finally {
            s.lock.unlock();
        }
    }

    @Override
    public DatanetInfo info(DatanetId id) {
        return store.get(Keys.meta(id)).map(Codec::info).orElseThrow(() -> new NotFoundException("no datanet " + id));
    }

    @Override
    public List<DatanetInfo> list() {
        List<DatanetInfo> out = new ArrayList<>();
        try (KeyValueIterator it = store.scan(Keys.META_PREFIX)) {
            while (it.hasNext()) {
                out.add(Codec.info(it.next().value()));
            }
        }
        return out;
    }

    @Override
    public DatanetInfo updateMetadata(DatanetId id, Address editor, String description, List<String> tags) {
        NewDatanet checked = NewDatanet.builder(id, editor)
                .description(description)
                .tags(tags.toArray(String[]::new))
                .build();
        return edit(
                id,
                editor,
                "edit the metadata of",
                i -> new DatanetInfo(
                        i.id(),
                        i.owner(),
                        i.name(),
                        checked.description(),
                        checked.tags(),
                        i.licence(),
                        i.visibility(),
                        i.curators(),
                        i.contributors(),
                        i.createdAt()));
    }

    @Override
    public DatanetInfo addCurator(DatanetId id, Address owner, Address curator) {
        return edit(id, owner, "add curators to", i -> {
            Set<Address> c = new LinkedHashSet<>(i.curators());
            c.add(curator);
            return new DatanetInfo(
                    i.id(),
                    i.owner(),
                    i.name(),
                    i.description(),
                    i.tags(),
                    i.licence(),
                    i.visibility(),
                    c,
                    i.contributors(),
                    i.createdAt());
        });
    }

    @Override
    public DatanetInfo allowContributor(DatanetId id, Address owner, Address contributor) {
        return edit(id, owner, "list contributors of", i -> {
            Set<Address> c = new LinkedHashSet<>(i.contributors());
            c.add(contributor);
            return new DatanetInfo(
                    i.id(),
                    i.owner(),
                    i.name(),
                    i.description(),
                    i.tags(),
                    i.licence(),
                    i.visibility(),
                    i.curators(),
                    c,
                    i.createdAt());
        });
    }

    private DatanetInfo edit(
            DatanetId id, Address who, String action, java.util.function.UnaryOperator<DatanetInfo> change) {
        State s = state(id);
        s.lock.lock();
        try {
            DatanetInfo info = info(id);
            if (!info.owner().equals(who)) {
                throw new PermissionDeniedException(
                        who + " may not " + action + " datanet " + id + ": only its owner " + info.owner() + " may");
            }
            DatanetInfo next = change.apply(info);
            store.put(Keys.meta(id), Codec.info(next));
            return next;
        } finally {
            s.lock.unlock();
        }
    }

    // ---------------------------------------------------------------- contributions

    @Override
    public Contribution draft(DatanetId id, Address contributor, List<SourceFile> files) {
        DatanetInfo info = info(id);
        if (!info.mayContribute(contributor)) {
            throw new PermissionDeniedException(
                    contributor + " may not contribute to private datanet " + id + ": not listed by its owner");
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("files must not be empty");
        }
        ContributorId who = ContributorId.of(contributor);
        List<FileSummary> summaries = new ArrayList<>();
        Map<Hash, DataRecord> records = new LinkedHashMap<>();
        for (SourceFile f : files) {
            Hash fileHash = f.hash();
            summaries.add(new FileSummary(f.name(), fileHash, f.content().size()));
            for (Segment seg : ingestor.segments(f)) {
                DataRecord r = new DataRecord(
                        DataRecord.idOf(seg.text()), seg.text(), who, f.name(), fileHash, seg.start(), seg.end());
                records.putIfAbsent(r.id(), r); // a repeat inside one contribution adds nothing
            }
        }
        List<DataRecord> recs = List.copyOf(records.values());
        Hash cid = Canonical.digest(id, who, summaries, recs);
        int[][] sigs = new int[recs.size()][];
        for (int i = 0; i < sigs.length; i++) {
            sigs[i] = minHasher.signature(recs.get(i).text());
        }

        State s = state(id);
        s.lock.lock();
        try {
            Optional<Bytes> existing = store.get(Keys.contribution(id, cid));
            if (existing.isPresent()) {
                return Codec.contribution(existing.get());
            }
            s.load(id);
            List<DuplicateFlag> flags = new ArrayList<>();
            LshIndex local = new LshIndex(config.minHashes(), config.nearDuplicateThreshold());
            for (int i = 0; i < recs.size(); i++) {
                Hash rid = recs.get(i).id();
                if (s.tree().contains(rid)) {
                    flags.add(new DuplicateFlag(rid, DuplicateFlag.Kind.EXACT, rid, 1.0));
                } else {
                    Optional<LshIndex.Match> m = s.lsh().best(rid, sigs[i]);
                    Optional<LshIndex.Match> ml = local.best(rid, sigs[i]);
                    if (ml.isPresent()
                            && (m.isEmpty() || ml.get().similarity() > m.get().similarity())) {
                        m = ml;
                    }
                    m.ifPresent(x ->
                            flags.add(new DuplicateFlag(rid, DuplicateFlag.Kind.NEAR, x.record(), x.similarity())));
                }
                local.add(rid, sigs[i]);
            }
            Contribution c = new Contribution(
                    cid, id, who, summaries, recs, flags, ContributionStatus.DRAFT, null, null, "", 0, clock.now());
            store.put(Keys.contribution(id, cid), Codec.contribution(c));
            return c;
        } finally {
            s.lock.unlock();
        }
    }

    @Override
    public Contribution submit(DatanetId id, Hash contribution, Signature signature) {
        State s = state(id);
        s.lock.lock();
        try {
            Contribution c = contribution(id, contribution);
            if (c.status() != ContributionStatus.DRAFT) {
                throw new InvalidStateException(
                        "contribution " + contribution + " is " + c.status() + "; only a DRAFT can be submitted");
            }
            Optional<Address> signer = signature.recoverPersonalMessageSigner(c.signingMessage());
            if (signer.isEmpty() || !signer.get().equals(c.contributor().address())) {
                throw new InvalidSignatureException("signature on contribution " + contribution + " recovers to "
                        + signer.map(Address::toString).orElse("no address") + ", not the contributor "
                        + c.contributor());
            }
            Contribution next = with(c, ContributionStatus.SUBMITTED, signature, null, "", 0);
            store.put(Keys.contribution(id, contribution), Codec.contribution(next));
            return next;
        } finally {
            s.lock.unlock();
        }
    }

    private static Contribution with(
            Contribution c,
            ContributionStatus status,
            @Nullable Signature sig,
            @Nullable Address reviewer,
            String reason,
            long version) {
        return new Contribution(
                c.id(),
                c.datanet(),
                c.contributor(),
                c.files(),
                c.records(),
                c.flags(),
                status,
                sig,
                reviewer,
                reason,
                version,
                c.createdAt());
    }

    @Override
    public Contribution contribution(DatanetId id, Hash contribution) {
        return store.get(Keys.contribution(id, contribution))
                .map(Codec::contribution)
                .orElseThrow(() -> new NotFoundException("no contribution " + contribution + " in datanet " + id));
    }

    @Override
    public List<Contribution> contributions(DatanetId id) {
        return scanAll(Keys.contributions(id), Codec::contribution);
    }

    // every value under prefix, decoded, in key order
    private <T> List<T> scanAll(Bytes prefix, java.util.function.Function<Bytes, T> decode) {
        List<T> out = new ArrayList<>();
        try (KeyValueIterator it = store.scan(prefix)) {
            while (it.hasNext()) {
                out.add(decode.apply(it.next().value()));
            }
        }
        return out;
    }

    private DatanetInfo requireReviewer(DatanetId id, Address reviewer, String action) {
        DatanetInfo info = info(id);
        if (!info.mayReview(reviewer)) {
            throw new PermissionDeniedException(
                    reviewer + " may not " + action + " datanet " + id + ": only its owner or a curator may");
        }
        return info;
    }

    private static void checkReasonLength(String reason) {
        if (reason.length() > MAX_REASON) {
            throw new IllegalArgumentException(
                    "reason must be at most " + MAX_REASON + " characters, got " + reason.length());
        }
    }

    @Override
    public DatanetVersion approve(DatanetId id, Hash contribution, Address reviewer) {
        DatanetInfo info = requireReviewer(id, reviewer, "review");
        Contribution pre = contribution(id, contribution);
        // MinHash work outside the lock
        Map<Hash, int[]> sigs = new LinkedHashMap<>();
        for (DataRecord r : pre.records()) {
            sigs.put(r.id(), minHasher.signature(r.text()));
        }
        DatanetVersion version;
        State s = state(id);
        s.lock.lock();
        try {
            Contribution c = contribution(id, contribution);
            if (c.status() != ContributionStatus.SUBMITTED) {
                throw new InvalidStateException("contribution " + contribution + " is " + c.status()
                        + "; only a SUBMITTED one can be approved");
            }
            if (!c.signatureValid()) {
                throw new InvalidSignatureException(
                        "stored contribution " + contribution + " no longer carries a valid contributor signature");
            }
            s.load(id);
            VersionTree tree = s.tree();
            List<DataRecord> added = new ArrayList<>();
            long addedBytes = 0;
            for (DataRecord r : c.records()) {
                if (!tree.contains(r.id())) {
                    added.add(r);
                    addedBytes += r.byteSize();
                }
            }
            Optional<DatanetVersion> head = head(id);
            long number = head.map(DatanetVersion::number).orElse(0L) + 1;
            long totalBytes = head.map(DatanetVersion::totalBytes).orElse(0L) + addedBytes;
            for (DataRecord r : added) {
                tree.put(r.id(), MerkleTree.leafHash(r.leaf()));
            }
            try {
                Hash root = tree.root();
                FeeQuote fee = config.fees().quote(addedBytes, added.size());
                version = new DatanetVersion(
                        new DatanetVersionRef(id, number, root),
                        number - 1,
                        new DatanetVersion.Approval(contribution),
                        tree.size(),
                        totalBytes,
                        added.size(),
                        addedBytes,
                        0,
                        0,
                        fee.total(),
                        clock.now());
                WriteBatch batch = new WriteBatch();
                for (DataRecord r : added) {
                    // a record pruned earlier keeps its history and gets a new interval from this version on
                    Bytes key = Keys.record(id, r.id());
                    RecordHistory h = store.get(key)
                            .map(Codec::recordHistory)
                            .map(old -> old.readded(r, contribution, number))
                            .orElseGet(() -> RecordHistory.added(r, contribution, number));
                    batch.put(key, Codec.recordHistory(h));
                }
                batch.put(Keys.version(id, number), Codec.version(version));
                batch.put(Keys.head(id), Bytes.utf8(Long.toString(number)));
                batch.put(
                        Keys.contribution(id, contribution),
                        Codec.contribution(with(c, ContributionStatus.APPROVED, c.signature(), reviewer, "", number)));
                store.write(batch);
            } catch (RuntimeException e) {
                for (DataRecord r : added) {
                    tree.remove(r.id());
                }
                throw e;
            }
            for (DataRecord r : added) {
                int[] sig = sigs.get(r.id());
                s.lsh().add(r.id(), sig != null ? sig : minHasher.signature(r.text()));
            }
        } finally {
            s.lock.unlock();
        }
        if (config.autoAnchor()) {
            anchors.anchor(version.ref(), info.owner());
        }
        return version;
    }

    @Override
    public Contribution reject(DatanetId id, Hash contribution, Address reviewer, String reason) {
        if (reason.isBlank()) {
            throw new IllegalArgumentException("reason must not be blank: tell the contributor why");
        }
        checkReasonLength(reason);
        requireReviewer(id, reviewer, "review");
        State s = state(id);
        s.lock.lock();
        try {
            Contribution c = contribution(id, contribution);
            if (c.status() != ContributionStatus.SUBMITTED) {
                throw new InvalidStateException("contribution " + contribution + " is " + c.status()
                        + "; only a SUBMITTED one can be rejected");
            }
            Contribution next = with(c, ContributionStatus.REJECTED, c.signature(), reviewer, reason, 0);
            store.put(Keys.contribution(id, contribution), Codec.contribution(next));
            return next;
        } finally {
            s.lock.unlock();
        }
    }

    @Override
    public DatanetVersion prune(DatanetId id, Address remover, Collection<Hash> records, String reason) {
        if (reason.isBlank()) {
            throw new IllegalArgumentException("reason must not be blank: say why the records are pruned");
        }
        checkReasonLength(reason);
        if (records.isEmpty()) {
            throw new IllegalArgumentException("records must not be empty: name at least one record to prune");
        }
        TreeSet<Hash> ids = new TreeSet<>(records);
        DatanetInfo info = requireReviewer(id, remover, "prune");
        DatanetVersion version;
        State s = state(id);
        s.lock.lock();
        try {
            s.load(id);
            VersionTree tree = s.tree();
            List<Hash> missing = new ArrayList<>();
            for (Hash r : ids) {
                if (!tree.contains(r)) {
                    missing.add(r);
                }
            }
            Optional<DatanetVersion> head = head(id);
            if (!missing.isEmpty()) {
                throw new NotFoundException("the head of datanet " + id
                        + head.map(h -> " (version " + h.number() + ")").orElse(" (no version yet)")
                        + " has no record " + missing.get(0)
                        + (missing.size() > 1
                                ? " nor " + (missing.size() - 1) + " more of the " + ids.size() + " given"
                                : "")
                        + "; nothing was pruned");
            }
            DatanetVersion parent = head.orElseThrow(
                    () -> new IllegalStateException("datanet " + id + " holds records but has no head version"));
            long number = parent.number() + 1;
            List<RecordHistory> pruned = new ArrayList<>();
            long removedBytes = 0;
            for (Hash r : ids) {
                RecordHistory h = store.get(Keys.record(id, r))
                        .map(Codec::recordHistory)
                        .orElseThrow(() -> new IllegalStateException(
                                "record " + r + " of the head of " + id + " is not stored; the store is corrupt"));
                removedBytes += h.last().record().byteSize();
                pruned.add(h);
            }
            for (Hash r : ids) {
                tree.remove(r);
            }
            try {
                version = new DatanetVersion(
                        new DatanetVersionRef(id, number, tree.root()),
                        parent.number(),
                        new DatanetVersion.Prune(remover, reason),
                        tree.size(),
                        parent.totalBytes() - removedBytes,
                        0,
                        0,
                        ids.size(),
                        removedBytes,
                        Amount.ZERO,
                        clock.now());
                WriteBatch batch = new WriteBatch();
                for (RecordHistory h : pruned) {
                    batch.put(Keys.record(id, h.id()), Codec.recordHistory(h.removed(number)));
                }
                batch.put(Keys.version(id, number), Codec.version(version));
                batch.put(Keys.head(id), Bytes.utf8(Long.toString(number)));
                store.write(batch);
            } catch (RuntimeException e) {
                for (RecordHistory h : pruned) {
                    tree.put(h.id(), MerkleTree.leafHash(h.last().record().leaf()));
                }
                throw e;
            }
            for (Hash r : ids) {
                s.lsh().remove(r);
            }
        } finally {
            s.lock.unlock();
        }
        if (config.autoAnchor()) {
            anchors.anchor(version.ref(), info.owner());
        }
        return version;
    }

    // ---------------------------------------------------------------- versions

    @Override
    public Optional<DatanetVersion> head(DatanetId id) {
        return store.get(Keys.head(id))
                .map(b -> version(
                        id, Long.parseLong(new String(b.unsafeArray(), java.nio.charset.StandardCharsets.UTF_8))));
    }

    @Override
    public DatanetVersion version(DatanetId id, long version) {
        return store.get(Keys.version(id, version))
                .map(Codec::version)
                .orElseThrow(() -> new NotFoundException("datanet " + id + " has no version " + version));
    }

    @Override
    public List<DatanetVersion> log(DatanetId id) {
        return scanAll(Keys.versions(id), Codec::version);
    }

    @Override
    public List<DataRecord> records(DatanetId id, long version) {
        version(id, version);
        List<DataRecord> out = new ArrayList<>();
        try (KeyValueIterator it = store.scan(Keys.records(id))) {
            while (it.hasNext()) {
                Codec.recordAt(Codec.read(it.next().value(), "record"), version).ifPresent(out::add);
            }
        }
        return out;
    }

    private Set<Hash> ids(DatanetId id, long version) {
        Set<Hash> out = new HashSet<>();
        for (DataRecord r : records(id, version)) {
            out.add(r.id());
        }
        return out;
    }

    @Override
    public VersionDiff diff(DatanetId id, long from, long to) {
        return VersionDiff.between(from, ids(id, from), to, ids(id, to));
    }

    @Override
    public RecordProof prove(DatanetId id, long version, Hash record) {
        DatanetVersion v = version(id, version);
        Map<Hash, Hash> leaves = new HashMap<>();
        DataRecord found = null;
        for (DataRecord r : records(id, version)) {
            leaves.put(r.id(), MerkleTree.leafHash(r.leaf()));
            if (r.id().equals(record)) {
                found = r;
            }
        }
        if (found == null) {
            throw new NotFoundException("version " + version + " of datanet " + id + " has no record " + record);
        }
        VersionTree tree = VersionTree.of(leaves);
        if (!tree.root().equals(v.root())) {
            throw new IllegalStateException("stored records of version " + version + " of " + id
                    + " do not hash to its root " + v.root() + "; the store is corrupt");
        }
        VersionTree.Proof p = tree.proof(record);
        return new RecordProof(v.ref(), record, found.contributor(), p.bucketRoot(), p.bucketProof(), p.topSiblings());
    }

    @Override
    public AnchorReceipt anchor(DatanetId id, long version) {
        DatanetVersion v = version(id, version);
        return anchors.anchor(v.ref(), info(id).owner());
    }

    @Override
    public Optional<AnchorReceipt> anchorOf(DatanetId id, long version) {
        return anchors.lookup(id, version);
    }

    @Override
    public FeeQuote quote(DatanetId id, Hash contribution) {
        Contribution c = contribution(id, contribution);
        State s = state(id);
        s.lock.lock();
        try {
            s.load(id);
            long bytes = 0;
            long n = 0;
            for (DataRecord r : c.records()) {
                if (!s.tree().contains(r.id())) {
                    bytes += r.byteSize();
                    n++;
                }
            }
            return config.fees().quote(bytes, n);
        } finally {
            s.lock.unlock();
        }
    }

    @Override
    public Corpus export(DatanetId id, long version) {
        DatanetVersion v = version(id, version);
        List<CorpusEntry> entries = new ArrayList<>();
        for (DataRecord r : records(id, version)) {
            entries.add(new CorpusEntry(r.id(), r.contributor(), r.text()));
        }
        return new Corpus(v.ref(), entries);
    }
}
