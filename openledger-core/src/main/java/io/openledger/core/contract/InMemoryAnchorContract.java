package io.openledger.core.contract;

import io.openledger.core.Address;
import io.openledger.core.Bytes;
import io.openledger.core.Clock;
import io.openledger.core.DatanetId;
import io.openledger.core.crypto.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded default {@link AnchorContract}: keeps anchors in memory. The first address to anchor
 * a datanet becomes its owner. Thread-safe.
 */
public final class InMemoryAnchorContract implements AnchorContract {
    private record Key(DatanetId datanet, long version) {}

    private final Clock clock;
    private final Map<Key, AnchorReceipt> anchors = new ConcurrentHashMap<>();
    private final Map<DatanetId, Address> owners = new ConcurrentHashMap<>();

    /** A contract with the given clock. */
    public InMemoryAnchorContract(Clock clock) {
        this.clock = clock;
    }

    /** A contract on the system clock. */
    public InMemoryAnchorContract() {
        this(Clock.system());
    }

    @Override
    public synchronized AnchorReceipt anchor(DatanetVersionRef v, Address owner) {
        Address registered = owners.putIfAbsent(v.datanet(), owner);
        if (registered != null && !registered.equals(owner)) {
            throw new AnchorRejectedException(
                    "datanet " + v.datanet() + " is owned by " + registered + ", not " + owner);
        }
        Key key = new Key(v.datanet(), v.version());
        AnchorReceipt existing = anchors.get(key);
        if (existing != null) {
            if (!existing.version().root().equals(v.root())) {
                throw new AnchorRejectedException("version " + v.version() + " of " + v.datanet()
                        + " is already anchored with root " + existing.version().root());
            }
            return existing;
        }
        var ref = Hashing.keccak256(
                Bytes.wrap((v.datanet() + "#" + v.version()).getBytes(StandardCharsets.UTF_8)),
                v.root().bytes());
        AnchorReceipt r = new AnchorReceipt(v, owner, clock.now(), "memory", ref);
        anchors.put(key, r);
        return r;
    }

    @Override
    public Optional<AnchorReceipt> lookup(DatanetId datanet, long version) {
        return Optional.ofNullable(anchors.get(new Key(datanet, version)));
    }
}
