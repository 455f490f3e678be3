package io.openledger.lora.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.core.AdapterId;
import io.openledger.core.Address;
import io.openledger.core.Hash;
import io.openledger.core.ModelId;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A registered adapter as the registry persists it: what on-chain registration needs (id, owner,
 * base model, content hash, metadata) and what the cache needs to plan memory (resident bytes, rank).
 *
 * @param id the adapter id (unique within a registry)
 * @param owner the address that owns the adapter
 * @param model the base model the adapter was validated against
 * @param dir the PEFT directory (adapter_config.json + adapter_model.safetensors)
 * @param weightsSha256 SHA-256 of adapter_model.safetensors at registration
 * @param weightsFileBytes size of adapter_model.safetensors at registration
 * @param weightsModified last-modified time of adapter_model.safetensors when it was hashed at
 *     registration ({@link Instant#EPOCH} for records kept before this was recorded). The cache
 *     hashes the file again before loading it if its time differs, and rejects it if it no longer
 *     matches {@code weightsSha256}
 * @param maxRank the largest rank over the adapted modules
 * @param modules number of adapted (layer, projection) modules
 * @param residentBytes bytes the adapter occupies once loaded (float32 A and B)
 * @param residentBytesBf16 bytes it occupies kept in bfloat16 (packed rows of A and B)
 * @param metadata free-form string metadata (sorted, immutable)
 * @param registeredAt when it was registered
 * @param access who may run requests on it ({@link AdapterAccess#PUBLIC} for records kept before
 *     access was recorded)
 */
public record AdapterRecord(
        AdapterId id,
        Address owner,
        ModelId model,
        Path dir,
        Hash weightsSha256,
        long weightsFileBytes,
        Instant weightsModified,
        int maxRank,
        int modules,
        long residentBytes,
        long residentBytesBf16,
        Map<String, String> metadata,
        Instant registeredAt,
        AdapterAccess access) {
    /** Copies the metadata into an immutable sorted map. */
    public AdapterRecord {
        metadata = java.util.Collections.unmodifiableMap(new TreeMap<>(metadata));
        java.util.Objects.requireNonNull(access, "access");
    }

    /**
     * The metadata key under which {@link AdapterRegistry#registerMerged} records a merged adapter's
     * recipe and components (JSON: strategy, its settings, and each adapter's id, weight, weights hash
     * and owner).
     */
    public static final String MERGE_METADATA = "openledger.merge";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One adapter a merged adapter was made from.
     *
     * @param id its id
     * @param weight its weight in the recipe
     * @param weightsSha256 the hash of the weights that were merged
     * @param owner its owner when merged
     */
    public record MergePart(AdapterId id, double weight, Hash weightsSha256, Address owner) {}

    /**
     * The adapters this one was merged from ({@link AdapterRegistry#registerMerged}), in recipe order;
     * empty for an adapter registered from its own files.
     *
     * @throws IllegalStateException if the merge metadata is not what the registry writes
     */
    public List<MergePart> mergedFrom() {
        String json = metadata.get(MERGE_METADATA);
        if (json == null) {
            return List.of();
        }
        try {
            List<MergePart> parts = new ArrayList<>();
            for (JsonNode p : JSON.readTree(json).path("adapters")) {
                parts.add(new MergePart(
                        AdapterId.of(p.get("id").asText()),
                        p.get("weight").asDouble(),
                        Hash.fromHex(p.get("weightsSha256").asText()),
                        Address.fromHex(p.get("owner").asText())));
            }
            return List.copyOf(parts);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "adapter " + id + ": unreadable " + MERGE_METADATA + " metadata: " + json, e);
        }
    }

    /** This record with {@code newAccess}. */
    public AdapterRecord withAccess(AdapterAccess newAccess) {
        return new AdapterRecord(
                id,
                owner,
                model,
                dir,
                weightsSha256,
                weightsFileBytes,
                weightsModified,
                maxRank,
                modules,
                residentBytes,
                residentBytesBf16,
                metadata,
                registeredAt,
                newAccess);
    }
}
