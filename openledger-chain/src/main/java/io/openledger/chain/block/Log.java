package io.openledger.chain.block;

import io.openledger.chain.internal.RlpFields;
import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.rlp.RlpItem;
import io.openledger.chain.rlp.RlpList;
import io.openledger.core.Address;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An EVM log: {@code rlp([address, [topic…], data])}. Immutable.
 *
 * @param address the emitting contract
 * @param topics up to four indexed topics (an unmodifiable copy)
 * @param data the non-indexed data
 */
public record Log(Address address, List<Hash> topics, Bytes data) {
    /**
     * Checks the topic count.
     *
     * @throws IllegalArgumentException with more than four topics
     */
    public Log {
        Objects.requireNonNull(address, "address");
        topics = List.copyOf(topics);
        Objects.requireNonNull(data, "data");
        if (topics.size() > 4) {
            throw new IllegalArgumentException("a log has at most 4 topics, got " + topics.size());
        }
    }

    /** The RLP encoding. */
    public Bytes encode() {
        return new RlpFields().bytes(address.bytes()).hashes(topics).bytes(data).list();
    }

    /**
     * Decodes a log from its RLP item.
     *
     * @throws io.openledger.chain.rlp.RlpException if it is not {@code [address, [topics], data]}
     */
    public static Log decode(RlpItem item) {
        RlpList l = item.asList("log").requireSize("log", 3);
        List<Hash> topics = new ArrayList<>();
        for (RlpItem t : l.get(1).asList("log topics").items()) {
            topics.add(t.asString("topic").asHash("topic"));
        }
        if (topics.size() > 4) {
            throw new io.openledger.chain.rlp.RlpException(l.get(1).position(), "a log has at most 4 topics");
        }
        return new Log(
                l.get(0).asString("log address").asAddress("log address"),
                topics,
                l.get(2).asString("log data").bytes());
    }

    /** Decodes a log from bytes. */
    public static Log decode(Bytes encoded) {
        return decode(Rlp.decode(encoded));
    }
}
