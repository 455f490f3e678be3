package io.openledger.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Child JVMs that crash tests kill with {@code -9}. A killed JVM runs no shutdown hooks, so the
 * 17 MB RocksDB library it extracted to a temporary file would stay behind, once per child.
 */
public final class KilledChildren {
    private KilledChildren() {}

    /**
     * Prepares {@code pb}, whose command starts with the {@code java} launcher: the child gets this
     * JVM's {@code java.io.tmpdir} (under {@code target/} in a Maven build) and extracts the RocksDB
     * library to one fixed file there ({@code ROCKSDB_SHAREDLIB_DIR}, which RocksJava's loader
     * reads), which each child replaces rather than adds to.
     */
    public static ProcessBuilder sharingRocksDbLibrary(ProcessBuilder pb) throws IOException {
        String tmp = System.getProperty("java.io.tmpdir");
        Path lib = Files.createDirectories(Path.of(tmp, "killed-children-rocksdb"));
        pb.environment().put("ROCKSDB_SHAREDLIB_DIR", lib.toString());
        List<String> cmd = pb.command();
        cmd.add(1, "-Djava.io.tmpdir=" + tmp);
        return pb;
    }
}
