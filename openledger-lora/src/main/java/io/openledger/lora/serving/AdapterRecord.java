package io.openledger.lora.serving;

import io.openledger.core.AdapterId;
import io.openledger.core.Address;
import io.openledger.core.Hash;
import io.openledger.core.ModelId;
import java.nio.file.Path;
import java.time.Instant;
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
