package io.openledger.datanet;

import io.openledger.core.Bytes;
import io.openledger.core.DatanetId;
import io.openledger.core.ManualClock;
import io.openledger.core.contract.InMemoryAnchorContract;
import io.openledger.core.crypto.PrivateKey;
import io.openledger.core.store.KeyValueIterator;
import io.openledger.core.store.KeyValueStore;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Shared test fixtures: deterministic keys and a service on a manual clock. */
final class Fx {
    static final DatanetId DN = DatanetId.of("medical-qa");

    private Fx() {}

    /** The deterministic key number {@code n} (n >= 1). */
    static PrivateKey key(int n) {
        return PrivateKey.of(Bytes.fromHex(String.format("%064x", 0x1000L + n)));
    }

    static final PrivateKey OWNER = key(1);
    static final PrivateKey CURATOR = key(2);
    static final PrivateKey ALICE = key(3);
    static final PrivateKey BOB = key(4);
    static final PrivateKey MALLORY = key(5);

    static DatanetService service(KeyValueStore store) {
        return service(store, DatanetConfig.defaults());
    }

    static DatanetService service(KeyValueStore store, DatanetConfig config) {
        ManualClock clock = new ManualClock();
        return DatanetService.builder()
                .store(store)
                .clock(clock)
                .anchorContract(new InMemoryAnchorContract(clock))
                .config(config)
                .build();
    }

    static DatanetInfo create(DatanetService s) {
        return s.create(NewDatanet.builder(DN, OWNER.address())
                .name("Medical Q&A")
                .description("Questions and answers")
                .tags("medical", "qa")
                .curator(CURATOR.address())
                .build());
    }

    static SourceFile txt(String name, String... paragraphs) {
        return SourceFile.text(name, String.join("\n\n", paragraphs) + "\n");
    }

    static List<SourceFile> one(SourceFile f) {
        return List.of(f);
    }

    /** Every entry of the store, for before/after comparisons. */
    static Map<Bytes, Bytes> dump(KeyValueStore store) {
        Map<Bytes, Bytes> out = new TreeMap<>();
        try (KeyValueIterator it = store.scan(Bytes.EMPTY)) {
            while (it.hasNext()) {
                var kv = it.next();
                out.put(kv.key(), kv.value());
            }
        }
        return out;
    }
}
