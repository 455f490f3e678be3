package io.openledger.lora.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.core.AdapterId;
import io.openledger.core.Address;
import io.openledger.core.Bytes;
import io.openledger.core.Clock;
import io.openledger.core.Hash;
import io.openledger.core.ModelId;
import io.openledger.core.store.KeyValue;
import io.openledger.core.store.KeyValueIterator;
import io.openledger.core.store.KeyValueStore;
import io.openledger.lora.AdapterConfig;
import io.openledger.lora.AdapterMerge;
import io.openledger.lora.LoraAdapter;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.ModelFormatException;
import io.openledger.lora.Projection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The adapters one base model may serve, persisted in a core {@link KeyValueStore} under keys
 * {@code lora/adapter/<id>} (one JSON document each), so a registry reopened on the same store
 * sees the same adapters. Registration fully loads and validates the adapter against the base
 * (files present, safetensors well-formed, every tensor a LoRA A/B of a module the base has, shapes
 * and ranks consistent with adapter_config.json) before anything is stored: a rejected adapter leaves
 * the store unchanged and can never reach a batch. Thread-safe.
 */
public final class AdapterRegistry {
    private static final String PREFIX = "lora/adapter/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeyValueStore store;
    private final ModelId model;
    private final ModelConfig base;
    private final Clock clock;

    /**
     * A registry for adapters of base model {@code model} with config {@code base}, stored in {@code
     * store}.
     */
    public AdapterRegistry(KeyValueStore store, ModelId model, ModelConfig base, Clock clock) {
        this.store = store;
        this.model = model;
        this.base = base;
        this.clock = clock;
    }

    private float[] validation = new float[0];

    /** The base model id every adapter here was validated against. */
    public ModelId model() {
        return model;
    }

    /** The base model config. */
    public ModelConfig base() {
        return base;
    }

    /**
     * Validates the PEFT adapter in {@code dir} against the base and stores it under {@code id}.
     *
     * @throws AdapterRejectedException if the id is taken or the adapter is invalid for this base
     *     (the message names the file/tensor and what is wrong); nothing is stored then
     */
    public synchronized AdapterRecord register(AdapterId id, Path dir, Address owner, Map<String, String> metadata) {
        return register(id, dir, owner, metadata, AdapterAccess.PUBLIC);
    }

