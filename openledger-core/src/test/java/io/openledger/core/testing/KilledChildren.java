package io.openledger.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child JVMs that crash tests kill with {@code -9}. A killed JVM runs no shutdown hooks, so the
 * 17 MB RocksDB library it extracted to a temporary file would stay behind, once per child.
 */
public final class KilledChildren {
    private KilledChildren() {}

    /**
     * Has the children of {@code pb} temporary files under this JVM's {@code java.io.tmpdir} and
     * extract the RocksDB library to one fixed file there ({@code ROCKSDB_SHAREDLIB_DIR}, which
     * RocksJava's loader reads), which each child replaces rather than adds to. The caller adds
     * {@link #tmpdirOption()} to the child's command line.
     */
    public static ProcessBuilder sharingRocksDbLibrary(ProcessBuilder pb) throws IOException {
        Path lib = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "killed-children-rocksdb"));
        pb.environment().put("ROCKSDB_SHAREDLIB_DIR", lib.toString());
        return pb;
    }

    /** The option that gives a child this JVM's temporary directory. */
    public static String tmpdirOption() {
        return "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir");
    }
}
