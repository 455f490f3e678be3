package io.openledger.chain.internal.node;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.chain.node.SystemAddresses;
import io.openledger.core.Address;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.util.List;

/**
 * ModelRegistry: models and adapters with their base model, adapter content hash, the datanet version
 * roots they were trained on and a metadata URI; the registering sender owns the model, adds
 * versions and may transfer ownership.
 */
final class ModelRegistryContract extends SystemContract {
    static final int MAX_DATANETS = 64;

    ModelRegistryContract() {
        function("registerModel(bytes32,bytes32,bytes32[],string)", this::register);
        function("addVersion(uint256,bytes32,bytes32[],string)", this::addVersion);
        function("transferOwnership(uint256,address)", this::transferOwnership);
        function(
                "ownerOf(uint256)",
                c -> CallContext.word(ownerOf(c.state, c.args().uint64(0))));
        function(
                "versionCount(uint256)",
                c -> CallContext.word(versions(c, c.args().uint64(0))));
        function("modelCount()", c -> CallContext.word(CallContext.asLong(c.storage(COUNT))));
        function("adapterHashOf(uint256,uint256)", c -> {
            AbiReader a = c.args();
            return c.storage(CallContext.slot("adapter", CallContext.word(a.uint64(0)), CallContext.word(a.uint64(1))));
        });
    }

    private static final Hash COUNT = CallContext.slot("model/count");

    @Override
    Address address() {
        return SystemAddresses.MODEL_REGISTRY;
    }

    @Override
    String name() {
        return "ModelRegistry";
    }

    static Address ownerOf(WorldState state, long modelId) {
        Bytes v = state.storage(SystemAddresses.MODEL_REGISTRY, CallContext.slot("owner", CallContext.word(modelId)));
        return v.isEmpty() ? Address.ZERO : Address.of(v);
    }

    private long versions(CallContext c, long id) {
        return CallContext.asLong(c.storage(CallContext.slot("versions", CallContext.word(id))));
    }

    private Bytes register(CallContext c) {
        c.requireNoValue();
        AbiReader a = c.args();
        Hash base = a.bytes32(0);
        Hash adapter = a.bytes32(1);
        List<Hash> datanets = a.bytes32Array(2, MAX_DATANETS);
        String uri = a.string(3);
        long id = CallContext.asLong(c.storage(COUNT)) + 1;
        c.store(COUNT, Rlpish.minimal(id));
        c.store(CallContext.slot("owner", CallContext.word(id)), c.sender.bytes());
        c.store(CallContext.slot("base", CallContext.word(id)), base.bytes());
        putVersion(c, id, 1, adapter, datanets, uri);
        c.emit(
                "ModelRegistered(uint256,address,bytes32,bytes32,bytes32[],string)",
                List.of(CallContext.topic(id), CallContext.topic(c.sender)),
                Abi.encode(
                        new AbiValue.FixedBytes(base.bytes()),
                        new AbiValue.FixedBytes(adapter.bytes()),
                        fixedArray(datanets),
                        new AbiValue.Text(uri)));
        return CallContext.word(id);
    }

    private void putVersion(CallContext c, long id, long version, Hash adapter, List<Hash> datanets, String uri) {
        c.store(CallContext.slot("versions", CallContext.word(id)), Rlpish.minimal(version));
        c.store(CallContext.slot("adapter", CallContext.word(id), CallContext.word(version)), adapter.bytes());
        c.store(
                CallContext.slot("datanets", CallContext.word(id), CallContext.word(version)),
                Bytes.concat(datanets.stream().map(Hash::bytes).toArray(Bytes[]::new)));
        if (!uri.isEmpty()) {
            c.store(CallContext.slot("uri", CallContext.word(id), CallContext.word(version)), Bytes.utf8(uri));
        }
    }

    private Bytes addVersion(CallContext c) {
        c.requireNoValue();
        AbiReader a = c.args();
        long id = a.uint64(0);
        requireOwner(c, id);
        Hash adapter = a.bytes32(1);
        List<Hash> datanets = a.bytes32Array(2, MAX_DATANETS);
        String uri = a.string(3);
        long version = versions(c, id) + 1;
        putVersion(c, id, version, adapter, datanets, uri);
        c.emit(
                "ModelVersionAdded(uint256,uint256,bytes32,string)",
                List.of(CallContext.topic(id), CallContext.topic(version)),
                Abi.encode(new AbiValue.FixedBytes(adapter.bytes()), new AbiValue.Text(uri)));
        return CallContext.word(version);
    }

    private void requireOwner(CallContext c, long id) {
        Address owner = ownerOf(c.state, id);
        if (owner.equals(Address.ZERO)) {
            throw new Revert("ModelRegistry: unknown model " + id);
        }
        if (!owner.equals(c.sender)) {
            throw new Revert("ModelRegistry: caller is not the model owner");
        }
    }

    private Bytes transferOwnership(CallContext c) {
        c.requireNoValue();
        AbiReader a = c.args();
        long id = a.uint64(0);
        Address to = a.address(1);
        requireOwner(c, id);
        if (to.equals(Address.ZERO)) {
            throw new Revert("ModelRegistry: new owner is the zero address");
        }
        c.store(CallContext.slot("owner", CallContext.word(id)), to.bytes());
        c.emit(
                "ModelOwnershipTransferred(uint256,address,address)",
                List.of(CallContext.topic(id), CallContext.topic(c.sender), CallContext.topic(to)),
                Bytes.EMPTY);
        return Bytes.EMPTY;
    }

    static AbiValue fixedArray(List<Hash> hashes) {
        return new AbiValue.DynamicArray(hashes.stream()
                .map(h -> (AbiValue) new AbiValue.FixedBytes(h.bytes()))
                .toList());
    }
}
