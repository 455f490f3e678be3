package io.openledger.core;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Deleting whole directory trees, for the temporary work directories that stores, indexes,
 * benchmarks and the demo create and must not leave behind.
 *
 * <p>Symbolic links are deleted, never followed, so a link inside the tree cannot take the delete
 * outside it.
 */
public final class FileTrees {
    private FileTrees() {}

    /**
     * Deletes {@code root} and everything under it; does nothing if it does not exist.
     *
     * @throws IOException naming the first entry that could not be deleted; entries already deleted
     *     stay deleted
     */
    public static void delete(Path root) throws IOException {
        Objects.requireNonNull(root, "root");
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // gone meanwhile: nothing left to delete
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, @Nullable IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * {@link #delete(Path)}, for cleanup paths that must not hide the outcome they follow: returns
     * the failure instead of throwing it ({@code null} when everything was deleted).
     */
    public static @Nullable IOException deleteQuietly(Path root) {
        try {
            delete(root);
            return null;
        } catch (IOException e) {
            return e;
        }
    }
}
