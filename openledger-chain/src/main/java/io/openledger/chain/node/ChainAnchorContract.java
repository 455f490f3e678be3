package io.openledger.chain.node;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.chain.block.Log;
import io.openledger.chain.tx.DynamicFeeTransaction;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;
import io.openledger.core.contract.AnchorContract;
import io.openledger.core.contract.AnchorReceipt;
import io.openledger.core.contract.AnchorRejectedException;
import io.openledger.core.contract.DatanetVersionRef;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.crypto.PrivateKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The core {@link AnchorContract} on the L2: {@link #anchor} sends a signed {@code
 * DatanetRegistry.anchor(bytes32 datanetId, uint64 version, bytes32 root)} transaction from the owner
 * (whose key {@code keys} must supply), seals a block so that it can return the receipt, and {@link
 * #lookup} reads the registry. A datanet id is put on chain as {@code keccak256(utf8(id))}.
 * Thread-safe.
 */
public final class ChainAnchorContract implements AnchorContract {
    static final Hash ANCHORED_TOPIC =
            Hashing.keccak256(Bytes.utf8("DatanetVersionAnchored(bytes32,uint64,bytes32,address)"));
    private final L2Node node;
    private final Function<Address, Optional<PrivateKey>> keys;

    /** Anchors on {@code node}, signing with the keys {@code keys} returns for owners. */
    public ChainAnchorContract(L2Node node, Function<Address, Optional<PrivateKey>> keys) {
        this.node = Objects.requireNonNull(node, "node");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /**
     * {@code existing}, the receipt of {@code version}'s number if it is anchored, when its root is
     * {@code version}'s (anchoring it again is then a no-op).
     *
     * @throws AnchorRejectedException if that number is anchored with another root
     */
    static Optional<AnchorReceipt> sameAnchor(Optional<AnchorReceipt> existing, DatanetVersionRef version) {
        if (existing.isPresent() && !existing.get().version().root().equals(version.root())) {
            throw new AnchorRejectedException(
                    "version " + version.version() + " of " + version.datanet() + " is already anchored with root "
                            + existing.get().version().root());
        }
        return existing;
    }

    /** Priority fee an anchor transaction offers, in wei. */
    static final Amount ANCHOR_TIP = Amount.of(1_000_000L);

    /** Gas an anchor transaction may use (it needs about 70,000). */
    static final long ANCHOR_GAS = 200_000;

    /**
     * The signed {@code DatanetRegistry.anchor(datanetId, version, root)} transaction of {@code
     * version} from {@code key}'s account, offering twice {@code baseFee} plus {@link #ANCHOR_TIP}.
     */
    static Bytes anchorTransaction(
            DatanetVersionRef version, long chainId, long nonce, Amount baseFee, PrivateKey key) {
        Bytes data = Abi.encodeCall(
                "anchor(bytes32,uint64,bytes32)",
                List.of(
                        new AbiValue.FixedBytes(chainId(version.datanet()).bytes()),
                        AbiValue.Uint.of(version.version()),
                        new AbiValue.FixedBytes(version.root().bytes())));
        return DynamicFeeTransaction.call(
                        chainId,
                        nonce,
                        ANCHOR_TIP,
                        baseFee.mul(2).add(ANCHOR_TIP),
                        ANCHOR_GAS,
                        SystemAddresses.DATANET_REGISTRY,
                        Amount.ZERO,
                        data)
                .sign(key)
                .encode();
    }

    /** The arguments that name version {@code version} of {@code datanet} in the registry's views. */
    static List<AbiValue> versionArgs(DatanetId datanet, long version) {
        return List.of(new AbiValue.FixedBytes(chainId(datanet).bytes()), AbiValue.Uint.of(version));
    }

    /** The bytes32 a datanet id is registered under. */
    public static Hash chainId(DatanetId datanet) {
        return Hashing.keccak256(Bytes.utf8(datanet.value()));
    }

    @Override
    public synchronized AnchorReceipt anchor(DatanetVersionRef version, Address owner) {
        PrivateKey key =
                keys.apply(owner).orElseThrow(() -> new AnchorRejectedException("no signing key for owner " + owner));
        Optional<AnchorReceipt> existing = sameAnchor(lookup(version.datanet(), version.version()), version);
        if (existing.isPresent()) {
            return existing.get();
        }
        Bytes raw = anchorTransaction(version, node.chainId(), node.pendingNonce(owner), node.nextBaseFee(), key);
        Hash tx;
        try {
            tx = node.submit(raw);
        } catch (RpcException e) {
            throw new AnchorRejectedException("anchor transaction refused: " + e.getMessage());
        }
        node.seal();
        Map.Entry<L2Block, Integer> at = node.locate(tx)
                .orElseThrow(() -> new AnchorRejectedException("anchor transaction " + tx + " was not included"));
        if (!at.getKey().receipts().get(at.getValue()).success()) {
            Address registered = Address.of(node.call(
                            owner,
                            SystemAddresses.DATANET_REGISTRY,
                            Abi.encodeCall(
                                    "ownerOf(bytes32)",
                                    List.of(new AbiValue.FixedBytes(
                                            chainId(version.datanet()).bytes()))))
                    .slice(12));
            throw new AnchorRejectedException(
                    "datanet " + version.datanet() + " is owned by " + registered + ", not " + owner);
        }
        return new AnchorReceipt(
                version, owner, Instant.ofEpochSecond(at.getKey().header().timestamp()), "l2:" + tx, tx);
    }

    @Override
    public Optional<AnchorReceipt> lookup(DatanetId datanet, long version) {
        Hash id = chainId(datanet);
        List<AbiValue> args = versionArgs(datanet, version);
        Bytes root = node.call(
                Address.ZERO, SystemAddresses.DATANET_REGISTRY, Abi.encodeCall("rootOf(bytes32,uint64)", args));
        if (Hash.of(root).equals(Hash.ZERO)) {
            return Optional.empty();
        }
        long blockNumber = Amount.fromBytes32(node.call(
                        Address.ZERO,
                        SystemAddresses.DATANET_REGISTRY,
                        Abi.encodeCall("anchoredAt(bytes32,uint64)", args)))
                .longValueExact();
        L2Block block = node.block(blockNumber).orElseThrow();
        Hash versionTopic = Hash.of(Amount.of(version).toBytes32());
        for (int i = 0; i < block.receipts().size(); i++) {
            for (Log l : block.receipts().get(i).logs()) {
                if (l.address().equals(SystemAddresses.DATANET_REGISTRY)
                        && l.topics().size() == 4
                        && l.topics().get(0).equals(ANCHORED_TOPIC)
                        && l.topics().get(1).equals(id)
                        && l.topics().get(2).equals(versionTopic)) {
                    Hash tx = block.transactions().get(i).hash();
                    Address owner = Address.of(l.topics().get(3).bytes().slice(12));
                    return Optional.of(new AnchorReceipt(
                            new DatanetVersionRef(datanet, version, Hash.of(root)),
                            owner,
                            Instant.ofEpochSecond(block.header().timestamp()),
                            "l2:" + tx,
                            tx));
                }
            }
        }
        return Optional.empty();
    }
}
