package io.openledger.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.Bytes;
import io.openledger.core.testing.KilledChildren;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability under {@code kill -9}: a child JVM writes synced batches and acknowledges each on
 * stdout; the parent kills it mid-stream without warning, reopens the store, and checks that every
 * acknowledged batch is there, intact, and that no batch is half-applied.
 */
class RocksDbCrashIT {
    static final int KEYS_PER_BATCH = 8;

    /** The child: writes batch after batch until killed. */
    public static final class Child {
        public static void main(String[] args) {
            try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(Path.of(args[0]))) {
                for (int b = 0; ; b++) {
                    WriteBatch batch = new WriteBatch();
                    for (int k = 0; k < KEYS_PER_BATCH; k++) {
                        batch.put(key(b, k), value(b, k));
                    }
                    store.write(batch);
                    System.out.println("ack " + b);
                    System.out.flush();
                }
            }
        }
    }

    static Bytes key(int batch, int k) {
        return Bytes.utf8(String.format("b%08d/k%02d", batch, k));
    }

    static Bytes value(int batch, int k) {
        return Bytes.utf8("value of " + batch + "." + k + " ".repeat(k * 10));
    }

    @Test
    void acknowledgedBatchesSurviveKillMinus9(@TempDir Path dir) throws Exception {
        for (int round = 0; round < 3; round++) {
            Path db = dir.resolve("db" + round);
            int acked = runAndKill(db, 40 + 70 * round);
            assertThat(acked).isGreaterThanOrEqualTo(40 + 70 * round);
            try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(db)) {
                for (int b = 0; b <= acked; b++) {
                    for (int k = 0; k < KEYS_PER_BATCH; k++) {
                        assertThat(store.get(key(b, k)))
                                .as("batch %d key %d", b, k)
                                .contains(value(b, k));
                    }
                }
                // Whatever was written past the last ack is all there or all absent, batch by batch.
                List<String> keys = new ArrayList<>();
                try (KeyValueIterator it = store.scan(Bytes.utf8("b"))) {
                    it.forEachRemaining(kv -> keys.add(new String(kv.key().toArray(), StandardCharsets.UTF_8)));
                }
                assertThat(keys.size() % KEYS_PER_BATCH).as("no half batch").isZero();
            }
        }
    }

    private static int runAndKill(Path db, int killAfter) throws Exception {
        String cp =
                System.getProperty("java.class.path") + File.pathSeparator + System.getProperty("jdk.module.path", "");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = KilledChildren.sharingRocksDbLibrary(new ProcessBuilder(
                                java,
                                "--enable-native-access=ALL-UNNAMED",
                                "-cp",
                                cp,
                                Child.class.getName(),
                                db.toString())
                        .redirectError(ProcessBuilder.Redirect.INHERIT))
                .start();
        int last = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("ack ")) {
                    last = Integer.parseInt(line.substring(4));
                    if (last >= killAfter) {
                        p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close
                        break;
                    }
                }
            }
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("killed by signal 9").isEqualTo(137);
        assertThat(Files.isDirectory(db)).isTrue();
        return last;
    }
}
