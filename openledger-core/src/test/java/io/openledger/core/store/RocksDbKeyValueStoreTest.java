package io.openledger.core.store;

import io.openledger.core.testing.KeyValueStoreContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
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

    @AfterAll
    static void deleteDirs() throws IOException {
        for (Path d : DIRS) {
            try (Stream<Path> s = Files.walk(d)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
