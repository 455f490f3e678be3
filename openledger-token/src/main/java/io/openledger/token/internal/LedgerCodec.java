package io.openledger.token.internal;

import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.token.Account;
import io.openledger.token.AccountBalance;
import io.openledger.token.AccountId;
import io.openledger.token.LedgerCorruptionException;
import io.openledger.token.Transfer;
import io.openledger.token.TransferId;
import io.openledger.token.TransferResult;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Binary layout of the ledger's records and keys. Every value ends with a CRC32C of the bytes before
 * it, so a damaged record is detected on read instead of silently moving money. Amounts are stored
 * as a length byte and at most 32 big-endian bytes.
 *
 * <pre>
 * tl/a/{id16}              account:  0x41 id16 ledger4 code2 flags2 userData8 dP dPo cP cPo ts8 crc4
 * tl/t/{id16}              transfer: 0x54 id16 debit16 credit16 amount pendingId16 timeout4 ledger4
 *                                    code2 flags2 userData8 ts8 crc4
 *                          or failed id: 0x46 id16 result1 crc4
 * tl/p/{id16}              pending status: one byte (PendingStatus ordinal)
 * tl/e/{expiresAt8}{id16}  expiry index of pending transfers with a timeout (empty value)
 * tl/h/{acct16}{ts8}       history: 0x48 transferId16 ts8 dP dPo cP cPo crc4
 * tl/n/{acct16}            history entries of the account: 8 bytes (absent for a store written
 *                          before the index: the first entry added after it indexes the old ones)
 * tl/k/{acct16}{k8}        the k-th history entry's ts: 8 bytes, so that the entry before a time is
 *                          found by binary search in O(log n) reads (OpenZeppelin's checkpoints)
 * tl/m/ts                  last timestamp assigned: 8 bytes
 * </pre>
 */
final class LedgerCodec {
    static final byte[] ACCOUNT_PREFIX = ascii("tl/a/");
    static final byte[] TRANSFER_PREFIX = ascii("tl/t/");
    static final byte[] STATUS_PREFIX = ascii("tl/p/");
    static final byte[] EXPIRY_PREFIX = ascii("tl/e/");
    static final byte[] HISTORY_PREFIX = ascii("tl/h/");
    static final byte[] HISTORY_COUNT_PREFIX = ascii("tl/n/");
    static final byte[] HISTORY_ORDINAL_PREFIX = ascii("tl/k/");
    static final Bytes META_TIMESTAMP = Bytes.wrap(ascii("tl/m/ts"));

    private static final byte ACCOUNT = 0x41;
    private static final byte TRANSFER = 0x54;
    private static final byte FAILED = 0x46;
    private static final byte HISTORY = 0x48;

    private LedgerCodec() {}

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    static Bytes key(byte[] prefix, long hi, long lo) {
        return Bytes.wrap(ByteBuffer.allocate(prefix.length + 16)
                .put(prefix)
                .putLong(hi)
                .putLong(lo)
                .array());
    }

    static Bytes accountKey(AccountId id) {
        return key(ACCOUNT_PREFIX, id.hi(), id.lo());
    }

    static Bytes transferKey(TransferId id) {
        return key(TRANSFER_PREFIX, id.hi(), id.lo());
    }

    static Bytes statusKey(TransferId id) {
        return key(STATUS_PREFIX, id.hi(), id.lo());
    }

    static Bytes expiryKey(long expiresAt, TransferId id) {
        return key(EXPIRY_PREFIX, expiresAt, id.hi(), id.lo());
    }

    static Bytes historyKey(AccountId acct, long ts) {
        return key(HISTORY_PREFIX, acct.hi(), acct.lo(), ts);
    }

    // prefix followed by three big-endian longs
    private static Bytes key(byte[] prefix, long a, long b, long c) {
        return Bytes.wrap(ByteBuffer.allocate(prefix.length + 24)
                .put(prefix)
                .putLong(a)
                .putLong(b)
                .putLong(c)
                .array());
    }

    static Bytes historyCountKey(AccountId acct) {
        return key(HISTORY_COUNT_PREFIX, acct.hi(), acct.lo());
    }

    static Bytes historyOrdinalKey(AccountId acct, long k) {
        return key(HISTORY_ORDINAL_PREFIX, acct.hi(), acct.lo(), k);
    }

    static Bytes historyPrefix(AccountId acct) {
        return key(HISTORY_PREFIX, acct.hi(), acct.lo());
    }

    /** Reads an expiry key back: [expiresAt, id.hi, id.lo]. */
    static long[] parseExpiryKey(Bytes key) {
        ByteBuffer b = ByteBuffer.wrap(key.unsafeArray(), EXPIRY_PREFIX.length, 24);
        return new long[] {b.getLong(), b.getLong(), b.getLong()};
    }

    static Bytes encodeAccount(Account a) {
        ByteBuffer b = ByteBuffer.allocate(1 + 16 + 4 + 2 + 2 + 8 + 4 * 33 + 8 + 4);
        b.put(ACCOUNT).putLong(a.id().hi()).putLong(a.id().lo()).putInt(a.ledger());
        b.putShort((short) a.code()).putShort((short) a.flags()).putLong(a.userData());
        putAmount(b, a.debitsPending());
        putAmount(b, a.debitsPosted());
        putAmount(b, a.creditsPending());
        putAmount(b, a.creditsPosted());
        b.putLong(a.timestamp());
        return seal(b);
    }

    static Account decodeAccount(Bytes key, Bytes value) {
        ByteBuffer b = open(key, value, ACCOUNT);
        AccountId id = new AccountId(b.getLong(), b.getLong());
        int ledger = b.getInt();
        int code = Short.toUnsignedInt(b.getShort());
        int flags = Short.toUnsignedInt(b.getShort());
        long userData = b.getLong();
        Account a = new Account(
                id, ledger, code, flags, userData, getAmount(b), getAmount(b), getAmount(b), getAmount(b), b.getLong());
        if (!accountKey(id).equals(key)) {
            throw new LedgerCorruptionException("account record under the wrong key: " + key);
        }
        return a;
    }

    static Bytes encodeTransfer(Transfer t) {
        ByteBuffer b = ByteBuffer.allocate(1 + 16 * 4 + 33 + 4 + 4 + 2 + 2 + 8 + 8 + 4);
        b.put(TRANSFER).putLong(t.id().hi()).putLong(t.id().lo());
        b.putLong(t.debitAccountId().hi()).putLong(t.debitAccountId().lo());
        b.putLong(t.creditAccountId().hi()).putLong(t.creditAccountId().lo());
        putAmount(b, t.amount());
        b.putLong(t.pendingId().hi()).putLong(t.pendingId().lo());
        b.putInt((int) t.timeoutSeconds()).putInt(t.ledger());
        b.putShort((short) t.code())
                .putShort((short) t.flags())
                .putLong(t.userData())
                .putLong(t.timestamp());
        return seal(b);
    }

    static Bytes encodeFailed(TransferId id, TransferResult result) {
        ByteBuffer b = ByteBuffer.allocate(1 + 16 + 1 + 4);
        b.put(FAILED).putLong(id.hi()).putLong(id.lo()).put((byte) result.ordinal());
        return seal(b);
    }

    /** A stored transfer, or the result with which its id failed. */
    sealed interface StoredTransfer permits Recorded, Failed {}

    record Recorded(Transfer transfer) implements StoredTransfer {}

    record Failed(TransferResult result) implements StoredTransfer {}

    static StoredTransfer decodeTransfer(Bytes key, Bytes value) {
        if (value.size() > 0 && value.get(0) == FAILED) {
            ByteBuffer b = open(key, value, FAILED);
            TransferId id = new TransferId(b.getLong(), b.getLong());
            int r = b.get();
            if (!transferKey(id).equals(key) || r < 0 || r >= TransferResult.values().length) {
                throw new LedgerCorruptionException("bad failed-id record under " + key);
            }
            return new Failed(TransferResult.values()[r]);
        }
        ByteBuffer b = open(key, value, TRANSFER);
        TransferId id = new TransferId(b.getLong(), b.getLong());
        AccountId debit = new AccountId(b.getLong(), b.getLong());
        AccountId credit = new AccountId(b.getLong(), b.getLong());
        Amount amount = getAmount(b);
        TransferId pending = new TransferId(b.getLong(), b.getLong());
        long timeout = Integer.toUnsignedLong(b.getInt());
        int ledger = b.getInt();
        int code = Short.toUnsignedInt(b.getShort());
        int flags = Short.toUnsignedInt(b.getShort());
        long userData = b.getLong();
        long ts = b.getLong();
        if (!transferKey(id).equals(key)) {
            throw new LedgerCorruptionException("transfer record under the wrong key: " + key);
        }
        return new Recorded(
                new Transfer(id, debit, credit, amount, pending, timeout, ledger, code, flags, userData, ts));
    }

    static Bytes encodeHistory(AccountBalance h) {
        ByteBuffer b = ByteBuffer.allocate(1 + 16 + 8 + 4 * 33 + 4);
        b.put(HISTORY).putLong(h.transferId().hi()).putLong(h.transferId().lo()).putLong(h.timestamp());
        putAmount(b, h.debitsPending());
        putAmount(b, h.debitsPosted());
        putAmount(b, h.creditsPending());
        putAmount(b, h.creditsPosted());
        return seal(b);
    }

    static AccountBalance decodeHistory(Bytes key, Bytes value) {
        ByteBuffer b = open(key, value, HISTORY);
        return new AccountBalance(
                new TransferId(b.getLong(), b.getLong()),
                b.getLong(),
                getAmount(b),
                getAmount(b),
                getAmount(b),
                getAmount(b));
    }

    static Bytes encodeLong(long v) {
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(v).array());
    }

    static long decodeLong(Bytes key, Bytes v) {
        if (v.size() != 8) {
            throw new LedgerCorruptionException(key + ": expected 8 bytes, got " + v.size());
        }
        return ByteBuffer.wrap(v.unsafeArray()).getLong();
    }

    private static void putAmount(ByteBuffer b, Amount a) {
        if (a.isZero()) {
            b.put((byte) 0);
            return;
        }
        byte[] raw = a.toBigInteger().toByteArray();
        int off = raw[0] == 0 ? 1 : 0;
        b.put((byte) (raw.length - off)).put(raw, off, raw.length - off);
    }

    private static Amount getAmount(ByteBuffer b) {
        int n = Byte.toUnsignedInt(b.get());
        if (n == 0) {
            return Amount.ZERO;
        }
        if (n > 32) {
            throw new LedgerCorruptionException("amount of " + n + " bytes (at most 32)");
        }
        byte[] raw = new byte[n];
        b.get(raw);
        return Amount.of(new BigInteger(1, raw));
    }

    private static Bytes seal(ByteBuffer b) {
        int len = b.position();
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, len);
        b.putInt((int) crc.getValue());
        return Bytes.of(b.array(), 0, len + 4);
    }

    private static ByteBuffer open(Bytes key, Bytes value, byte type) {
        byte[] v = value.unsafeArray();
        if (v.length < 5 || v[0] != type) {
            throw new LedgerCorruptionException("record under " + key + " has the wrong type or length");
        }
        CRC32C crc = new CRC32C();
        crc.update(v, 0, v.length - 4);
        int stored = ByteBuffer.wrap(v, v.length - 4, 4).getInt();
        if (stored != (int) crc.getValue()) {
            throw new LedgerCorruptionException("record under " + key + " fails its CRC32C checksum");
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(v, 1, v.length - 5);
            return b;
        } catch (RuntimeException e) {
            throw new LedgerCorruptionException("record under " + key + " is truncated");
        }
    }
}
