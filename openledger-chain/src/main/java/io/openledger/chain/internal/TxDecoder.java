package io.openledger.chain.internal;

import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.rlp.RlpException;
import io.openledger.chain.rlp.RlpItem;
import io.openledger.chain.rlp.RlpList;
import io.openledger.chain.rlp.RlpString;
import io.openledger.chain.tx.AccessListEntry;
import io.openledger.chain.tx.AccessListTransaction;
import io.openledger.chain.tx.BlobTransaction;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.chain.tx.DynamicFeeTransaction;
import io.openledger.chain.tx.InvalidTransactionException;
import io.openledger.chain.tx.InvalidTransactionException.Reason;
import io.openledger.chain.tx.LegacyTransaction;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionType;
import io.openledger.chain.tx.TxSignature;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The strict transaction decoder behind {@code Transactions.decode}. Stateless. */
public final class TxDecoder {
    private static final BigInteger V35 = BigInteger.valueOf(35);
    private static final BigInteger MAX_U64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private TxDecoder() {}

    /** Decodes one transaction; see {@code Transactions.decode}. */
    public static Transaction decode(Bytes in) {
        if (in.isEmpty()) {
            throw new InvalidTransactionException(Reason.MALFORMED, "empty input");
        }
        int first = in.getUnsigned(0);
        try {
            if (first >= 0xc0) {
                return legacy(Rlp.decode(in).asList("legacy transaction"));
            }
            if (first >= 0x80) {
                throw new InvalidTransactionException(
                        Reason.TYPE_NOT_SUPPORTED,
                        "a transaction is an RLP list or a typed envelope; byte 0 = 0x" + Integer.toHexString(first)
                                + " starts an RLP string");
            }
            TransactionType type = TransactionType.of(first)
                    .orElseThrow(() -> new InvalidTransactionException(
                            Reason.TYPE_NOT_SUPPORTED, "transaction type 0x" + Integer.toHexString(first)));
            Bytes payload = in.slice(1);
            if (payload.isEmpty()) {
                throw new InvalidTransactionException(Reason.MALFORMED, "typed transaction with no payload");
            }
            RlpList l = Rlp.decode(payload).asList(type + " transaction payload");
            return switch (type) {
                case ACCESS_LIST -> accessListTx(l);
                case DYNAMIC_FEE -> dynamicFee(l);
                case BLOB -> blob(l);
                case DEPOSIT -> deposit(l);
                case LEGACY -> throw new IllegalStateException("unreachable");
            };
        } catch (RlpException e) {
            int offset = first < 0x80 && e.position() >= 0 ? e.position() + 1 : e.position();
            throw new InvalidTransactionException(
                    Reason.MALFORMED, "at byte " + offset + ": " + stripPrefix(e.getMessage()), e);
        }
    }

    private static String stripPrefix(String m) {
        int i = m.indexOf(": ");
        return m.startsWith("RLP") && i > 0 ? m.substring(i + 2) : m;
    }

    private static LegacyTransaction legacy(RlpList l) {
        fieldCount(l, "legacy transaction", 9);
        long nonce = u64(l.get(0), "nonce");
        Amount gasPrice = u256(l.get(1), "gasPrice");
        long gas = u64(l.get(2), "gasLimit");
        Optional<Address> to = to(l.get(3));
        Amount value = u256(l.get(4), "value");
        Bytes data = l.get(5).asString("data").bytes();
        BigInteger v = big(l.get(6), "v");
        BigInteger r = big(l.get(7), "r");
        BigInteger s = big(l.get(8), "s");
        if (r.signum() == 0 && s.signum() == 0) {
            // the unsigned form: EIP-155 signing payload [.., chainId, 0, 0]
            OptionalLong chain = v.signum() == 0 ? OptionalLong.empty() : OptionalLong.of(chainU64(v, l.get(6)));
            return new LegacyTransaction(nonce, gasPrice, gas, to, value, data, chain, Optional.empty());
        }
        OptionalLong chainId;
        int y;
        if (v.equals(BigInteger.valueOf(27)) || v.equals(BigInteger.valueOf(28))) {
            chainId = OptionalLong.empty();
            y = v.intValue() - 27;
        } else if (v.compareTo(V35) >= 0) {
            BigInteger t = v.subtract(V35);
            chainId = OptionalLong.of(chainU64(t.shiftRight(1), l.get(6)));
            y = t.testBit(0) ? 1 : 0;
        } else {
            throw new InvalidTransactionException(
                    Reason.INVALID_CHAIN_ID,
                    "v = " + v + " is neither 27/28 nor 2·chainId + 35/36 (byte "
                            + l.get(6).position() + ")");
        }
        return new LegacyTransaction(
                nonce, gasPrice, gas, to, value, data, chainId, Optional.of(new TxSignature(y, r, s)));
    }

