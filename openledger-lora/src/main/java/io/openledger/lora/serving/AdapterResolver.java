package io.openledger.lora.serving;

import io.openledger.core.AdapterId;
import io.openledger.core.Address;
import io.openledger.lora.LoraAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds an adapter that is not registered yet, so that a request may name it and the server
 * registers it on first use: just-in-time adapter loading as OpenLoRA and LoRAX offer it, and what
 * vLLM's LoRAResolver plugins do. The server validates the adapter against the base exactly as {@link
 * AdapterRegistry#register} does (a bad one is refused with the registry's message and never reaches
 * a batch) and keeps it registered afterwards. A host plugs in its own source (an object store, a
 * model hub mirror) by implementing {@link #resolve}; implementations must be thread-safe.
 */
@FunctionalInterface
public interface AdapterResolver {
    /**
     * Where a resolved adapter is and what to register it with.
     *
     * @param dir the PEFT directory (adapter_config.json + adapter_model.safetensors)
     * @param owner the address that owns it
     * @param metadata metadata for its registry record
     * @param access who may use it
     */
    record Resolution(Path dir, Address owner, Map<String, String> metadata, AdapterAccess access) {
        /** Copies the metadata. */
        public Resolution {
            Objects.requireNonNull(dir, "dir");
            Objects.requireNonNull(owner, "owner");
            metadata = Map.copyOf(metadata);
            Objects.requireNonNull(access, "access");
        }
    }

    /** The adapter {@code id} names, if this source has one. */
    Optional<Resolution> resolve(AdapterId id);

    /** Resolves nothing: only registered adapters are served (the default). */
    static AdapterResolver none() {
        return id -> Optional.empty();
    }

    /**
     * Adapters in the subdirectories of {@code root} named by their ids ({@code root/<id>}, an id
     * with slashes naming nested directories as a hub's {@code org/name} does), public and owned by
     * {@code owner}. An id with an empty, {@code .} or {@code ..} segment resolves to nothing, so no
     * id leaves {@code root} or names another id's directory.
     */
    static AdapterResolver directory(Path root, Address owner) {
        Path base = root.toAbsolutePath().normalize();
        Objects.requireNonNull(owner, "owner");
        return id -> {
            for (String segment : id.value().split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    return Optional.empty(); // one id, one directory: no aliases, no way out of root
                }
            }
            Path dir = base.resolve(id.value()).normalize();
            if (!dir.startsWith(base) || !Files.isRegularFile(dir.resolve(LoraAdapter.CONFIG_FILE))) {
                return Optional.empty();
            }
            return Optional.of(
                    new Resolution(dir, owner, Map.of("resolvedFrom", dir.toString()), AdapterAccess.PUBLIC));
        };
    }
}
