package io.openledger.chain.op;

import io.openledger.chain.tx.DepositTransaction;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * The L1 attributes an L2 block carries in its first transaction, and their calldata encodings for
 * Bedrock, Ecotone and Isthmus. Fields a format does not carry are zero. Immutable.
 *
 * @param format the calldata layout
 * @param number L1 origin block number
 * @param timestamp L1 origin timestamp
 * @param baseFee L1 origin base fee
 * @param blockHash L1 origin block hash
 * @param sequenceNumber L2 block number minus the epoch's first L2 block number
 * @param batcherHash {@code bytes32(uint256(uint160(batcher)))} (version 0)
 * @param l1FeeOverhead Bedrock only
 * @param l1FeeScalar Bedrock only
 * @param baseFeeScalar Ecotone on (uint32)
 * @param blobBaseFeeScalar Ecotone on (uint32)
 * @param blobBaseFee Ecotone on
 * @param operatorFeeScalar Isthmus (uint32)
 * @param operatorFeeConstant Isthmus (uint64)
 */
public record L1BlockInfo(
        L1InfoFormat format,
        long number,
        long timestamp,
        Amount baseFee,
        Hash blockHash,
        long sequenceNumber,
        Hash batcherHash,
        Amount l1FeeOverhead,
        Amount l1FeeScalar,
        long baseFeeScalar,
        long blobBaseFeeScalar,
        Amount blobBaseFee,
        long operatorFeeScalar,
        long operatorFeeConstant) {
    /** The L1 attributes depositor account, sender of every L1-info deposit. */
    public static final Address DEPOSITOR = Address.fromHex("0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001");

    /** The L1Block predeploy, recipient of every L1-info deposit. */
    public static final Address L1_BLOCK = Address.fromHex("0x4200000000000000000000000000000000000015");

    /** Gas of the L1-info deposit from Regolith on. */
    public static final long GAS = 1_000_000;

    /**
     * Checks the ranges of the packed fields.
     *
     * @throws IllegalArgumentException if a uint32 field is outside [0, 2^32)
     */
    public L1BlockInfo {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(baseFee, "baseFee");
        Objects.requireNonNull(blockHash, "blockHash");
        Objects.requireNonNull(batcherHash, "batcherHash");
        Objects.requireNonNull(l1FeeOverhead, "l1FeeOverhead");
        Objects.requireNonNull(l1FeeScalar, "l1FeeScalar");
        Objects.requireNonNull(blobBaseFee, "blobBaseFee");
        checkU32("baseFeeScalar", baseFeeScalar);
        checkU32("blobBaseFeeScalar", blobBaseFeeScalar);
        checkU32("operatorFeeScalar", operatorFeeScalar);
    }

    private static void checkU32(String name, long v) {
        if (v < 0 || v > 0xffffffffL) {
            throw new IllegalArgumentException(name + " must be in [0, 4294967295], got " + v);
        }
    }

    /** An Ecotone-format value (the format OP chains used from March 2024 until Isthmus). */
    public static L1BlockInfo ecotone(
            long number,
            long timestamp,
            Amount baseFee,
            Hash blockHash,
            long sequenceNumber,
            Address batcher,
            long baseFeeScalar,
            long blobBaseFeeScalar,
            Amount blobBaseFee) {
        return new L1BlockInfo(
                L1InfoFormat.ECOTONE,
                number,
                timestamp,
                baseFee,
                blockHash,
                sequenceNumber,
                batcherHash(batcher),
                Amount.ZERO,
                Amount.ZERO,
                baseFeeScalar,
                blobBaseFeeScalar,
                blobBaseFee,
                0,
                0);
    }

    /** {@code bytes32(uint256(uint160(batcher)))}: the version-0 batcher hash. */
    public static Hash batcherHash(Address batcher) {
        return Hash.of(Bytes.concat(Bytes.wrap(new byte[12]), batcher.bytes()));
    }

    /** The batcher address, if {@link #batcherHash()} is a version-0 batcher hash. */
    public Optional<Address> batcher() {
        Bytes b = batcherHash.bytes();
        for (int i = 0; i < 12; i++) {
            if (b.get(i) != 0) {
                return Optional.empty();
            }
        }
        return Optional.of(Address.of(b.slice(12)));
    }

    /** The calldata of the L1Block call in {@link #format()}'s layout. */
    public Bytes encode() {
        ByteBuffer b = ByteBuffer.allocate(format.length());
        b.put(format.selector().unsafeArray());
        if (format == L1InfoFormat.BEDROCK) {
            b.put(SourceHash.word(number).unsafeArray());
            b.put(SourceHash.word(timestamp).unsafeArray());
            b.put(baseFee.toBytes32().unsafeArray());
            b.put(blockHash.bytes().unsafeArray());
            b.put(SourceHash.word(sequenceNumber).unsafeArray());
            b.put(batcherHash.bytes().unsafeArray());
            b.put(l1FeeOverhead.toBytes32().unsafeArray());
            b.put(l1FeeScalar.toBytes32().unsafeArray());
        } else {
            b.putInt((int) baseFeeScalar);
            b.putInt((int) blobBaseFeeScalar);
            b.putLong(sequenceNumber);
            b.putLong(timestamp);
            b.putLong(number);
            b.put(baseFee.toBytes32().unsafeArray());
            b.put(blobBaseFee.toBytes32().unsafeArray());
            b.put(blockHash.bytes().unsafeArray());
            b.put(batcherHash.bytes().unsafeArray());
            if (format == L1InfoFormat.ISTHMUS) {
                b.putInt((int) operatorFeeScalar);
                b.putLong(operatorFeeConstant);
            }
        }
        return Bytes.wrap(b.array());
    }

    /**
     * Decodes L1-info calldata of any supported format, chosen by its selector.
     *
     * @throws OpDecodeException on an unknown selector, a wrong length, or a Bedrock uint64 word that does not fit 64 bits
     */
    public static L1BlockInfo decode(Bytes calldata) {
        L1InfoFormat f = L1InfoFormat.detect(calldata)
                .orElseThrow(() -> new OpDecodeException(
                        "L1-info calldata: unknown selector " + calldata.slice(0, Math.min(4, calldata.size()))));
        if (calldata.size() != f.length()) {
            throw new OpDecodeException(
                    "L1-info calldata (" + f + "): length " + calldata.size() + ", expected " + f.length());
        }
        ByteBuffer b = ByteBuffer.wrap(calldata.unsafeArray()).asReadOnlyBuffer();
        b.position(4);
        if (f == L1InfoFormat.BEDROCK) {
            long number = u64Word(b, "number");
            long timestamp = u64Word(b, "timestamp");
            Amount baseFee = word(b);
            Hash hash = hash(b);
            long seq = u64Word(b, "sequenceNumber");
            Hash batcher = hash(b);
            Amount overhead = word(b);
            Amount scalar = word(b);
            return new L1BlockInfo(
                    f, number, timestamp, baseFee, hash, seq, batcher, overhead, scalar, 0, 0, Amount.ZERO, 0, 0);
        }
        long baseFeeScalar = Integer.toUnsignedLong(b.getInt());
        long blobBaseFeeScalar = Integer.toUnsignedLong(b.getInt());
        long seq = b.getLong();
        long timestamp = b.getLong();
        long number = b.getLong();
        Amount baseFee = word(b);
        Amount blobBaseFee = word(b);
        Hash hash = hash(b);
        Hash batcher = hash(b);
        long opScalar = 0;
        long opConstant = 0;
        if (f == L1InfoFormat.ISTHMUS) {
            opScalar = Integer.toUnsignedLong(b.getInt());
            opConstant = b.getLong();
        }
        return new L1BlockInfo(
                f,
                number,
                timestamp,
                baseFee,
                hash,
                seq,
                batcher,
                Amount.ZERO,
                Amount.ZERO,
                baseFeeScalar,
                blobBaseFeeScalar,
                blobBaseFee,
                opScalar,
                opConstant);
    }

    /**
     * The L1 attributes deposited transaction carrying this value (Regolith on: gas 1,000,000, not a
     * system transaction), with source hash {@link SourceHash#l1InfoDeposit}.
     */
    public DepositTransaction toDepositTransaction() {
        return new DepositTransaction(
                SourceHash.l1InfoDeposit(blockHash, sequenceNumber),
                DEPOSITOR,
                Optional.of(L1_BLOCK),
                Amount.ZERO,
                Amount.ZERO,
                GAS,
                false,
                encode());
    }

    private static Amount word(ByteBuffer b) {
        byte[] w = new byte[32];
        b.get(w);
        return Amount.fromBytes32(Bytes.wrap(w));
    }

    private static Hash hash(ByteBuffer b) {
        byte[] w = new byte[32];
        b.get(w);
        return Hash.of(Bytes.wrap(w));
    }

    private static long u64Word(ByteBuffer b, String name) {
        int at = b.position();
        byte[] w = new byte[32];
        b.get(w);
        for (int i = 0; i < 24; i++) {
            if (w[i] != 0) {
                throw new OpDecodeException("L1-info calldata: " + name + " at byte " + at + " does not fit uint64");
            }
        }
        return ByteBuffer.wrap(w, 24, 8).getLong();
    }
}
