package io.openledger.lora;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects tensors and writes them as one safetensors file in the layout of the reference
 * serializer: tensors ordered by descending dtype size then name, header padded with spaces so the
 * data starts 8-byte aligned, {@code __metadata__} first. Not thread-safe; the written file is
 * replaced atomically.
 */
public final class SafeTensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Pending(String name, DType dtype, long[] shape, byte[] data) {}

    private final Map<String, Pending> tensors = new TreeMap<>();
    private final Map<String, String> metadata = new TreeMap<>();

    /** Creates an empty writer. */
    public SafeTensorsWriter() {}

    /** Adds a {@code __metadata__} entry (PEFT and transformers write {@code format=pt}). */
    public SafeTensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /**
     * Adds a float tensor stored as {@code dtype} (F32, F16 or BF16, rounded to nearest even).
     *
     * @throws IllegalArgumentException if the name repeats, the shape does not match the data
     *     length, or the dtype is not a float type
     */
    public SafeTensorsWriter add(String name, DType dtype, float[] values, long... shape) {
        checkShape(name, values.length, shape);
        ByteBuffer buf = ByteBuffer.allocate(values.length * dtype.size()).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> buf.asFloatBuffer().put(values);
            case F16 -> {
                for (float v : values) {
                    buf.putShort(Float.floatToFloat16(v));
                }
            }
            case BF16 -> {
                for (float v : values) {
                    buf.putShort(toBf16(v));
                }
            }
            default ->
                throw new IllegalArgumentException("dtype must be F32, F16 or BF16 for float data, got " + dtype);
        }
        return put(new Pending(name, dtype, shape.clone(), buf.array()));
    }

    /**
     * Adds a tensor from raw little-endian bytes of any dtype.
     *
     * @throws IllegalArgumentException if the name repeats or the byte length does not match
     */
    public SafeTensorsWriter addRaw(String name, DType dtype, byte[] data, long... shape) {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        if (count * dtype.size() != data.length) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "': " + data.length + " bytes do not fit shape of " + count + " " + dtype);
        }
        return put(new Pending(name, dtype, shape.clone(), data.clone()));
    }

    private SafeTensorsWriter put(Pending p) {
        if (p.name().equals("__metadata__") || tensors.putIfAbsent(p.name(), p) != null) {
            throw new IllegalArgumentException("tensor name '" + p.name() + "' is reserved or already added");
        }
        return this;
    }

    private static void checkShape(String name, int length, long[] shape) {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension " + d);
            }
            count *= d;
        }
        if (count != length) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "': " + length + " values do not fit shape of " + count);
        }
    }

    /** Rounds a float to bfloat16 bits (round to nearest even, NaN kept quiet). */
    public static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /**
     * Writes the file (atomically, through a temporary file beside it).
     *
     * @throws UncheckedIOException if writing fails
     */
    public void write(Path file) {
        List<Pending> order = new ArrayList<>(tensors.values());
        order.sort(Comparator.comparingInt((Pending p) -> -p.dtype().size()).thenComparing(Pending::name));
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put("__metadata__", metadata);
        }
        long offset = 0;
        for (Pending p : order) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("dtype", p.dtype().name());
            e.put("shape", p.shape());
            e.put("data_offsets", new long[] {offset, offset + p.data().length});
            header.put(p.name(), e);
            offset += p.data().length;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int padded = (json.length + 7) & ~7;
        byte[] head = new byte[8 + padded];
        ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        System.arraycopy(json, 0, head, 8, json.length);
        for (int i = 8 + json.length; i < head.length; i++) {
            head[i] = ' ';
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".st", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(head);
                for (Pending p : order) {
                    out.write(p.data());
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }
}
