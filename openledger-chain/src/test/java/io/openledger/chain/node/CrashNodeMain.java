package io.openledger.chain.node;

import java.nio.file.Path;
import java.time.Duration;

/** A node process for {@link CrashRecoveryIT}: dev mode, RocksDB at args[0], blocks every 100 ms. */
public final class CrashNodeMain {
    private CrashNodeMain() {}

    public static void main(String[] args) throws InterruptedException {
        L2Node node = L2Node.builder()
                .dev(true)
                .datadir(Path.of(args[0]))
                .blockTime(Duration.ofMillis(100))
                .rpcPort(0)
                .build();
        System.out.println("PORT " + node.rpcPort());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
