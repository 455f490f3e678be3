package io.openledger.datanet;

import io.openledger.core.Address;
import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Signature;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * A contributor's offer of records to a datanet, and where it stands in review. Immutable: a
 * state change yields a new instance from the service.
 *
 * <p>The {@link #id()} is keccak256 of the canonical encoding of (datanet, contributor, files,
 * records); the contributor signs {@link #signingMessage()} (which names that id) as an EIP-191
 * personal message, so anyone holding the contribution can check who made it without trusting the
 * host that stored it.
 *
 * @param id keccak256 of the canonical encoding
 * @param datanet the target datanet
 * @param contributor who offers the records
 * @param files the files the records came from
 * @param records the records, in file and offset order, without repeats
 * @param flags exact and near duplicates found when it was drafted
 * @param status where it stands
 * @param signature the contributor's signature; present from {@code SUBMITTED} on
 * @param reviewer who approved or rejected it, if anyone has
 * @param reason the reviewer's reason for a rejection, empty otherwise
 * @param version the version its approval created, if approved
 * @param createdAt when it was drafted
 */
public record Contribution(
        Hash id,
        DatanetId datanet,
        ContributorId contributor,
        List<FileSummary> files,
        List<DataRecord> records,
        List<DuplicateFlag> flags,
        ContributionStatus status,
        @Nullable Signature signature,
        @Nullable Address reviewer,
        String reason,
        long version,
        Instant createdAt) {

    /** Copies the lists. */
    public Contribution {
        files = List.copyOf(files);
        records = List.copyOf(records);
        flags = List.copyOf(flags);
    }

    /**
     * The text the contributor signs: human-readable, naming the datanet, the contributor, the
     * record count and the contribution id (the digest of everything else).
     */
    public Bytes signingMessage() {
        return signingMessage(datanet, contributor, records.size(), id);
    }

    /** The signing message for the given fields; see {@link #signingMessage()}. */
    public static Bytes signingMessage(DatanetId datanet, ContributorId contributor, int records, Hash id) {
        return Bytes.utf8("OpenLedger datanet contribution\n"
                + "datanet: " + datanet.value() + "\n"
                + "contributor: " + contributor.address().toChecksumHex() + "\n"
                + "records: " + records + "\n"
                + "digest: " + id.toHex());
    }

    /**
     * True if a signature is present and recovers to the contributor's address over {@link
     * #signingMessage()}.
     */
    public boolean signatureValid() {
        Signature s = signature;
        return s != null
                && s.recoverPersonalMessageSigner(signingMessage())
                        .map(contributor.address()::equals)
                        .orElse(false);
    }

    /** The version created by its approval, if approved. */
    public OptionalLong resultingVersion() {
        return version > 0 ? OptionalLong.of(version) : OptionalLong.empty();
    }

    /** Total UTF-8 bytes of its records. */
    public long recordBytes() {
        long n = 0;
        for (DataRecord r : records) {
            n += r.byteSize();
        }
        return n;
    }
}
