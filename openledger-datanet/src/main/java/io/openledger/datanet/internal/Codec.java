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
        String text = o.get("text").asText();
        return new DataRecord(
                DataRecord.idOf(text),
                text,
                ContributorId.of(Address.fromHex(o.get("contributor").asText())),
                o.get("file").asText(),
                Hash.fromHex(o.get("fileHash").asText()),
                o.get("start").asLong(),
                o.get("end").asLong());
    }

    /** A record as stored in a datanet, with the version that added it. */
    static Bytes storedRecord(DataRecord r, long version, Hash contribution) {
        ObjectNode o = recordNode(r);
        o.put("version", version);
        o.put("contribution", contribution.toHex());
        return write(o);
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

    static Bytes version(DatanetVersion v) {
        ObjectNode o = JSON.createObjectNode();
        o.put("datanet", v.ref().datanet().value());
        o.put("version", v.number());
        o.put("root", v.root().toHex());
        o.put("parent", v.parent());
        o.put("contribution", v.contribution().toHex());
        o.put("recordCount", v.recordCount());
        o.put("totalBytes", v.totalBytes());
        o.put("addedRecords", v.addedRecords());
        o.put("addedBytes", v.addedBytes());
        o.put("fee", v.fee().toBigInteger().toString());
        o.put("createdAt", v.createdAt().toString());
        return write(o);
    }

    static DatanetVersion version(Bytes b) {
        JsonNode o = read(b, "version");
        return new DatanetVersion(
                new DatanetVersionRef(
                        DatanetId.of(o.get("datanet").asText()),
                        o.get("version").asLong(),
                        Hash.fromHex(o.get("root").asText())),
                o.get("parent").asLong(),
                Hash.fromHex(o.get("contribution").asText()),
                o.get("recordCount").asLong(),
                o.get("totalBytes").asLong(),
                o.get("addedRecords").asLong(),
                o.get("addedBytes").asLong(),
                Amount.of(new java.math.BigInteger(o.get("fee").asText())),
                Instant.parse(o.get("createdAt").asText()));
    }
}
