package io.openledger.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SafeTensorsTest {
    @TempDir
    Path dir;

    /** A file with the given header text (padded by nothing) followed by {@code data}. */
    private Path raw(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path f = dir.resolve("t" + System.nanoTime() + ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    @Test
    void writerProducesTheReferenceLayout() throws IOException {
        Path f = dir.resolve("golden.safetensors");
        new SafeTensorsWriter()
                .metadata("format", "pt")
                .add("b", DType.BF16, new float[] {1.0f, -2.0f}, 2)
                .add("a", DType.F32, new float[] {1.0f, 2.0f}, 1, 2)
                .write(f);
        // F32 (4-byte) tensors first, then BF16; header padded with spaces to a multiple of 8
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]}}";
        int padded = (json.length() + 7) / 8 * 8;
        ByteBuffer want = ByteBuffer.allocate(8 + padded + 12).order(ByteOrder.LITTLE_ENDIAN);
        want.putLong(padded).put((json + " ".repeat(padded - json.length())).getBytes(StandardCharsets.US_ASCII));
        want.putFloat(1.0f).putFloat(2.0f).putShort((short) 0x3F80).putShort((short) 0xC000);
        assertThat(Files.readAllBytes(f)).isEqualTo(want.array());
        try (SafeTensors st = SafeTensors.open(f)) {
            assertThat(st.names()).containsExactly("a", "b");
            assertThat(st.metadata()).containsEntry("format", "pt");
            assertThat(st.info("a").shape()).containsExactly(1L, 2L);
            assertThat(st.floats("a")).containsExactly(1.0f, 2.0f);
            assertThat(st.floats("b")).containsExactly(1.0f, -2.0f);
        }
    }

    @Property(tries = 50)
    void roundTripsEveryFloatType(@ForAll @Size(min = 0, max = 64) List<Float> values) {
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        Path f;
        try {
            f = Files.createTempFile("rt", ".safetensors");
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        byte[] i8 = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            i8[i] = (byte) (i * 7 - 100);
        }
        new SafeTensorsWriter()
                .add("f32", DType.F32, v, v.length)
                .add("f16", DType.F16, v, v.length)
                .add("bf16", DType.BF16, v, v.length)
                .addRaw("i8", DType.I8, i8, v.length)
                .write(f);
        try (SafeTensors st = SafeTensors.open(f)) {
            float[] f32 = st.floats("f32");
            float[] f16 = st.floats("f16");
            float[] bf = st.floats("bf16");
            float[] i8f = st.floats("i8");
            for (int i = 0; i < v.length; i++) {
                assertThat(Float.compare(f32[i], v[i])).isZero();
                assertThat(Float.compare(f16[i], Float.float16ToFloat(Float.floatToFloat16(v[i]))))
                        .isZero();
                float bfExpect = Float.intBitsToFloat(SafeTensorsWriter.toBf16(v[i]) << 16);
                assertThat(Float.compare(bf[i], bfExpect)).isZero();
                if (Float.isFinite(v[i]) && Math.abs(v[i]) < 1e30f) {
                    assertThat(Math.abs(bf[i] - v[i])).isLessThanOrEqualTo(Math.abs(v[i]) / 256f);
                }
                assertThat(i8f[i]).isEqualTo((float) i8[i]);
            }
        } finally {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                // temp file
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "gap between tensors|{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"b\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[3,4]}}|4|starts at 3 but the previous tensor ends at 2 (gap)",
                "overlapping tensors|{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[1,3]}}|3|(overlap)",
                "trailing bytes|{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}|5|cover 2 bytes but the data buffer holds 5",
                "buffer too short|{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}}|2|cover 4 bytes but the data buffer holds 2",
                "size mismatch|{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}|4|spans 4 bytes but shape [2] of F32 needs 8",
                "reversed offsets|{\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,0]}}|4|are reversed",
                "unknown dtype|{\"a\":{\"dtype\":\"F4\",\"shape\":[2],\"data_offsets\":[0,2]}}|2|unknown dtype \"F4\"",
                "shape overflow|{\"a\":{\"dtype\":\"F32\",\"shape\":[281474976710655,281474976710655],\"data_offsets\":[0,2]}}|2|overflows",
                "negative dimension|{\"a\":{\"dtype\":\"U8\",\"shape\":[-2],\"data_offsets\":[0,2]}}|2|invalid dimension -2",
                "missing offsets|{\"a\":{\"dtype\":\"U8\",\"shape\":[2]}}|2|data_offsets",
                "duplicate keys|{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}|2|Duplicate field 'a'",
                "metadata not strings|{\"__metadata__\":{\"n\":1},\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}|1|__metadata__[\"n\"] is not a string",
                "not an object|[1,2]|0|not a JSON object",
                "invalid JSON|{\"a\":|0|not valid UTF-8 JSON",
            })
    void rejectsCorruptHeaders(String what, String header, int dataBytes, String message) throws IOException {
        Path f = raw(header, new byte[dataBytes]);
        assertThatThrownBy(() -> SafeTensors.open(f))
                .as(what)
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining(message);
    }

    @Test
    void acceptsScalarsAndEmptyTensors() throws IOException {
        Path f = raw(
                "{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                        + "\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]}}",
                new byte[] {0, 0, (byte) 0x80, 0x3F});
        try (SafeTensors st = SafeTensors.open(f)) {
            assertThat(st.floats("s")).containsExactly(1.0f);
            assertThat(st.floats("e")).isEmpty();
        }
    }

    @Test
    void rejectsInvalidUtf8AndOversizedOrTruncatedHeaders() throws IOException {
        byte[] bad = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        ByteBuffer b = ByteBuffer.allocate(8 + bad.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(bad.length)
                .put(bad);
        Path f = dir.resolve("utf8.safetensors");
        Files.write(f, b.array());
        assertThatThrownBy(() -> SafeTensors.open(f))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("UTF-8");

        Path big = dir.resolve("big.safetensors");
        Files.write(
                big,
                ByteBuffer.allocate(16)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(100_000_001L)
                        .array());
        assertThatThrownBy(() -> SafeTensors.open(big)).hasMessageContaining("exceeds 100000000");

        Path past = dir.resolve("past.safetensors");
        Files.write(
                past,
                ByteBuffer.allocate(16)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(1000)
                        .array());
        assertThatThrownBy(() -> SafeTensors.open(past)).hasMessageContaining("runs past the end of the file");

        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[5]);
        assertThatThrownBy(() -> SafeTensors.open(tiny)).hasMessageContaining("shorter than the 8-byte header length");

        Path pickle = dir.resolve("adapter_model.bin");
        Files.write(pickle, new byte[64]);
        assertThatThrownBy(() -> SafeTensors.open(pickle)).hasMessageContaining("pickle");
    }

    @Test
    void mapsFilesLargerThanTwoGigabytes() throws IOException {
        long n = 3L << 30;
        String header = "{\"big\":{\"dtype\":\"I8\",\"shape\":[" + n + "],\"data_offsets\":[0," + n + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path f = dir.resolve("sparse.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(h.length)
                    .array());
            raf.write(h);
            raf.setLength(8 + h.length + n); // sparse: no disk blocks for the zeros
            raf.seek(8 + h.length + n - 1);
            raf.write(42);
        }
        try (SafeTensors st = SafeTensors.open(f)) {
            assertThat(st.segment("big").byteSize()).isEqualTo(n);
            assertThat(st.segment("big").get(ValueLayout.JAVA_BYTE, n - 1)).isEqualTo((byte) 42);
            assertThatThrownBy(() -> st.floats("big")).hasMessageContaining("too large for one array");
        }
    }

    @Test
    void readsShardedCheckpointsAndChecksTheIndex() throws IOException {
        ModelConfig c = TestModels.config(ModelConfig.Architecture.LLAMA, 2, 32, 2, 1, 64, 64);
        Path m = dir.resolve("sharded");
        TestModels.writeModel(m, c, 1, DType.F32, 3);
        assertThat(Files.exists(m.resolve("model-00003-of-00003.safetensors"))).isTrue();
        try (SafeTensors st = SafeTensors.openCheckpoint(m)) {
            assertThat(st.names())
                    .contains("model.embed_tokens.weight", "model.layers.1.mlp.down_proj.weight", "lm_head.weight");
            assertThat(st.names()).hasSize(1 + 2 * 9 + 2);
        }
        String index = Files.readString(m.resolve(SafeTensors.INDEX_FILE));
        // a tensor listed in a shard that does not exist
        Files.writeString(
                m.resolve(SafeTensors.INDEX_FILE),
                index.replaceFirst(
                        "\"model.norm.weight\" : \"[^\"]+\"",
                        "\"model.norm.weight\" : \"model-00009-of-00003.safetensors\""));
        assertThatThrownBy(() -> SafeTensors.openCheckpoint(m))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("does not exist");
        // a shard tensor the index does not list
        Files.writeString(
                m.resolve(SafeTensors.INDEX_FILE), index.replaceFirst("\"model.norm.weight\" : \"[^\"]+\",?", ""));
        assertThatThrownBy(() -> SafeTensors.openCheckpoint(m)).hasMessageContaining("is not listed for this shard");
        Files.writeString(m.resolve(SafeTensors.INDEX_FILE), "{\"weight_map\":{}}");
        assertThatThrownBy(() -> SafeTensors.openCheckpoint(m)).hasMessageContaining("weight_map");
        assertThatThrownBy(() -> SafeTensors.openCheckpoint(dir.resolve("nothing")))
                .hasMessageContaining("no model.safetensors");
    }
}