    private static long chainU64(BigInteger chain, RlpItem at) {
        if (chain.compareTo(MAX_U64) > 0) {
            throw new InvalidTransactionException(
                    Reason.INVALID_CHAIN_ID,
                    "chain id " + chain + " does not fit 64 bits (byte " + at.position() + ")");
        }
        return chain.longValue();
    }

    private static AccessListTransaction accessListTx(RlpList l) {
        fieldCount(l, "EIP-2930 transaction", 11);
        return new AccessListTransaction(
                u64(l.get(0), "chainId"),
                u64(l.get(1), "nonce"),
                u256(l.get(2), "gasPrice"),
                u64(l.get(3), "gasLimit"),
                to(l.get(4)),
                u256(l.get(5), "value"),
                l.get(6).asString("data").bytes(),
                accessList(l.get(7)),
                signature(l, 8));
    }

    private static DynamicFeeTransaction dynamicFee(RlpList l) {
        fieldCount(l, "EIP-1559 transaction", 12);
        return new DynamicFeeTransaction(
                u64(l.get(0), "chainId"),
                u64(l.get(1), "nonce"),
                u256(l.get(2), "maxPriorityFeePerGas"),
                u256(l.get(3), "maxFeePerGas"),
                u64(l.get(4), "gasLimit"),
                to(l.get(5)),
                u256(l.get(6), "value"),
                l.get(7).asString("data").bytes(),
                accessList(l.get(8)),
                signature(l, 9));
    }

    private static BlobTransaction blob(RlpList l) {
        fieldCount(l, "EIP-4844 transaction", 14);
        Optional<Address> to = to(l.get(5));
        if (to.isEmpty()) {
            throw new InvalidTransactionException(
                    Reason.NOT_ALLOWED,
                    "a blob transaction must have a recipient (byte " + l.get(5).position() + ")");
        }
        RlpList hashes = l.get(10).asList("blobVersionedHashes");
        List<Hash> vh = new ArrayList<>();
        for (RlpItem h : hashes.items()) {
            vh.add(h.asString("blob versioned hash").asHash("blob versioned hash"));
        }
        return new BlobTransaction(
                u64(l.get(0), "chainId"),
                u64(l.get(1), "nonce"),
                u256(l.get(2), "maxPriorityFeePerGas"),
                u256(l.get(3), "maxFeePerGas"),
                u64(l.get(4), "gasLimit"),
                to,
                u256(l.get(6), "value"),
                l.get(7).asString("data").bytes(),
                accessList(l.get(8)),
                u256(l.get(9), "maxFeePerBlobGas"),
                vh,
                signature(l, 11));
    }

    private static DepositTransaction deposit(RlpList l) {
        fieldCount(l, "deposit transaction", 8);
        RlpString from = l.get(1).asString("from");
        if (from.bytes().size() != 20) {
            throw new InvalidTransactionException(
                    Reason.BAD_LENGTH,
                    "from is " + from.bytes().size() + " bytes, not 20 (byte " + from.position() + ")");
        }
        return new DepositTransaction(
                l.get(0).asString("sourceHash").asHash("sourceHash"),
                Address.of(from.bytes()),
                to(l.get(2)),
                u256(l.get(3), "mint"),
                u256(l.get(4), "value"),
                u64(l.get(5), "gasLimit"),
                l.get(6).asString("isSystemTx").asBoolean("isSystemTx"),
                l.get(7).asString("data").bytes());
    }

