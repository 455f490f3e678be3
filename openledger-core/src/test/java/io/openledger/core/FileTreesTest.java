package io.openledger.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @TempDir
    Path tmp;

    @Test
    void deletesANestedTreeAndNothingBesideIt() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root/a/b/c"))
                .getParent()
                .getParent()
                .getParent();
        Files.writeString(root.resolve("a/one.txt"), "1");
        Files.writeString(root.resolve("a/b/c/two.txt"), "2");
        Files.createDirectories(root.resolve("empty"));
        Path beside = Files.writeString(tmp.resolve("beside.txt"), "keep");

        FileTrees.delete(root);

        assertThat(root).doesNotExist();
        assertThat(beside).hasContent("keep");
    }

    @Test
    void aMissingRootIsNothingToDo() throws IOException {
        FileTrees.delete(tmp.resolve("never-made"));
        assertThat(FileTrees.deleteQuietly(tmp.resolve("never-made"))).isNull();
    }

    @Test
    void aSingleFileIsDeleted() throws IOException {
        Path f = Files.writeString(tmp.resolve("f.bin"), "x");
        FileTrees.delete(f);
        assertThat(f).doesNotExist();
    }

    @Test
    void linksAreDeletedNotFollowed() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path precious = Files.writeString(outside.resolve("precious.txt"), "keep");
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path link = Files.createSymbolicLink(root.resolve("link"), outside);

        FileTrees.delete(root);

        assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(root).doesNotExist();
        assertThat(precious).hasContent("keep");
    }
}
