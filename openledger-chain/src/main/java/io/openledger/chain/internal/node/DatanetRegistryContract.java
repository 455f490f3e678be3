package io.openledger.chain.internal.node;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.chain.node.SystemAddresses;
import io.openledger.core.Address;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.util.List;

/**
 * DatanetRegistry: anchors datanet version roots. The first anchor of a datanet makes the sender its
 * owner; later versions may be anchored only by the owner. Re-anchoring a version with the same root
 * is a no-op; with another root it reverts (core {@code AnchorContract} semantics).
 */
final class DatanetRegistryContract extends SystemContract {
    DatanetRegistryContract() {
        function("anchor(bytes32,uint64,bytes32)", this::anchor);
        function(
                "ownerOf(bytes32)",
                c -> CallContext.word(owner(c.state, c.args().bytes32(0))));
        function("rootOf(bytes32,uint64)", c -> {
            AbiReader a = c.args();
            Bytes r = c.storage(rootSlot(a.bytes32(0), a.uint64(1)));
            return r.isEmpty() ? Hash.ZERO.bytes() : r;
        });
        function("anchoredAt(bytes32,uint64)", c -> {
            AbiReader a = c.args();
            return CallContext.word(CallContext.asLong(c.storage(atSlot(a.bytes32(0), a.uint64(1)))));
        });
    }

    @Override
    Address address() {
        return SystemAddresses.DATANET_REGISTRY;
    }

    @Override
    String name() {
        return "DatanetRegistry";
    }

    static Hash rootSlot(Hash datanet, long version) {
        return CallContext.slot("root", datanet.bytes(), CallContext.word(version));
    }

    static Hash atSlot(Hash datanet, long version) {
        return CallContext.slot("at", datanet.bytes(), CallContext.word(version));
    }

    static Address owner(WorldState s, Hash datanet) {
        Bytes v = s.storage(SystemAddresses.DATANET_REGISTRY, CallContext.slot("owner", datanet.bytes()));
        return v.isEmpty() ? Address.ZERO : Address.of(v);
    }

    private Bytes anchor(CallContext c) {
        c.requireNoValue();
        AbiReader a = c.args();
        Hash datanet = a.bytes32(0);
        long version = a.uint64(1);
        Hash root = a.bytes32(2);
        Address owner = owner(c.state, datanet);
        if (owner.equals(Address.ZERO)) {
            c.store(CallContext.slot("owner", datanet.bytes()), c.sender.bytes());
        } else if (!owner.equals(c.sender)) {
            throw new Revert("DatanetRegistry: caller is not the datanet owner");
        }
        Bytes existing = c.storage(rootSlot(datanet, version));
        if (!existing.isEmpty()) {
            if (existing.equals(root.bytes())) {
                return Bytes.EMPTY;
            }
            throw new Revert("DatanetRegistry: version already anchored with another root");
        }
        c.store(rootSlot(datanet, version), root.bytes());
        c.store(atSlot(datanet, version), Rlpish.minimal(c.blockNumber));
        c.emit(
                "DatanetVersionAnchored(bytes32,uint64,bytes32,address)",
                List.of(datanet, CallContext.topic(version), CallContext.topic(c.sender)),
                Abi.encode(new AbiValue.FixedBytes(root.bytes())));
        return Bytes.EMPTY;
    }
}
