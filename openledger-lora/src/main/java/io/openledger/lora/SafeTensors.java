package io.openledger.lora;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Read-only view of one safetensors file or of a sharded checkpoint, memory-mapped through FFM (no
 * 2 GB limit). Opening validates every header the way the reference reader
 * ({@code huggingface/safetensors safetensors/src/tensor.rs}) does: header length at most {@link
 * #MAX_HEADER_BYTES}, UTF-8 JSON, no duplicate keys, known dtypes, byte size equal to shape × dtype
 * size without overflow, and data offsets that tile the byte buffer exactly (no gaps, no overlaps, no
 * trailing bytes). A file that fails any check is rejected with {@link ModelFormatException} and
 * nothing stays mapped.
 *
 * <p>Thread-safe for reads; {@link #close()} unmaps every file, after which segments handed out
 * must not be used.
 */
public final class SafeTensors implements AutoCloseable {
    /** The reference reader's header cap (100,000,000 bytes). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** The index file of a sharded Hugging Face checkpoint. */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ValueLayout.OfFloat F32_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private record Entry(TensorInfo info, MemorySegment data, Path file) {}

    private final Arena arena;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensors(Arena arena, Map<String, Entry> entries, Map<String, String> metadata) {
        this.arena = arena;
        this.entries = entries;
        this.metadata = metadata;
    }

    /**
     * Maps and validates one {@code .safetensors} file.
     *
     * @throws ModelFormatException if the file is not a valid safetensors file
     * @throws UncheckedIOException if it cannot be read
     */
    public static SafeTensors open(Path file) {
        Arena arena = Arena.ofShared();
        try {
            Map<String, Entry> entries = new TreeMap<>();
            Map<String, String> meta = mapFile(file, arena, entries);
            return new SafeTensors(arena, Collections.unmodifiableMap(entries), meta);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Opens a Hugging Face checkpoint directory: {@code model.safetensors.index.json} with its
     * shards if present, else the single {@code model.safetensors}. For a sharded checkpoint every
     * tensor of the index must be in the shard it names, and every tensor of a shard in the index.
     *
     * @throws ModelFormatException if no checkpoint is there or it is inconsistent
     */
    public static SafeTensors openCheckpoint(Path dir) {
        Path index = dir.resolve(INDEX_FILE);
        if (!Files.exists(index)) {
            Path single = dir.resolve("model.safetensors");
            if (!Files.exists(single)) {
                if (Files.exists(dir.resolve("pytorch_model.bin"))) {
                    throw new ModelFormatException(
                            dir.resolve("pytorch_model.bin").toString(),
                            "pickle checkpoints cannot be loaded safely; convert to safetensors");
                }
                throw new ModelFormatException(dir.toString(), "no model.safetensors or " + INDEX_FILE);
            }
            return open(single);
        }
        JsonNode root = readJson(index);
        JsonNode map = root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new ModelFormatException(index.toString(), "missing or empty \"weight_map\" object");
        }
        Map<String, List<String>> byShard = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new ModelFormatException(
                        index.toString(), "weight_map[\"" + e.getKey() + "\"] is not a file name");
            }
            String shard = e.getValue().asText();
            if (shard.contains("/") || shard.contains("\\") || shard.equals("..")) {
                throw new ModelFormatException(
                        index.toString(), "shard name \"" + shard + "\" is not a plain file name");
            }
            byShard.computeIfAbsent(shard, k -> new ArrayList<>()).add(e.getKey());
        }
        for (String shard : byShard.keySet()) {
            if (!Files.exists(dir.resolve(shard))) {
                throw new ModelFormatException(index.toString(), "shard " + shard + " does not exist");
            }
        }
        Arena arena = Arena.ofShared();
        try {
            Map<String, Entry> all = new TreeMap<>();
            Map<String, String> meta = new TreeMap<>();
            for (Map.Entry<String, List<String>> shard : byShard.entrySet()) {
                Path file = dir.resolve(shard.getKey());
                if (!Files.exists(file)) {
                    throw new ModelFormatException(index.toString(), "shard " + shard.getKey() + " does not exist");
                }
                Map<String, Entry> part = new TreeMap<>();
                meta.putAll(mapFile(file, arena, part));
                for (String name : shard.getValue()) {
                    if (!part.containsKey(name)) {
                        throw new ModelFormatException(
                                index.toString(), "tensor '" + name + "' is not in its shard " + shard.getKey());
                    }
                }
                for (String name : part.keySet()) {
                    if (!shard.getValue().contains(name)) {
                        throw new ModelFormatException(
                                file.toString(), "tensor '" + name + "' is not listed for this shard in " + INDEX_FILE);
                    }
                }
                all.putAll(part);
            }
            return new SafeTensors(arena, Collections.unmodifiableMap(all), Collections.unmodifiableMap(meta));
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(file.toString(), "invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    private static Map<String, String> mapFile(Path file, Arena arena, Map<String, Entry> out) {
        String where = file.toString();
        if (where.endsWith(".bin") || where.endsWith(".pt") || where.endsWith(".pth")) {
            throw new ModelFormatException(where, "pickle files cannot be loaded safely; convert to safetensors");
        }
        MemorySegment seg;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new ModelFormatException(
                        where, "file of " + size + " bytes is shorter than the 8-byte header length");
            }
            seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        } catch (IOException e) {
            throw new UncheckedIOException(where, e);
        }
        long n = seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new ModelFormatException(
                    where, "header length " + Long.toUnsignedString(n) + " exceeds " + MAX_HEADER_BYTES);
        }
        if (8 + n > seg.byteSize()) {
            throw new ModelFormatException(
                    where, "header length " + n + " runs past the end of the file (" + seg.byteSize() + " bytes)");
        }
        byte[] header = seg.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (IOException e) {
            throw new ModelFormatException(where, "header is not valid UTF-8 JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(where, "header is not a JSON object");
        }
        long bufferStart = 8 + n;
        long bufferLen = seg.byteSize() - bufferStart;
        Map<String, String> meta = new TreeMap<>();
        List<TensorInfo> infos = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                if (!e.getValue().isObject()) {
                    throw new ModelFormatException(where, "__metadata__ is not an object");
                }
                for (Iterator<Map.Entry<String, JsonNode>> m =
                                e.getValue().properties().iterator();
                        m.hasNext(); ) {
                    Map.Entry<String, JsonNode> kv = m.next();
                    if (!kv.getValue().isTextual()) {
                        throw new ModelFormatException(where, "__metadata__[\"" + kv.getKey() + "\"] is not a string");
                    }
                    meta.put(kv.getKey(), kv.getValue().asText());
                }
                continue;
            }
            infos.add(parseInfo(where, e.getKey(), e.getValue()));
        }
        infos.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expect = 0;
        for (TensorInfo info : infos) {
            if (info.begin() != expect) {
                throw new ModelFormatException(
                        where,
                        "tensor '" + info.name() + "' starts at " + info.begin() + " but the previous tensor ends at "
                                + expect + (info.begin() < expect ? " (overlap)" : " (gap)"));
            }
            expect = info.end();
        }
        if (expect != bufferLen) {
            throw new ModelFormatException(
                    where, "tensors cover " + expect + " bytes but the data buffer holds " + bufferLen + " bytes");
        }
        for (TensorInfo info : infos) {
            if (out.containsKey(info.name())) {
                throw new ModelFormatException(where, "tensor '" + info.name() + "' appears in more than one file");
            }
            out.put(info.name(), new Entry(info, seg.asSlice(bufferStart + info.begin(), info.byteSize()), file));
        }
        return Collections.unmodifiableMap(meta);
    }

    private static TensorInfo parseInfo(String where, String name, JsonNode node) {
        String at = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw new ModelFormatException(where, at + " is not an object");
        }
        JsonNode dt = node.get("dtype");
        JsonNode sh = node.get("shape");
        JsonNode off = node.get("data_offsets");
        if (dt == null || !dt.isTextual()) {
            throw new ModelFormatException(where, at + " has no string \"dtype\"");
        }
        DType dtype = DType.fromName(dt.asText())
                .orElseThrow(() -> new ModelFormatException(where, at + " has unknown dtype \"" + dt.asText() + "\""));
        if (sh == null || !sh.isArray()) {
            throw new ModelFormatException(where, at + " has no \"shape\" array");
        }
        List<Long> shape = new ArrayList<>();
        long count = 1;
        for (JsonNode d : sh) {
            if (!d.canConvertToExactIntegral() || !d.canConvertToLong() || d.asLong() < 0 || d.asLong() >= (1L << 48)) {
                throw new ModelFormatException(where, at + " has invalid dimension " + d);
            }
            shape.add(d.asLong());
            try {
                count = Math.multiplyExact(count, d.asLong());
            } catch (ArithmeticException ex) {
                throw new ModelFormatException(where, at + " shape " + shape + " overflows");
            }
        }
        if (off == null || !off.isArray() || off.size() != 2) {
            throw new ModelFormatException(where, at + " has no [begin, end] \"data_offsets\"");
        }
        for (JsonNode o : off) {
            if (!o.canConvertToExactIntegral() || !o.canConvertToLong() || o.asLong() < 0) {
                throw new ModelFormatException(where, at + " has invalid data offset " + o);
            }
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (end < begin) {
            throw new ModelFormatException(where, at + " data_offsets [" + begin + ", " + end + ") are reversed");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(count, (long) dtype.size());
        } catch (ArithmeticException ex) {
            throw new ModelFormatException(where, at + " byte size overflows");
        }
        if (end - begin != bytes) {
            throw new ModelFormatException(
                    where,
                    at + " spans " + (end - begin) + " bytes but shape " + shape + " of " + dtype + " needs " + bytes);
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /** Tensor names, sorted. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** The header entry of a tensor, if present. */
    public Optional<TensorInfo> find(String name) {
        Entry e = entries.get(name);
        return e == null ? Optional.empty() : Optional.of(e.info());
    }

    /**
     * The header entry of a tensor.
     *
     * @throws ModelFormatException if there is no such tensor
     */
    public TensorInfo info(String name) {
        return entry(name).info();
    }

    /** Merged {@code __metadata__} of all files (string to string). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The raw little-endian bytes of a tensor as a read-only slice of the mapping (valid until
     * {@link #close()}).
     */
    public MemorySegment segment(String name) {
        return entry(name).data().asReadOnly();
    }

    /**
     * The tensor converted to float32, row-major. F32, F16, BF16 and I8 are supported.
     *
     * @throws ModelFormatException if the tensor is missing, of another dtype, or too large for an
     *     array
     */
    public float[] floats(String name) {
        Entry e = entry(name);
        long count = e.info().elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(e.file() + ": tensor '" + name + "'", "too large for one array: " + count);
        }
        float[] out = new float[(int) count];
        floatsInto(name, out, 0);
        return out;
    }

    /** Elements converted per step of {@link #floatsInto}: its only temporary array. */
    private static final int CONVERT_CHUNK = 4096;

    /**
     * The tensor converted to float32, row-major, into {@code dst[dstOff..dstOff + elements)}, without
     * a temporary copy of the whole tensor (the adapter cache loads into memory it already holds).
     *
     * @throws ModelFormatException if the tensor is missing or of a dtype other than F32, F16, BF16, I8
     * @throws IndexOutOfBoundsException if the tensor does not fit in {@code dst} at {@code dstOff}
     */
    public void floatsInto(String name, float[] dst, int dstOff) {
        Entry e = entry(name);
        TensorInfo info = e.info();
        long count = info.elementCount();
        java.util.Objects.checkFromIndexSize(dstOff, count, dst.length);
        int n = (int) count;
        MemorySegment s = e.data();
        switch (info.dtype()) {
            case F32 -> MemorySegment.copy(s, F32_LE, 0, dst, dstOff, n);
            case BF16 -> {
                // bfloat16 is the top half of a float32: read pairs as one int each, split by shifts
                int pairs = n >>> 1;
                int[] raw = new int[Math.min(pairs, CONVERT_CHUNK)];
                for (int k0 = 0; k0 < pairs; k0 += raw.length) {
                    int len = Math.min(raw.length, pairs - k0);
                    MemorySegment.copy(s, I32_LE, 4L * k0, raw, 0, len);
                    int o = dstOff + 2 * k0;
                    for (int k = 0; k < len; k++) {
                        int w = raw[k];
                        dst[o + 2 * k] = Float.intBitsToFloat(w << 16);
                        dst[o + 2 * k + 1] = Float.intBitsToFloat(w & 0xFFFF0000);
                    }
                }
                if ((n & 1) != 0) {
                    dst[dstOff + n - 1] = Float.intBitsToFloat((s.get(I16_LE, 2L * (n - 1)) & 0xFFFF) << 16);
                }
            }
            case F16 -> {
                short[] raw = new short[Math.min(n, CONVERT_CHUNK)];
                for (int i0 = 0; i0 < n; i0 += raw.length) {
                    int len = Math.min(raw.length, n - i0);
                    MemorySegment.copy(s, I16_LE, 2L * i0, raw, 0, len);
                    for (int i = 0; i < len; i++) {
                        dst[dstOff + i0 + i] = Float.float16ToFloat(raw[i]);
                    }
                }
            }
            case I8 -> {
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = s.get(ValueLayout.JAVA_BYTE, i);
                }
            }
            default ->
                throw new ModelFormatException(
                        e.file() + ": tensor '" + name + "'", "dtype " + info.dtype() + " cannot be read as float");
        }
    }

    /**
     * The raw bits of a BF16 tensor, row-major, into {@code dst[dstOff..]}: one bulk copy, no
     * conversion (the adapter cache keeps BF16 adapters in BF16).
     *
     * @throws ModelFormatException if the tensor is missing or not BF16
     * @throws IndexOutOfBoundsException if it does not fit in {@code dst} at {@code dstOff}
     */
    public void bf16BitsInto(String name, short[] dst, int dstOff) {
        Entry e = entry(name);
        TensorInfo info = e.info();
        if (info.dtype() != DType.BF16) {
            throw new ModelFormatException(
                    e.file() + ": tensor '" + name + "'", "dtype " + info.dtype() + ", not BF16");
        }
        long count = info.elementCount();
        java.util.Objects.checkFromIndexSize(dstOff, count, dst.length);
        MemorySegment.copy(e.data(), I16_LE, 0, dst, dstOff, (int) count);
    }

    private Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new ModelFormatException("tensor '" + name + "'", "not present in the checkpoint");
        }
        return e;
    }

    /** Unmaps every file. Idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
