package io.openledger.core.store;

import io.openledger.core.FileTrees;
import io.openledger.core.testing.KeyValueStoreContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.AfterAll;

class RocksDbKeyValueStoreTest extends KeyValueStoreContract {
    private static final List<Path> DIRS = new ArrayList<>();

    @Override
    protected KeyValueStore newStore() {
        try {
            Path dir = Files.createTempDirectory("ol-rocks");
            synchronized (DIRS) {
                DIRS.add(dir);
            }
            // Sync off here only to keep the property runs fast; durability has its own IT.
            return RocksDbKeyValueStore.builder(dir).syncWrites(false).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The contract's examples run on JUnit Jupiter and its properties on jqwik, and each engine calls
     * only its own hook: both delete the directories made so far.
     */
    @AfterAll
    @AfterContainer
    static void deleteDirs() throws IOException {
        List<Path> made;
        synchronized (DIRS) {
            made = List.copyOf(DIRS);
            DIRS.clear();
        }
        for (Path d : made) {
            FileTrees.delete(d);
        }
    }
}
