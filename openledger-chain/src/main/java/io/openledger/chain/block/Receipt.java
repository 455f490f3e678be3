package io.openledger.chain.block;

import io.openledger.chain.internal.RlpFields;
import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.rlp.RlpException;
import io.openledger.chain.rlp.RlpItem;
import io.openledger.chain.rlp.RlpList;
import io.openledger.chain.tx.TransactionType;
import io.openledger.core.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A post-Byzantium transaction receipt (EIP-658 status): {@code rlp([status, cumulativeGasUsed,
 * logsBloom, logs])}, prefixed by the type byte for typed transactions (EIP-2718). OP Stack deposit
 * receipts append {@code depositNonce} (Regolith on) and {@code depositReceiptVersion} (Canyon on, =
 * 1). Immutable.
 *
 * @param type the type of the transaction this receipt is for
 * @param success EIP-658 status: true = 1
 * @param cumulativeGasUsed gas used in the block up to and including this transaction (unsigned)
 * @param logsBloom bloom of {@code logs}
 * @param logs the logs (an unmodifiable copy)
 * @param depositNonce the deposit sender's nonce before execution (deposit receipts only)
 * @param depositReceiptVersion 1 from Canyon (deposit receipts with a nonce only)
 */
public record Receipt(
        TransactionType type,
        boolean success,
        long cumulativeGasUsed,
        LogsBloom logsBloom,
        List<Log> logs,
        OptionalLong depositNonce,
        OptionalLong depositReceiptVersion) {
    /**
     * Checks the deposit fields.
     *
     * @throws IllegalArgumentException if deposit fields appear on a non-deposit receipt, or a version without a nonce
     */
    public Receipt {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(logsBloom, "logsBloom");
        logs = List.copyOf(logs);
        if (type != TransactionType.DEPOSIT && depositNonce.isPresent()) {
            throw new IllegalArgumentException("depositNonce is only for deposit receipts");
        }
        if (depositReceiptVersion.isPresent() && depositNonce.isEmpty()) {
            throw new IllegalArgumentException("depositReceiptVersion needs depositNonce");
        }
    }

    /** A receipt whose bloom is computed from {@code logs}. */
    public static Receipt of(TransactionType type, boolean success, long cumulativeGasUsed, List<Log> logs) {
        return new Receipt(
                type, success, cumulativeGasUsed, LogsBloom.of(logs), logs, OptionalLong.empty(), OptionalLong.empty());
    }

    /** A Canyon-or-later deposit receipt (version 1) with its bloom computed. */
    public static Receipt deposit(boolean success, long cumulativeGasUsed, List<Log> logs, long depositNonce) {
        return new Receipt(
                TransactionType.DEPOSIT,
                success,
                cumulativeGasUsed,
                LogsBloom.of(logs),
                logs,
                OptionalLong.of(depositNonce),
                OptionalLong.of(1));
    }

    /** The consensus encoding (what the receipts trie holds). */
    public Bytes encode() {
        List<Bytes> encodedLogs = new ArrayList<>(logs.size());
        for (Log l : logs) {
            encodedLogs.add(l.encode());
        }
        RlpFields f = new RlpFields()
                .bytes(success ? Bytes.of((byte) 1) : Bytes.EMPTY)
                .uint(cumulativeGasUsed)
                .bytes(logsBloom.bytes())
                .raw(Rlp.encodeList(encodedLogs));
        depositNonce.ifPresent(f::uint);
        depositReceiptVersion.ifPresent(f::uint);
        return type == TransactionType.LEGACY ? f.list() : f.typed(type.id());
    }

    /**
     * Decodes the consensus encoding strictly.
     *
     * @throws RlpException on malformed input, naming the byte offset
     */
    public static Receipt decode(Bytes encoded) {
        if (encoded.isEmpty()) {
            throw new RlpException(0, "empty receipt");
        }
        int first = encoded.getUnsigned(0);
        TransactionType type = TransactionType.LEGACY;
        Bytes body = encoded;
        if (first < 0x80) {
            type = TransactionType.of(first)
                    .orElseThrow(() -> new RlpException(0, "unknown receipt type 0x" + Integer.toHexString(first)));
            body = encoded.slice(1);
        }
        RlpList l = Rlp.decode(body).asList("receipt");
        int max = type == TransactionType.DEPOSIT ? 6 : 4;
        if (l.size() < 4 || l.size() > max) {
            throw new RlpException(
                    l.position(),
                    "a " + type + " receipt has 4" + (max > 4 ? " to 6" : "") + " fields, got " + l.size());
        }
        Bytes status = l.get(0).asString("status").bytes();
        if (!(status.isEmpty() || (status.size() == 1 && status.get(0) == 1))) {
            throw new RlpException(
                    l.get(0).position(), "status must be 0x80 or 0x01 (pre-Byzantium state roots are not supported)");
        }
        List<Log> logs = new ArrayList<>();
        for (RlpItem i : l.get(3).asList("logs").items()) {
            logs.add(Log.decode(i));
        }
        Bytes bloom = l.get(2).asString("logsBloom").bytes();
        if (bloom.size() != LogsBloom.SIZE) {
            throw new RlpException(l.get(2).position(), "logsBloom must be 256 bytes, got " + bloom.size());
        }
        return new Receipt(
                type,
                !status.isEmpty(),
                l.get(1).asString("cumulativeGasUsed").asLong("cumulativeGasUsed"),
                LogsBloom.of(bloom),
                logs,
                l.size() > 4
                        ? OptionalLong.of(l.get(4).asString("depositNonce").asLong("depositNonce"))
                        : OptionalLong.empty(),
                l.size() > 5
                        ? OptionalLong.of(
                                l.get(5).asString("depositReceiptVersion").asLong("depositReceiptVersion"))
                        : OptionalLong.empty());
    }
}
