package io.openledger.datanet;

import io.openledger.core.Address;
import io.openledger.core.Clock;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.contract.AnchorContract;
import io.openledger.core.contract.AnchorReceipt;
import io.openledger.core.contract.InMemoryAnchorContract;
import io.openledger.core.crypto.PrivateKey;
import io.openledger.core.crypto.Signature;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.core.store.KeyValueStore;
import io.openledger.datanet.internal.StoredDatanetService;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Datanets: community datasets that contributors add signed files to, that owners and curators
 * review, and whose every approval is an immutable, Merkle-rooted, anchored version. Owners and
 * curators may also prune records, which makes a new version without them; earlier versions keep
 * them, so their records, proofs, diffs and exports never change.
 *
 * <p>All state lives in the {@link KeyValueStore} under the key prefix {@code "datanet/"}; a
 * service opened again on the same store sees everything. Every method is thread-safe; many
 * contributors may draft, submit and be reviewed at once. State changes of one datanet are
 * serialised and each is written as one atomic batch, so a failed call changes nothing and no
 * contribution is lost or applied twice.
 */
public interface DatanetService {
    /**
     * Creates a datanet.
     *
     * @throws InvalidStateException if the id is taken
     */
    DatanetInfo create(NewDatanet spec);

    /**
     * A datanet's settings.
     *
     * @throws NotFoundException if there is none with that id
     */
    DatanetInfo info(DatanetId id);

    /** All datanets, by id. */
    List<DatanetInfo> list();

    /**
     * Replaces the description and tags. Creates no version.
     *
     * @throws PermissionDeniedException if {@code editor} is not the owner
     * @throws IllegalArgumentException if a limit is broken
     */
    DatanetInfo updateMetadata(DatanetId id, Address editor, String description, List<String> tags);

    /**
     * Adds a curator, who may then review.
     *
     * @throws PermissionDeniedException if {@code owner} is not the owner
     */
    DatanetInfo addCurator(DatanetId id, Address owner, Address curator);

    /**
     * Lists a contributor of a private datanet.
     *
     * @throws PermissionDeniedException if {@code owner} is not the owner
     */
    DatanetInfo allowContributor(DatanetId id, Address owner, Address contributor);

    /**
     * Parses files into records and stores them as a draft contribution with duplicate flags. The
     * same contributor drafting the same files again gets the existing contribution back.
     *
     * @throws IngestException if a file is too large, not UTF-8, unsupported or corrupt
     * @throws PermissionDeniedException if {@code contributor} may not contribute
     * @throws NotFoundException if the datanet does not exist
     */
    Contribution draft(DatanetId id, Address contributor, List<SourceFile> files);

    /**
     * Submits a draft with the contributor's signature over {@link Contribution#signingMessage()}.
     *
     * @throws InvalidSignatureException if the signature does not recover to the contributor
     * @throws InvalidStateException if it is not a draft
     */
    Contribution submit(DatanetId id, Hash contribution, Signature signature);

    /**
     * Drafts, signs with {@code key} and submits in one call. If the same contributor already
     * drafted the same files, that contribution is used: a draft is signed and submitted, one in any
     * other state is returned as it is.
     *
     * @throws IngestException if a file is too large, not UTF-8, unsupported or corrupt
     * @throws PermissionDeniedException if the key's address may not contribute
     */
    default Contribution contribute(DatanetId id, PrivateKey key, List<SourceFile> files) {
        Contribution draft = draft(id, key.address(), files);
        if (draft.status() != ContributionStatus.DRAFT) {
            return draft;
        }
        return submit(id, draft.id(), key.signPersonalMessage(draft.signingMessage()));
    }

    /**
     * A contribution.
     *
     * @throws NotFoundException if there is none
     */
    Contribution contribution(DatanetId id, Hash contribution);

    /** All contributions of a datanet, by id. */
    List<Contribution> contributions(DatanetId id);

    /**
     * Approves a submitted contribution and commits a new version with its records that are not in
     * the head version (exact duplicates are not added twice; a record pruned earlier is added
     * again). Anchors the root if so configured.
     *
     * @throws PermissionDeniedException if {@code reviewer} is neither owner nor curator
     * @throws InvalidStateException if the contribution is not submitted
     * @throws InvalidSignatureException if the stored contribution's signature no longer verifies
     * @throws io.openledger.core.contract.AnchorRejectedException if auto-anchoring is on and the
     *     contract refuses the root; the version is committed all the same and can be anchored again
     *     with {@link #anchor}
     */
    DatanetVersion approve(DatanetId id, Hash contribution, Address reviewer);

