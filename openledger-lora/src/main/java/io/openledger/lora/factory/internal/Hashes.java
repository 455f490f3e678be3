package io.openledger.lora.factory.internal;

import io.openledger.core.Hash;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 of byte arrays, files and checkpoints. Stateless. */
public final class Hashes {
    private Hashes() {}

    static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 of {@code data}. */
    public static byte[] sha256(byte[] data) {
        return sha().digest(data);
    }

    /** SHA-256 of a file's bytes. */
    public static Hash file(Path file) {
        MessageDigest d = sha();
        update(d, file);
        return Hash.of(d.digest());
    }

    /**
     * SHA-256 over a checkpoint directory: config.json, then every {@code *.safetensors} file in name
     * order, each preceded by its file name and a zero byte.
     */
    public static Hash checkpoint(Path dir) {
        MessageDigest d = sha();
        d.update("config.json\0".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        update(d, dir.resolve("config.json"));
        for (Path p : TrainingLoop.weightFiles(dir)) {
            d.update((p.getFileName() + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            update(d, p);
        }
        return Hash.of(d.digest());
    }

    private static void update(MessageDigest d, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }
}