    /**
     * {@link #register(AdapterId, Path, Address, Map)} with who may use the adapter ({@link
     * AdapterAccess#privateTo} for a private one).
     *
     * @throws AdapterRejectedException as {@link #register(AdapterId, Path, Address, Map)}
     */
    public synchronized AdapterRecord register(
            AdapterId id, Path dir, Address owner, Map<String, String> metadata, AdapterAccess access) {
        if (store.contains(key(id))) {
            throw new AdapterRejectedException(id, "id is already registered");
        }
        LoraAdapter adapter;
        try {
            // validation reads every tensor; into one reused buffer, since the weights are not kept
            // (a fresh array per adapter made registering 1,000 adapters 12 GB of garbage)
            adapter = LoraAdapter.load(dir, base, this::validationBuffer);
        } catch (ModelFormatException | UncheckedIOException e) {
            throw new AdapterRejectedException(id, e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new AdapterRejectedException(id, "unreadable adapter: " + e, e);
        }
        Path weights = dir.resolve(LoraAdapter.WEIGHTS_FILE);
        int maxRank = 0;
        int modules = 0;
        for (int l = 0; l < base.layers(); l++) {
            for (Projection p : Projection.values()) {
                LoraAdapter.Delta d = adapter.delta(l, p);
                if (d != null) {
                    maxRank = Math.max(maxRank, d.rank());
                    modules++;
                }
            }
        }
        long size;
        Instant modified;
        Hash sha;
        try {
            // the time is read before the hash: a write during hashing then shows as a later time,
            // and the cache hashes the file again before loading it
            modified = Files.getLastModifiedTime(weights).toInstant();
            size = Files.size(weights);
            sha = sha256(weights);
        } catch (IOException e) {
            throw new AdapterRejectedException(id, "cannot read " + weights + ": " + e.getMessage(), e);
        }
        AdapterRecord rec = new AdapterRecord(
                id,
                owner,
                model,
                dir.toAbsolutePath().normalize(),
                sha,
                size,
                modified,
                maxRank,
                modules,
                adapter.bytes(),
                bf16Bytes(adapter.config(), base),
                metadata,
                Instant.ofEpochMilli(clock.millis()),
                access);
        store.put(key(id), Bytes.utf8(toJson(rec)));
        return rec;
    }

    /**
     * Merges the registered adapters of {@code mix} by its recipe ({@link AdapterMerge}) on behalf of
     * {@code requester}, writes the result as a PEFT adapter in {@code dir} and registers it under
     * {@code id}, owned by {@code owner}. Its record's {@link AdapterRecord#MERGE_METADATA} entry names each component with its
     * weight, weights hash and owner ({@link AdapterRecord#mergedFrom}), so that inferences on the
     * mix can be attributed to the adapters it came from. Each component is loaded from its
     * registered directory and must still hash to its registered SHA-256.
     *
     * @throws AdapterRejectedException if {@code id} is taken, a component is not registered or its
     *     file changed since registration, or the recipe cannot merge these adapters (the message
     *     says why); nothing is registered then
     * @throws AdapterAccessException if a component is private and {@code requester} may not use it
     */
    public synchronized AdapterRecord registerMerged(
            AdapterId id,
            AdapterMix mix,
            Path dir,
            Address owner,
            Address requester,
            Map<String, String> metadata,
            AdapterAccess access) {
        AdapterMerge recipe = mix.recipe();
        if (store.contains(key(id))) {
            throw new AdapterRejectedException(id, "id is already registered");
        }
        List<LoraAdapter> loaded = new ArrayList<>();
        ArrayNode parts = JSON.createArrayNode();
        for (int i = 0; i < mix.adapters().size(); i++) {
            AdapterId c = mix.adapters().get(i);
            AdapterRecord rec = get(c).orElseThrow(
                            () -> new AdapterRejectedException(id, "component " + c.value() + " is not registered"));
            if (!rec.access().allows(rec.owner(), requester)) {
                throw new AdapterAccessException(c, requester, "may not use this private adapter in a merge");
            }
            try {
                loaded.add(LoraAdapter.load(rec.dir(), base));
                Hash now = sha256(rec.dir().resolve(LoraAdapter.WEIGHTS_FILE));
                if (!now.equals(rec.weightsSha256())) {
                    throw new AdapterRejectedException(
                            id,
                            "component " + c.value() + "'s weights changed since" + " registration (sha256 " + now
                                    + ", registered " + rec.weightsSha256() + ")");
                }
            } catch (ModelFormatException | IOException | UncheckedIOException e) {
                throw new AdapterRejectedException(id, "component " + c.value() + ": " + e.getMessage(), e);
            }
            parts.addObject()
                    .put("id", c.value())
                    .put("weight", recipe.weights().get(i))
                    .put("weightsSha256", rec.weightsSha256().toString())
                    .put("owner", rec.owner().toChecksumHex());
        }
        try {
            recipe.write(dir, base, loaded);
        } catch (IllegalArgumentException e) {
            throw new AdapterRejectedException(id, e.getMessage(), e);
        }
        ObjectNode m = JSON.createObjectNode();
        m.put("strategy", recipe.strategy().id());
        if (recipe.strategy().usesDensity()) {
            m.put("density", recipe.density());
        }
        if (recipe.strategy().electsSigns()) {
            m.put("majoritySign", recipe.majoritySign().name());
        }
        if (recipe.strategy().isRandom()) {
            m.put("seed", recipe.seed());
        }
        if (recipe.strategy().usesRank()) {
            m.put("rank", recipe.rank());
        }
        m.set("adapters", parts);
        Map<String, String> meta = new TreeMap<>(metadata);
        meta.put(AdapterRecord.MERGE_METADATA, m.toString());
        return register(id, dir, owner, meta, access);
    }

    /**
     * Changes who may use {@code id}; only its owner may. Requests already submitted keep running;
     * later submissions are checked against the new access.
     *
     * @return the updated record
     * @throws AdapterRejectedException if {@code id} is not registered
     * @throws AdapterAccessException if {@code by} is not the owner
     */
    public synchronized AdapterRecord setAccess(AdapterId id, Address by, AdapterAccess access) {
        AdapterRecord rec = get(id).orElseThrow(() -> new AdapterRejectedException(id, "not registered"));
        if (!rec.owner().equals(by)) {
            throw new AdapterAccessException(
                    id, by, "is not the owner (" + rec.owner().toChecksumHex() + ") and may not change its access");
        }
        AdapterRecord next = rec.withAccess(access);
        store.put(key(id), Bytes.utf8(toJson(next)));
        return next;
    }

    /** The record of {@code id}, if registered. */
    public Optional<AdapterRecord> get(AdapterId id) {
        return store.get(key(id)).map(v -> fromJson(new String(v.toArray(), java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** All registered adapters, ordered by id (byte order of the UTF-8 id). */
    public List<AdapterRecord> list() {
        List<AdapterRecord> out = new ArrayList<>();
        try (KeyValueIterator it = store.scan(Bytes.utf8(PREFIX))) {
            while (it.hasNext()) {
                KeyValue kv = it.next();
                out.add(fromJson(new String(kv.value().toArray(), java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    /** Number of registered adapters. */
    public int size() {
        int n = 0;
        try (KeyValueIterator it = store.scan(Bytes.utf8(PREFIX))) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    /** Removes {@code id}; returns whether it was registered. Requests already admitted keep their lease. */
    public synchronized boolean unregister(AdapterId id) {
        if (!store.contains(key(id))) {
            return false;
        }
        store.delete(key(id));
        return true;
    }

    /**
     * Bytes an adapter with config {@code cfg} takes kept in bfloat16 on {@code base}: packed rows of A
     * and Bᵀ for every targeted module (registration checked that those are exactly the adapted ones).
     */
    static long bf16Bytes(AdapterConfig cfg, ModelConfig base) {
        long words = 0;
        for (int l = 0; l < base.layers(); l++) {
            for (Projection p : Projection.values()) {
                if (cfg.targets(p.path(l))) {
                    words += (long) cfg.rankOf(p.path(l))
                            * (LoraAdapter.words(p.inFeatures(base), true)
                                    + LoraAdapter.words(p.outFeatures(base), true));
                }
            }
        }
        return Float.BYTES * words;
    }

    // Caller holds the monitor (register is synchronized).
    private LoraAdapter.Region validationBuffer(int floats) {
        if (validation.length < floats) {
            validation = new float[floats];
        }
        return LoraAdapter.Region.ofFloats(validation, 0, floats);
    }

    private static Bytes key(AdapterId id) {
        return Bytes.utf8(PREFIX + id.value());
    }

    static Hash sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buf = new byte[1 << 16];
            while (in.read(buf) >= 0) {
                // digest as we read
            }
            return Hash.of(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private static String toJson(AdapterRecord r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.id().value());
        o.put("owner", r.owner().toChecksumHex());
        o.put("model", r.model().value());
        o.put("dir", r.dir().toString());
        o.put("weightsSha256", r.weightsSha256().toString());
        o.put("weightsFileBytes", r.weightsFileBytes());
        o.put("weightsModified", r.weightsModified().toString());
        o.put("maxRank", r.maxRank());
        o.put("modules", r.modules());
        o.put("residentBytes", r.residentBytes());
        o.put("residentBytesBf16", r.residentBytesBf16());
        ObjectNode m = o.putObject("metadata");
        r.metadata().forEach(m::put);
        o.put("registeredAtMillis", r.registeredAt().toEpochMilli());
        if (r.access().restricted()) {
            ObjectNode a = o.putObject("access");
            a.put("restricted", true);
            r.access().grantees().forEach(g -> a.withArray("grantees").add(g.toChecksumHex()));
        }
        return o.toString();
    }

    // entries written before access was recorded, and public ones, have no "access" object
    private static AdapterAccess access(@Nullable JsonNode a) {
        if (a == null || !a.path("restricted").asBoolean(false)) {
            return AdapterAccess.PUBLIC;
        }
        Set<Address> grantees = new HashSet<>();
        a.path("grantees").forEach(g -> grantees.add(Address.fromHex(g.asText())));
        return new AdapterAccess(true, grantees);
    }

    private static AdapterRecord fromJson(String json) {
        try {
            JsonNode o = JSON.readTree(json);
            Map<String, String> meta = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            o.get("metadata").properties().iterator();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                meta.put(e.getKey(), e.getValue().asText());
            }
            return new AdapterRecord(
                    AdapterId.of(o.get("id").asText()),
                    Address.fromHex(o.get("owner").asText()),
                    ModelId.of(o.get("model").asText()),
                    Path.of(o.get("dir").asText()),
                    Hash.fromHex(o.get("weightsSha256").asText()),
                    o.get("weightsFileBytes").asLong(),
                    o.hasNonNull("weightsModified")
                            ? Instant.parse(o.get("weightsModified").asText())
                            : Instant.EPOCH,
                    o.get("maxRank").asInt(),
                    o.get("modules").asInt(),
                    o.get("residentBytes").asLong(),
                    o.get("residentBytesBf16").asLong(),
                    meta,
                    Instant.ofEpochMilli(o.get("registeredAtMillis").asLong()),
                    access(o.get("access")));
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt registry entry: " + json, e);
        }
    }
}
