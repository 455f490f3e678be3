package io.openledger.sample;

import io.openledger.core.Bytes;
import io.openledger.core.Clock;
import io.openledger.core.contract.AnchorContract;
import io.openledger.core.contract.InMemoryAnchorContract;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.core.store.KeyValueStore;

/**
 * How a host composes OpenLedger: every collaborator is built once at the edge and handed in
 * through constructors, so a DI container (Spring, Guice, Dagger) or plain code can wire it.
 */
public final class HostApplication {
    private final KeyValueStore store;
    private final AnchorContract anchors;
    private final Clock clock;

    /** The host with its collaborators handed in. */
    public HostApplication(KeyValueStore store, AnchorContract anchors, Clock clock) {
        this.store = store;
        this.anchors = anchors;
        this.clock = clock;
    }

    /** Records that the host started, in its own store. */
    public void start() {
        store.put(Bytes.utf8("host/started"), Bytes.utf8(clock.now().toString()));
    }

    /** The anchoring contract the host was given. */
    public AnchorContract anchors() {
        return anchors;
    }

    /** Wires the embedded defaults by hand, as a DI container would. */
    public static void main(String[] args) {
        Clock clock = Clock.system();
        try (KeyValueStore store = new InMemoryKeyValueStore()) {
            HostApplication app = new HostApplication(store, new InMemoryAnchorContract(clock), clock);
            app.start();
            System.out.println("host started at "
                    + store.get(Bytes.utf8("host/started"))
                            .map(b -> new String(b.toArray(), java.nio.charset.StandardCharsets.UTF_8))
                            .orElseThrow());
        }
    }
}
