package io.openledger.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates {@code ../shared} (reference notes and cross-client vectors) beside the project root.
 * Maven passes its location as the system property {@code openledger.shared.dir}; run elsewhere,
 * the parents of the working directory are searched.
 */
public final class SharedFiles {
    private SharedFiles() {}

    /** The shared directory. */
    public static Path root() {
        String prop = System.getProperty("openledger.shared.dir");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop).normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("vectors"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find ../shared beside the project root (set -Dopenledger.shared.dir)");
    }

    /** A file under the shared directory, which must exist. */
    public static Path resolve(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("missing shared file " + p);
        }
        return p;
    }
}
