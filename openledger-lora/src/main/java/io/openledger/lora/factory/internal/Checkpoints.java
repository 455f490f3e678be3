package io.openledger.lora.factory.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.lora.DType;
import io.openledger.lora.ModelFormatException;
import io.openledger.lora.SafeTensors;
import io.openledger.lora.SafeTensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Training checkpoints: {@code step-N/weights.safetensors} (trainable tensors),
 * {@code step-N/optimizer.safetensors} ({@code m.<name>}, {@code v.<name>}) and {@code
 * step-N/state.json}. A checkpoint is written to a temporary directory and renamed, so a crash never
 * leaves a half-written one. Stateless.
 */
public final class Checkpoints {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoints() {}

    /** Writes a checkpoint to {@code dir}. */
    public static void save(Path dir, Map<String, float[]> params, AdamW opt, ObjectNode state) {
        Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
        try {
            Files.createDirectories(tmp);
            SafeTensorsWriter w = new SafeTensorsWriter();
            params.forEach((n, a) -> w.add(n, DType.F32, a, a.length));
            w.write(tmp.resolve("weights.safetensors"));
            SafeTensorsWriter o = new SafeTensorsWriter();
            opt.firstMoments().forEach((n, a) -> o.add("m." + n, DType.F32, a, a.length));
            opt.secondMoments().forEach((n, a) -> o.add("v." + n, DType.F32, a, a.length));
            o.write(tmp.resolve("optimizer.safetensors"));
            Files.writeString(tmp.resolve("state.json"), JSON.writeValueAsString(state));
            Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(dir.toString(), e);
        }
    }

    /** The checkpoint with the highest step under {@code root}, or null. */
    public static @Nullable Path latest(Path root) {
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().matches("step-\\d+"))
                    .max(Comparator.comparingInt(
                            p -> Integer.parseInt(p.getFileName().toString().substring(5))))
                    .orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(root.toString(), e);
        }
    }

    /**
     * Copies the checkpoint's tensors into {@code params} and the optimizer state, returning state.json.
     *
     * @throws ModelFormatException if a tensor is missing or its shape differs
     */
    public static JsonNode restore(Path dir, Map<String, float[]> params, AdamW opt) {
        try (SafeTensors w = SafeTensors.open(dir.resolve("weights.safetensors"));
                SafeTensors o = SafeTensors.open(dir.resolve("optimizer.safetensors"))) {
            params.forEach((n, a) -> copy(w, n, a));
            opt.firstMoments().forEach((n, a) -> copy(o, "m." + n, a));
            opt.secondMoments().forEach((n, a) -> copy(o, "v." + n, a));
            return JSON.readTree(Files.readString(dir.resolve("state.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(dir.toString(), e);
        }
    }

    private static void copy(SafeTensors st, String name, float[] target) {
        float[] v = st.floats(name);
        if (v.length != target.length) {
            throw new ModelFormatException(
                    name, "checkpoint tensor has " + v.length + " values, expected " + target.length);
        }
        System.arraycopy(v, 0, target, 0, v.length);
    }
}
