package io.openledger.chain.internal.node;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.block.Log;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import io.openledger.token.TransferId;
import io.openledger.token.TransferIds;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** One call into a system contract: who, what, how much, and where its logs and gas go. Not thread-safe. */
final class CallContext {
    /**
     * What all calls of one transaction share: its hash (the seed of the ids of ledger transfers the
     * token module makes up, so that replicas and replays record the same ids) and the next counter.
     */
    static final class TxScope {
        private final Supplier<Hash> hash;
        private @Nullable Hash cached;
        private long next;

        TxScope(Supplier<Hash> hash) {
            this.hash = hash;
        }

        Hash hash() {
            Hash h = cached;
            if (h == null) {
                h = hash.get();
                cached = h;
            }
            return h;
        }

        /** Transfer ids keccak("openledger/l2/transfer" ‖ tx hash ‖ uint64 k) for k = 0, 1, … across the transaction. */
        TransferIds transferIds() {
            return () -> TransferId.derive(
                    "openledger/l2/transfer", hash().bytes(), Amount.of(next++).toBytes32());
        }
    }

    /** Runs a nested call from a system contract (Governance executing a proposal's calls). */
    interface NestedCalls {
        /** Calls {@code to} with {@code data} as {@code from} within {@code parent}'s transaction; reverts propagate. */
        Bytes call(CallContext parent, Address from, Address to, Bytes data);
    }

    final WorldState state;
    final Address sender;
    final Address self;
    final Amount value;
    final Bytes data;
    final long blockNumber;
    final long timestamp;
    final List<Log> logs = new ArrayList<>();
    final TxScope tx;
    final NestedCalls nested;
    long gasUsed;
    Bytes output = Bytes.EMPTY;

    CallContext(
            WorldState state,
            Address sender,
            Address self,
            Amount value,
            Bytes data,
            long blockNumber,
            long timestamp,
            TxScope tx,
            NestedCalls nested) {
        this.tx = tx;
        this.nested = nested;
        this.state = state;
        this.sender = sender;
        this.self = self;
        this.value = value;
        this.data = data;
        this.blockNumber = blockNumber;
        this.timestamp = timestamp;
    }

    AbiReader args() {
        return new AbiReader(data.slice(4));
    }

    void gas(long g) {
        gasUsed += g;
    }

    /** Emits a log whose topic0 is keccak256 of the canonical event signature. */
    void emit(String signature, List<Hash> indexed, Bytes body) {
        List<Hash> topics = new ArrayList<>();
        topics.add(Hashing.keccak256(Bytes.utf8(signature)));
        topics.addAll(indexed);
        logs.add(new Log(self, topics, body));
        gas(375L * (topics.size() + 1) + 8L * body.size());
    }

    void requireNoValue() {
        if (!value.isZero()) {
            throw new Revert("function is not payable");
        }
    }

    /** Moves native OPEN held by this contract to {@code to}. */
    void pay(Address to, Amount amount) {
        if (amount.isZero()) {
            return;
        }
        if (state.balance(self).lessThan(amount)) {
            throw new Revert("contract balance too low");
        }
        state.subBalance(self, amount);
        state.addBalance(to, amount);
    }

    Bytes storage(Hash slot) {
        gas(2_100);
        return state.storage(self, slot);
    }

    void store(Hash slot, Bytes value) {
        gas(value.isEmpty() ? 2_900 : 20_000);
        state.setStorage(self, slot, value);
    }

    static Hash slot(String name, Bytes... keys) {
        return Hashing.keccak256(Bytes.concat(Bytes.utf8(name), Bytes.concat(keys)));
    }

    static Bytes word(long v) {
        return Amount.of(v).toBytes32();
    }

    static Bytes word(Address a) {
        return Bytes.concat(Bytes.wrap(new byte[12]), a.bytes());
    }

    static Hash topic(Address a) {
        return Hash.of(word(a));
    }

    static Hash topic(long v) {
        return Hash.of(word(v));
    }

    static long asLong(Bytes stored) {
        return stored.isEmpty() ? 0 : Amount.fromUnsignedBytes(stored).longValueExact();
    }

    static Amount asAmount(Bytes stored) {
        return stored.isEmpty() ? Amount.ZERO : Amount.fromUnsignedBytes(stored);
    }

    static Bytes encode(io.openledger.chain.abi.AbiValue... values) {
        return Abi.encode(values);
    }
}