    /**
     * Rejects a submitted contribution; final.
     *
     * @throws PermissionDeniedException if {@code reviewer} is neither owner nor curator
     * @throws InvalidStateException if the contribution is not submitted
     * @throws IllegalArgumentException if {@code reason} is blank or longer than 1,000 characters
     */
    Contribution reject(DatanetId id, Hash contribution, Address reviewer, String reason);

    /**
     * Removes records from the head and commits a new version without them. The new version has the
     * Merkle root of the remaining records, the {@link DatanetVersion.Prune} as its origin, the
     * removed records and bytes counted, and no fee (a removal publishes nothing); it is anchored if
     * so configured. Earlier versions still hold the records: their {@link #records}, {@link
     * #prove}, {@link #diff} and {@link #export} are unchanged. A pruned record that a contribution
     * brings again is added again from that version on. Pruning every record is allowed: the new
     * version is empty and has the root of the empty tree; the next approval fills it again.
     * Repeated ids count once. Either every record is pruned or, on any error, nothing changes.
     *
     * @param remover the owner or a curator
     * @param records ids of records in the head version; not empty
     * @param reason why, kept with the version; not blank, at most 1000 characters
     * @return the new version
     * @throws IllegalArgumentException if {@code records} is empty or the reason is blank or too long
     * @throws PermissionDeniedException if {@code remover} is neither owner nor curator
     * @throws NotFoundException if the datanet does not exist, or a record is not in its head
     *     version (the message names it)
     * @throws io.openledger.core.contract.AnchorRejectedException if auto-anchoring is on and the
     *     contract refuses the root; the version is committed all the same and can be anchored again
     *     with {@link #anchor}
     */
    DatanetVersion prune(DatanetId id, Address remover, Collection<Hash> records, String reason);

    /** The latest version, if any. */
    Optional<DatanetVersion> head(DatanetId id);

    /**
     * One version.
     *
     * @throws NotFoundException if it does not exist
     */
    DatanetVersion version(DatanetId id, long version);

    /** All versions, oldest first. */
    List<DatanetVersion> log(DatanetId id);

    /**
     * The records of a version in canonical order (ascending id).
     *
     * @throws NotFoundException if the version does not exist
     */
    List<DataRecord> records(DatanetId id, long version);

    /**
     * The record-set difference from one version to another (either direction).
     *
     * @throws NotFoundException if a version does not exist
     */
    VersionDiff diff(DatanetId id, long from, long to);

    /**
     * The inclusion proof of a record in a version.
     *
     * @throws NotFoundException if the version does not exist or does not hold the record
     */
    RecordProof prove(DatanetId id, long version, Hash record);

    /**
     * Anchors a version's root through the anchor contract, as the owner. Idempotent.
     *
     * @throws NotFoundException if the version does not exist
     */
    AnchorReceipt anchor(DatanetId id, long version);

    /** The anchor of a version, if anchored. */
    Optional<AnchorReceipt> anchorOf(DatanetId id, long version);

    /** The fee the owner would pay to approve a contribution, over the records it would add. */
    FeeQuote quote(DatanetId id, Hash contribution);

    /**
     * The records of a version as a corpus.
     *
     * @throws NotFoundException if the version does not exist
     */
    Corpus export(DatanetId id, long version);

    /** The configuration in force. */
    DatanetConfig config();

    /** A builder; by default an in-memory store, an in-memory anchor contract and the system clock. */
    static Builder builder() {
        return new Builder();
    }

    /** Builder for the store-backed service. Not thread-safe. */
    final class Builder {
        private KeyValueStore store = new InMemoryKeyValueStore();
        private Clock clock = Clock.system();
        private AnchorContract anchors = new InMemoryAnchorContract();
        private DatanetConfig config = DatanetConfig.defaults();

        Builder() {}

        /** Where state lives; the caller closes it. */
        public Builder store(KeyValueStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The time source for timestamps. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where version roots are anchored. */
        public Builder anchorContract(AnchorContract anchors) {
            this.anchors = Objects.requireNonNull(anchors, "anchors");
            return this;
        }

        /** Limits and rates. */
        public Builder config(DatanetConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The service. */
        public DatanetService build() {
            return new StoredDatanetService(store, clock, anchors, config);
        }
    }
}
