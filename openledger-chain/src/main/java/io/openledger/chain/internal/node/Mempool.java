package io.openledger.chain.internal.node;

import io.openledger.chain.node.RpcException;
import io.openledger.chain.tx.Transaction;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * Pending signed transactions by sender and nonce. A transaction with the nonce of a pending one
 * replaces it only if both its fee cap and tip are at least 10% higher (geth's default price bump);
 * a sender may hold {@code perSender} transactions and the pool {@code capacity}. Not thread-safe.
 */
final class Mempool {
    /** One pending transaction with its recovered sender. */
    record Pending(Transaction tx, Bytes raw, Address sender, Hash hash) {}

    private final int perSender;
    private final int capacity;
    private final Map<Address, TreeMap<Long, Pending>> bySender = new LinkedHashMap<>();
    private final Map<Hash, Pending> byHash = new HashMap<>();

    Mempool(int perSender, int capacity) {
        this.perSender = perSender;
        this.capacity = capacity;
    }

    int size() {
        return byHash.size();
    }

    Optional<Pending> get(Hash h) {
        return Optional.ofNullable(byHash.get(h));
    }

    /** The next nonce counting consecutive pending transactions after {@code stateNonce}. */
    long pendingNonce(Address sender, long stateNonce) {
        TreeMap<Long, Pending> m = bySender.get(sender);
        long n = stateNonce;
        while (m != null && m.containsKey(n)) {
            n++;
        }
        return n;
    }

    /**
     * Adds {@code p}.
     *
     * @throws RpcException "already known", "replacement transaction underpriced", "txpool is full"
     */
    void add(Pending p) {
        if (byHash.containsKey(p.hash())) {
            throw new RpcException(RpcException.SERVER_ERROR, "already known");
        }
        TreeMap<Long, Pending> m = bySender.computeIfAbsent(p.sender(), k -> new TreeMap<>());
        Pending old = m.get(p.tx().nonce());
        if (old != null) {
            if (!bumped(Executor.feeCap(old.tx()), Executor.feeCap(p.tx()))
                    || !bumped(Executor.tipCap(old.tx()), Executor.tipCap(p.tx()))) {
                throw new RpcException(RpcException.SERVER_ERROR, "replacement transaction underpriced");
            }
            byHash.remove(old.hash());
        } else {
            if (m.size() >= perSender) {
                throw new RpcException(
                        RpcException.SERVER_ERROR, "txpool is full: sender has " + perSender + " pending transactions");
            }
            if (byHash.size() >= capacity) {
                throw new RpcException(RpcException.SERVER_ERROR, "txpool is full");
            }
        }
        m.put(p.tx().nonce(), p);
        byHash.put(p.hash(), p);
    }

    private static boolean bumped(Amount old, Amount next) {
        return next.mul(100).compareTo(old.mul(110)) >= 0;
    }

    /** Executable transactions: for each sender, consecutive nonces from its state nonce. */
    List<Pending> executable(ToLongFunction<Address> stateNonce) {
        List<Pending> out = new ArrayList<>();
        for (Map.Entry<Address, TreeMap<Long, Pending>> e : bySender.entrySet()) {
            long n = stateNonce.applyAsLong(e.getKey());
            for (Pending p : e.getValue().tailMap(n, true).values()) {
                if (p.tx().nonce() != n) {
                    break;
                }
                out.add(p);
                n++;
            }
        }
        return out;
    }

    void remove(Pending p) {
        TreeMap<Long, Pending> m = bySender.get(p.sender());
        if (m != null && m.remove(p.tx().nonce(), p)) {
            byHash.remove(p.hash());
            if (m.isEmpty()) {
                bySender.remove(p.sender());
            }
        }
    }

    /** Drops every transaction whose nonce is below its sender's state nonce. */
    void prune(ToLongFunction<Address> stateNonce) {
        Iterator<Map.Entry<Address, TreeMap<Long, Pending>>> it =
                bySender.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Address, TreeMap<Long, Pending>> e = it.next();
            Map<Long, Pending> stale = e.getValue().headMap(stateNonce.applyAsLong(e.getKey()), false);
            for (Pending p : stale.values()) {
                byHash.remove(p.hash());
            }
            stale.clear();
            if (e.getValue().isEmpty()) {
                it.remove();
            }
        }
    }
}
