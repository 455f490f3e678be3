package io.openledger.datanet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.core.ContributorId;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.merkle.MerkleProof;
import io.openledger.core.merkle.MerkleTree;
import io.openledger.datanet.internal.VersionTree;
import java.util.ArrayList;
import java.util.List;

/**
 * Proof that a record, owned by a contributor, is in a datanet version. Verifying it needs only the
 * version's root (for example the anchored one) and, to check the text, the text itself. Immutable.
 *
 * <p><b>How a version root is defined.</b> Each record has the leaf {@code id ‖ contributor} (32 +
 * 20 bytes; {@link DataRecord#leaf()}). Records fall into 2^16 buckets by the first two bytes of
 * their id. A non-empty bucket's root is the core {@link MerkleTree} root over its leaves in
 * ascending id order; an empty bucket's is {@link MerkleTree#EMPTY_ROOT}. The version root is the
 * root of the complete binary tree of depth 16 over the 65,536 bucket roots, inner nodes {@link
 * MerkleTree#nodeHash}. The root is a function of the record set alone (canonical order), and
 * adding a record changes one bucket and one path of 16 nodes, so committing a version costs the
 * same whatever the datanet's size.
 *
 * @param version the version and the root the proof was made against
 * @param record the record id (keccak256 of its text)
 * @param contributor the record's contributor
 * @param bucketRoot the root of the record's bucket
 * @param bucketProof the path of the leaf inside its bucket
 * @param topSiblings the 16 sibling hashes from the bucket up to the version root, lowest first
 */
public record RecordProof(
        DatanetVersionRef version,
        Hash record,
        ContributorId contributor,
        Hash bucketRoot,
        MerkleProof bucketProof,
        List<Hash> topSiblings) {

    /** Copies the list. */
    public RecordProof {
        topSiblings = List.copyOf(topSiblings);
    }

    /** True if the leaf {@code record ‖ contributor} hashes up to {@code root} along the path. */
    public boolean verify(Hash root) {
        return topSiblings.size() == VersionTree.DEPTH
                && bucketProof.verify(bucketRoot, DataRecord.leaf(record, contributor))
                && VersionTree.rootFrom(VersionTree.bucket(record), bucketRoot, topSiblings)
                        .equals(root);
    }

    /** Like {@link #verify(Hash)}, and also checks that {@code text} is the record's content. */
    public boolean verify(Hash root, String text) {
        return DataRecord.idOf(text).equals(record) && verify(root);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The proof as one JSON object: {@code datanet, version, root, record, contributor, bucketRoot,
     * bucketProof{leafIndex, leafCount, siblings[]}, topSiblings[]}, hashes as 0x-hex.
     */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("datanet", version.datanet().value());
        o.put("version", version.version());
        o.put("root", version.root().toHex());
        o.put("record", record.toHex());
        o.put("contributor", contributor.address().toChecksumHex());
        o.put("bucketRoot", bucketRoot.toHex());
        ObjectNode bp = o.putObject("bucketProof");
        bp.put("leafIndex", bucketProof.leafIndex());
        bp.put("leafCount", bucketProof.leafCount());
        ArrayNode bs = bp.putArray("siblings");
        bucketProof.siblings().forEach(h -> bs.add(h.toHex()));
        ArrayNode ts = o.putArray("topSiblings");
        topSiblings.forEach(h -> ts.add(h.toHex()));
        return o.toString();
    }

    /**
     * Parses {@link #toJson()}'s form.
     *
     * @throws IllegalArgumentException naming the field that is missing or malformed
     */
    public static RecordProof fromJson(String json) {
        try {
            JsonNode o = JSON.readTree(json);
            JsonNode bp = o.required("bucketProof");
            return new RecordProof(
                    new DatanetVersionRef(
                            DatanetId.of(o.required("datanet").asText()),
                            o.required("version").asLong(),
                            Hash.fromHex(o.required("root").asText())),
                    Hash.fromHex(o.required("record").asText()),
                    ContributorId.fromHex(o.required("contributor").asText()),
                    Hash.fromHex(o.required("bucketRoot").asText()),
                    new MerkleProof(
                            bp.required("leafIndex").asInt(),
                            bp.required("leafCount").asInt(),
                            hashes(bp.required("siblings"))),
                    hashes(o.required("topSiblings")));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not a record proof: " + e.getOriginalMessage(), e);
        }
    }

    private static List<Hash> hashes(JsonNode arr) {
        if (!arr.isArray()) {
            throw new IllegalArgumentException("expected an array of hashes, got " + arr);
        }
        List<Hash> out = new ArrayList<>();
        arr.forEach(h -> out.add(Hash.fromHex(h.asText())));
        return out;
    }
}
