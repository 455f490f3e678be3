package io.openledger.datanet.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.crypto.Signature;
import io.openledger.core.store.StoreException;
import io.openledger.datanet.Contribution;
import io.openledger.datanet.ContributionStatus;
import io.openledger.datanet.DataRecord;
import io.openledger.datanet.DatanetInfo;
import io.openledger.datanet.DatanetVersion;
import io.openledger.datanet.DuplicateFlag;
import io.openledger.datanet.FileSummary;
import io.openledger.datanet.Visibility;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** JSON forms of the stored objects, written and read by hand (no reflection). */
final class Codec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Codec() {}

    static Bytes write(ObjectNode o) {
        try {
            return Bytes.wrap(JSON.writeValueAsBytes(o));
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot encode " + o, e);
        }
    }

    static JsonNode read(Bytes b, String what) {
        try {
            return JSON.readTree(b.unsafeArray());
        } catch (java.io.IOException e) {
            throw new StoreException("corrupt stored " + what + ": " + e.getMessage(), e);
        }
    }

    // ---- datanet info

    static Bytes info(DatanetInfo i) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", i.id().value());
        o.put("owner", i.owner().toHex());
        o.put("name", i.name());
        o.put("description", i.description());
        ArrayNode tags = o.putArray("tags");
        i.tags().forEach(tags::add);
        o.put("licence", i.licence());
        o.put("visibility", i.visibility().name());
        ArrayNode cur = o.putArray("curators");
        i.curators().stream().sorted().forEach(a -> cur.add(a.toHex()));
        ArrayNode con = o.putArray("contributors");
        i.contributors().stream().sorted().forEach(a -> con.add(a.toHex()));
        o.put("createdAt", i.createdAt().toString());
        return write(o);
    }

    static DatanetInfo info(Bytes b) {
        JsonNode o = read(b, "datanet");
        List<String> tags = new ArrayList<>();
        o.get("tags").forEach(t -> tags.add(t.asText()));
        return new DatanetInfo(
                DatanetId.of(o.get("id").asText()),
                Address.fromHex(o.get("owner").asText()),
                o.get("name").asText(),
                o.get("description").asText(),
                tags,
                o.get("licence").asText(),
                Visibility.valueOf(o.get("visibility").asText()),
                addresses(o.get("curators")),
                addresses(o.get("contributors")),
                Instant.parse(o.get("createdAt").asText()));
    }

    private static Set<Address> addresses(JsonNode arr) {
        Set<Address> out = new LinkedHashSet<>();
        arr.forEach(a -> out.add(Address.fromHex(a.asText())));
        return out;
    }

    // ---- records

    static ObjectNode recordNode(DataRecord r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("text", r.text());
        o.put("contributor", r.contributor().address().toHex());
        o.put("file", r.sourceFile());
        o.put("fileHash", r.sourceHash().toHex());
        o.put("start", r.start());
        o.put("end", r.end());
        return o;
    }

    static DataRecord record(JsonNode o) {
        String text = field(o, "text").asText();
        return record(DataRecord.idOf(text), text, o);
    }

    /**
     * A record's history as stored in a datanet. A record in one open interval is written in the form
     * used before records could be pruned ({@link #recordNode} plus {@code version} and {@code
     * contribution}), so a datanet that is never pruned is stored exactly as before. Any other
     * history is {@code {"text", "spans": [{contributor, file, fileHash, start, end, contribution,
     * added, removed?}]}}, {@code removed} absent on an open interval.
     */
    static Bytes recordHistory(RecordHistory h) {
        if (h.spans().size() == 1 && h.inHead()) {
            RecordHistory.Span s = h.last();
            ObjectNode o = recordNode(s.record());
            o.put("version", s.added());
            o.put("contribution", s.contribution().toHex());
            return write(o);
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("text", h.last().record().text());
        ArrayNode spans = o.putArray("spans");
        for (RecordHistory.Span s : h.spans()) {
            ObjectNode so = recordNode(s.record());
            so.remove("text");
            so.put("contribution", s.contribution().toHex());
            so.put("added", s.added());
            if (!s.isOpen()) {
                so.put("removed", s.removed());
            }
            spans.add(so);
        }
        return write(o);
    }

    /**
     * Reads either form of {@link #recordHistory(RecordHistory)}.
     *
     * @throws StoreException if a field is missing or the intervals are inconsistent
     */
    static RecordHistory recordHistory(Bytes b) {
        JsonNode o = read(b, "record");
        String text = field(o, "text").asText();
        Hash id = DataRecord.idOf(text);
        List<RecordHistory.Span> spans = new ArrayList<>();
        try {
            if (o.has("spans")) {
                for (JsonNode so : o.get("spans")) {
                    spans.add(new RecordHistory.Span(
                            record(id, text, so),
                            Hash.fromHex(field(so, "contribution").asText()),
                            field(so, "added").asLong(),
                            removed(so)));
                }
            } else {
                spans.add(new RecordHistory.Span(
                        record(id, text, o),
                        Hash.fromHex(field(o, "contribution").asText()),
                        field(o, "version").asLong(),
                        RecordHistory.OPEN));
            }
            return new RecordHistory(id, spans);
        } catch (IllegalArgumentException e) {
            throw new StoreException("corrupt stored record " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * The record as held by {@code version}, read from either form of {@link
     * #recordHistory(RecordHistory)}; builds the record only if the version holds it.
     */
    static Optional<DataRecord> recordAt(JsonNode o, long version) {
        JsonNode spans = o.get("spans");
        if (spans == null) {
            return field(o, "version").asLong() <= version ? Optional.of(record(o)) : Optional.empty();
        }
        for (JsonNode so : spans) {
            if (field(so, "added").asLong() <= version && version < removed(so)) {
                String text = field(o, "text").asText();
                return Optional.of(record(DataRecord.idOf(text), text, so));
            }
        }
        return Optional.empty();
    }

    private static long removed(JsonNode span) {
        JsonNode r = span.get("removed");
        return r == null ? RecordHistory.OPEN : r.asLong();
    }

    private static DataRecord record(Hash id, String text, JsonNode o) {
        return new DataRecord(
                id,
                text,
                ContributorId.of(Address.fromHex(field(o, "contributor").asText())),
                field(o, "file").asText(),
                Hash.fromHex(field(o, "fileHash").asText()),
                field(o, "start").asLong(),
                field(o, "end").asLong());
    }

    private static JsonNode field(JsonNode o, String name) {
        JsonNode f = o.get(name);
        if (f == null) {
            throw new StoreException("corrupt stored object: no field '" + name + "' in " + abbreviate(o));
        }
        return f;
    }

    private static String abbreviate(JsonNode o) {
        String s = o.toString();
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    // ---- contributions

    static Bytes contribution(Contribution c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", c.id().toHex());
        o.put("datanet", c.datanet().value());
        o.put("contributor", c.contributor().address().toHex());
        ArrayNode files = o.putArray("files");
        for (FileSummary f : c.files()) {
            ObjectNode fo = files.addObject();
            fo.put("name", f.name());
            fo.put("hash", f.hash().toHex());
            fo.put("size", f.size());
        }
        ArrayNode recs = o.putArray("records");
        c.records().forEach(r -> recs.add(recordNode(r)));
        ArrayNode flags = o.putArray("flags");
        for (DuplicateFlag f : c.flags()) {
            ObjectNode fo = flags.addObject();
            fo.put("record", f.record().toHex());
            fo.put("kind", f.kind().name());
            fo.put("resembles", f.resembles().toHex());
            fo.put("similarity", f.similarity());
        }
        o.put("status", c.status().name());
        Signature s = c.signature();
        if (s != null) {
            o.put("signature", s.toBytes().toHex());
        }
        Address rev = c.reviewer();
        if (rev != null) {
            o.put("reviewer", rev.toHex());
        }
        o.put("reason", c.reason());
        o.put("version", c.version());
        o.put("createdAt", c.createdAt().toString());
        return write(o);
    }

    static Contribution contribution(Bytes b) {
        JsonNode o = read(b, "contribution");
        List<FileSummary> files = new ArrayList<>();
        o.get("files")
                .forEach(f -> files.add(new FileSummary(
                        f.get("name").asText(),
                        Hash.fromHex(f.get("hash").asText()),
                        f.get("size").asLong())));
        List<DataRecord> recs = new ArrayList<>();
        o.get("records").forEach(r -> recs.add(record(r)));
        List<DuplicateFlag> flags = new ArrayList<>();
        o.get("flags")
                .forEach(f -> flags.add(new DuplicateFlag(
                        Hash.fromHex(f.get("record").asText()),
                        DuplicateFlag.Kind.valueOf(f.get("kind").asText()),
                        Hash.fromHex(f.get("resembles").asText()),
                        f.get("similarity").asDouble())));
        JsonNode sig = o.get("signature");
        JsonNode rev = o.get("reviewer");
        return new Contribution(
                Hash.fromHex(o.get("id").asText()),
                DatanetId.of(o.get("datanet").asText()),
                ContributorId.of(Address.fromHex(o.get("contributor").asText())),
                files,
                recs,
                flags,
                ContributionStatus.valueOf(o.get("status").asText()),
                sig == null ? null : Signature.fromBytes(Bytes.fromHex(sig.asText())),
                rev == null ? null : Address.fromHex(rev.asText()),
                o.get("reason").asText(),
                o.get("version").asLong(),
                Instant.parse(o.get("createdAt").asText()));
    }

    // ---- versions

    /**
     * A version. An approval is written as before pruning existed ({@code contribution}, no
     * removal fields); a prune has {@code prune: {remover, reason}} instead of {@code contribution},
     * and {@code removedRecords} and {@code removedBytes}.
     */
    static Bytes version(DatanetVersion v) {
        ObjectNode o = JSON.createObjectNode();
        o.put("datanet", v.ref().datanet().value());
        o.put("version", v.number());
        o.put("root", v.root().toHex());
        o.put("parent", v.parent());
        switch (v.origin()) {
            case DatanetVersion.Approval a ->
                o.put("contribution", a.contribution().toHex());
            case DatanetVersion.Prune p -> {
                ObjectNode po = o.putObject("prune");
                po.put("remover", p.remover().toHex());
                po.put("reason", p.reason());
            }
        }
        o.put("recordCount", v.recordCount());
        o.put("totalBytes", v.totalBytes());
        o.put("addedRecords", v.addedRecords());
        o.put("addedBytes", v.addedBytes());
        if (v.removedRecords() != 0 || v.removedBytes() != 0) {
            o.put("removedRecords", v.removedRecords());
            o.put("removedBytes", v.removedBytes());
        }
        o.put("fee", v.fee().toBigInteger().toString());
        o.put("createdAt", v.createdAt().toString());
        return write(o);
    }

    /**
     * Reads {@link #version(DatanetVersion)}'s form; absent removal fields are 0, as in versions
     * written before pruning existed.
     *
     * @throws StoreException if a field is missing or malformed
     */
    static DatanetVersion version(Bytes b) {
        JsonNode o = read(b, "version");
        JsonNode prune = o.get("prune");
        JsonNode contribution = o.get("contribution");
        try {
            DatanetVersion.Origin origin;
            if (prune != null && contribution == null) {
                origin = new DatanetVersion.Prune(
                        Address.fromHex(field(prune, "remover").asText()),
                        field(prune, "reason").asText());
            } else if (prune == null && contribution != null) {
                origin = new DatanetVersion.Approval(Hash.fromHex(contribution.asText()));
            } else {
                throw new IllegalArgumentException("a version needs exactly one of 'contribution' and 'prune'");
            }
            return new DatanetVersion(
                    new DatanetVersionRef(
                            DatanetId.of(field(o, "datanet").asText()),
                            field(o, "version").asLong(),
                            Hash.fromHex(field(o, "root").asText())),
                    field(o, "parent").asLong(),
                    origin,
                    field(o, "recordCount").asLong(),
                    field(o, "totalBytes").asLong(),
                    field(o, "addedRecords").asLong(),
                    field(o, "addedBytes").asLong(),
                    o.path("removedRecords").asLong(0),
                    o.path("removedBytes").asLong(0),
                    Amount.of(new java.math.BigInteger(field(o, "fee").asText())),
                    Instant.parse(field(o, "createdAt").asText()));
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw new StoreException("corrupt stored version: " + e.getMessage() + " in " + abbreviate(o), e);
        }
    }
}
