package io.openledger.datanet.internal;

import io.openledger.core.Bytes;
import io.openledger.core.DatanetId;
import io.openledger.core.Hash;

/**
 * Store keys, all under {@code "datanet/"}. A datanet id may contain {@code '/'}, so per-datanet
 * prefixes end in a NUL byte, which ids cannot contain: no datanet's keys are a prefix scan away
 * from another's. Hex record and contribution ids keep scans in id order.
 */
final class Keys {
    private Keys() {}

    static final Bytes META_PREFIX = Bytes.utf8("datanet/d/");

    static Bytes meta(DatanetId id) {
        return Bytes.utf8("datanet/d/" + id.value());
    }

    static Bytes head(DatanetId id) {
        return Bytes.utf8("datanet/h/" + id.value());
    }

    static Bytes contributions(DatanetId id) {
        return Bytes.utf8("datanet/c/" + id.value() + "\0");
    }

    static Bytes contribution(DatanetId id, Hash c) {
        return Bytes.utf8("datanet/c/" + id.value() + "\0" + c.bytes().toUnprefixedHex());
    }

    static Bytes records(DatanetId id) {
        return Bytes.utf8("datanet/r/" + id.value() + "\0");
    }

    static Bytes record(DatanetId id, Hash r) {
        return Bytes.utf8("datanet/r/" + id.value() + "\0" + r.bytes().toUnprefixedHex());
    }

    static Bytes versions(DatanetId id) {
        return Bytes.utf8("datanet/v/" + id.value() + "\0");
    }

    static Bytes version(DatanetId id, long v) {
        return Bytes.utf8("datanet/v/" + id.value() + "\0" + String.format("%016x", v));
    }
}