    private static Optional<TxSignature> signature(RlpList l, int at) {
        RlpString yItem = l.get(at).asString("yParity");
        BigInteger y = big(yItem, "yParity");
        BigInteger r = big(l.get(at + 1), "r");
        BigInteger s = big(l.get(at + 2), "s");
        if (y.signum() == 0 && r.signum() == 0 && s.signum() == 0) {
            return Optional.empty();
        }
        if (y.compareTo(BigInteger.ONE) > 0) {
            throw new InvalidTransactionException(
                    Reason.INVALID_SIGNATURE, "yParity must be 0 or 1, got " + y + " (byte " + yItem.position() + ")");
        }
        return Optional.of(new TxSignature(y.intValue(), r, s));
    }

    private static List<AccessListEntry> accessList(RlpItem item) {
        List<AccessListEntry> out = new ArrayList<>();
        for (RlpItem e : item.asList("accessList").items()) {
            RlpList pair = e.asList("access list entry");
            fieldCount(pair, "access list entry", 2);
            RlpString addr = pair.get(0).asString("access list address");
            if (addr.bytes().size() != 20) {
                throw new InvalidTransactionException(
                        Reason.BAD_LENGTH,
                        "access list address is " + addr.bytes().size() + " bytes, not 20 (byte " + addr.position()
                                + ")");
            }
            List<Hash> keys = new ArrayList<>();
            for (RlpItem k : pair.get(1).asList("access list storage keys").items()) {
                RlpString ks = k.asString("storage key");
                if (ks.bytes().size() != 32) {
                    throw new InvalidTransactionException(
                            Reason.BAD_LENGTH,
                            "storage key is " + ks.bytes().size() + " bytes, not 32 (byte " + ks.position() + ")");
                }
                keys.add(Hash.of(ks.bytes()));
            }
            out.add(new AccessListEntry(Address.of(addr.bytes()), keys));
        }
        return out;
    }

    private static void fieldCount(RlpList l, String what, int n) {
        if (l.size() != n) {
            throw new InvalidTransactionException(
                    Reason.WRONG_FIELD_COUNT,
                    what + " has " + l.size() + " fields, expected " + n + " (byte " + l.position() + ")");
        }
    }

    private static Optional<Address> to(RlpItem item) {
        RlpString s = item.asString("to");
        if (s.bytes().isEmpty()) {
            return Optional.empty();
        }
        if (s.bytes().size() != 20) {
            throw new InvalidTransactionException(
                    Reason.BAD_LENGTH, "to is " + s.bytes().size() + " bytes, not 20 (byte " + s.position() + ")");
        }
        return Optional.of(Address.of(s.bytes()));
    }

    private static RlpString integer(RlpItem item, String name, int maxBytes) {
        RlpString s = item.asString(name);
        Bytes b = s.bytes();
        if (!b.isEmpty() && b.get(0) == 0) {
            throw new InvalidTransactionException(
                    Reason.MALFORMED, name + " has a leading zero byte (byte " + s.position() + ")");
        }
        if (b.size() > maxBytes) {
            throw new InvalidTransactionException(
                    Reason.FIELD_OVERFLOW,
                    name + " is " + b.size() + " bytes, more than " + maxBytes + " (byte " + s.position() + ")");
        }
        return s;
    }

    private static long u64(RlpItem item, String name) {
        return integer(item, name, 8).asLong(name);
    }

    private static Amount u256(RlpItem item, String name) {
        return integer(item, name, 32).asAmount(name);
    }

    private static BigInteger big(RlpItem item, String name) {
        return integer(item, name, 32).asBigInteger(name, 32);
    }
}
