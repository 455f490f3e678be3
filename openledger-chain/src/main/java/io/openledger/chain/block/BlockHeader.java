package io.openledger.chain.block;

import io.openledger.chain.internal.RlpFields;
import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.rlp.RlpException;
import io.openledger.chain.rlp.RlpList;
import io.openledger.chain.rlp.RlpString;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An Ethereum block header through Prague; its hash is keccak256 of the RLP list of its fields. The
 * fields added by forks are optional and form a prefix in order: {@code baseFeePerGas} (London),
 * {@code withdrawalsRoot} (Shanghai), {@code blobGasUsed} and {@code excessBlobGas} and {@code
 * parentBeaconBlockRoot} (Cancun), {@code requestsHash} (Prague). OP Stack L2 headers use the same
 * encoding. Immutable.
 *
 * @param parentHash parent block hash
 * @param ommersHash keccak256 of the ommers list (empty-list hash after the Merge)
 * @param beneficiary fee recipient
 * @param stateRoot state trie root
 * @param transactionsRoot transactions trie root
 * @param receiptsRoot receipts trie root
 * @param logsBloom bloom of all logs
 * @param difficulty difficulty (0 after the Merge)
 * @param number block number (unsigned)
 * @param gasLimit gas limit (unsigned)
 * @param gasUsed gas used (unsigned)
 * @param timestamp seconds since the epoch (unsigned)
 * @param extraData at most 32 bytes on L1
 * @param mixHash mix hash / prevRandao
 * @param nonce the 8-byte proof-of-work nonce (zero after the Merge)
 * @param baseFeePerGas London
 * @param withdrawalsRoot Shanghai
 * @param blobGasUsed Cancun
 * @param excessBlobGas Cancun
 * @param parentBeaconBlockRoot Cancun
 * @param requestsHash Prague
 */
public record BlockHeader(
        Hash parentHash,
        Hash ommersHash,
        Address beneficiary,
        Hash stateRoot,
        Hash transactionsRoot,
        Hash receiptsRoot,
        LogsBloom logsBloom,
        BigInteger difficulty,
        long number,
        long gasLimit,
        long gasUsed,
        long timestamp,
        Bytes extraData,
        Hash mixHash,
        Bytes nonce,
        Optional<Amount> baseFeePerGas,
        Optional<Hash> withdrawalsRoot,
        OptionalLong blobGasUsed,
        OptionalLong excessBlobGas,
        Optional<Hash> parentBeaconBlockRoot,
        Optional<Hash> requestsHash) {
    /** keccak256(rlp([])), the ommers hash of every post-Merge block. */
    public static final Hash EMPTY_OMMERS_HASH =
            Hash.fromHex("1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");

    /**
     * Checks the nonce length and that the optional fields form a prefix.
     *
     * @throws IllegalArgumentException if the nonce is not 8 bytes, difficulty is negative, or a later fork's field is set without an earlier one
     */
    public BlockHeader {
        Objects.requireNonNull(parentHash, "parentHash");
        Objects.requireNonNull(extraData, "extraData");
        if (nonce.size() != 8) {
            throw new IllegalArgumentException("nonce is 8 bytes, got " + nonce.size());
        }
        if (difficulty.signum() < 0) {
            throw new IllegalArgumentException("difficulty must be >= 0");
        }
        boolean[] present = {
            baseFeePerGas.isPresent(),
            withdrawalsRoot.isPresent(),
            blobGasUsed.isPresent(),
            excessBlobGas.isPresent(),
            parentBeaconBlockRoot.isPresent(),
            requestsHash.isPresent()
        };
        for (int i = 1; i < present.length; i++) {
            if (present[i] && !present[i - 1]) {
                throw new IllegalArgumentException(
                        "optional header field " + i + " is set but an earlier fork's field is not");
            }
        }
    }

    /** The RLP encoding. */
    public Bytes encode() {
        RlpFields f = new RlpFields()
                .hash(parentHash)
                .hash(ommersHash)
                .bytes(beneficiary.bytes())
                .hash(stateRoot)
                .hash(transactionsRoot)
                .hash(receiptsRoot)
                .bytes(logsBloom.bytes())
                .uint(difficulty)
                .uint(number)
                .uint(gasLimit)
                .uint(gasUsed)
                .uint(timestamp)
                .bytes(extraData)
                .hash(mixHash)
                .bytes(nonce);
        baseFeePerGas.ifPresent(f::uint);
        withdrawalsRoot.ifPresent(f::hash);
        blobGasUsed.ifPresent(f::uint);
        excessBlobGas.ifPresent(f::uint);
        parentBeaconBlockRoot.ifPresent(f::hash);
        requestsHash.ifPresent(f::hash);
        return f.list();
    }

    /** The block hash: keccak256 of {@link #encode()}. */
    public Hash hash() {
        return Hashing.keccak256(encode());
    }

    /**
     * Decodes a header strictly (15 to 21 fields).
     *
     * @throws RlpException on malformed input, naming the byte offset
     */
    public static BlockHeader decode(Bytes encoded) {
        RlpList l = Rlp.decode(encoded).asList("header");
        if (l.size() < 15 || l.size() > 21) {
            throw new RlpException(l.position(), "a header has 15 to 21 fields, got " + l.size());
        }
        RlpString nonce = l.get(14).asString("nonce");
        if (nonce.bytes().size() != 8) {
            throw new RlpException(
                    nonce.position(),
                    "nonce must be 8 bytes, got " + nonce.bytes().size());
        }
        Bytes bloom = l.get(6).asString("logsBloom").bytes();
        if (bloom.size() != LogsBloom.SIZE) {
            throw new RlpException(l.get(6).position(), "logsBloom must be 256 bytes, got " + bloom.size());
        }
        int n = l.size();
        return new BlockHeader(
                hash(l, 0, "parentHash"),
                hash(l, 1, "ommersHash"),
                l.get(2).asString("beneficiary").asAddress("beneficiary"),
                hash(l, 3, "stateRoot"),
                hash(l, 4, "transactionsRoot"),
                hash(l, 5, "receiptsRoot"),
                LogsBloom.of(bloom),
                l.get(7).asString("difficulty").asBigInteger("difficulty", 32),
                u64(l, 8, "number"),
                u64(l, 9, "gasLimit"),
                u64(l, 10, "gasUsed"),
                u64(l, 11, "timestamp"),
                l.get(12).asString("extraData").bytes(),
                hash(l, 13, "mixHash"),
                nonce.bytes(),
                n > 15 ? Optional.of(l.get(15).asString("baseFeePerGas").asAmount("baseFeePerGas")) : Optional.empty(),
                n > 16 ? Optional.of(hash(l, 16, "withdrawalsRoot")) : Optional.empty(),
                n > 17 ? OptionalLong.of(u64(l, 17, "blobGasUsed")) : OptionalLong.empty(),
                n > 18 ? OptionalLong.of(u64(l, 18, "excessBlobGas")) : OptionalLong.empty(),
                n > 19 ? Optional.of(hash(l, 19, "parentBeaconBlockRoot")) : Optional.empty(),
                n > 20 ? Optional.of(hash(l, 20, "requestsHash")) : Optional.empty());
    }

    private static Hash hash(RlpList l, int i, String name) {
        return l.get(i).asString(name).asHash(name);
    }

    private static long u64(RlpList l, int i, String name) {
        return l.get(i).asString(name).asLong(name);
    }
}
