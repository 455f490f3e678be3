package io.openledger.chain.op;

import io.openledger.chain.block.Log;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * The OptimismPortal's {@code TransactionDeposited(address indexed from, address indexed to, uint256
 * indexed version, bytes opaqueData)} event and the user deposit it becomes, with the checks of
 * op-node's {@code UnmarshalDepositLogEvent} (specs {@code protocol/deposits.md}). Stateless and
 * thread-safe.
 *
 * <p>Version-0 {@code opaqueData} is {@code abi.encodePacked(uint256 mint, uint256 value, uint64 gas,
 * bool isCreation, bytes data)}: at least 73 bytes.
 */
public final class DepositLogs {
    /** keccak256("TransactionDeposited(address,address,uint256,bytes)"). */
    public static final Hash TRANSACTION_DEPOSITED =
            Hashing.keccak256(Bytes.utf8("TransactionDeposited(address,address,uint256,bytes)"));

    private static final int OPAQUE_MIN = 32 + 32 + 8 + 1;

    private DepositLogs() {}

    /**
     * Decodes a portal log into the deposit transaction it requests.
     *
     * @param log the log
     * @param portal the OptimismPortal address the log must come from
     * @param l1BlockHash hash of the L1 block holding the log
     * @param logIndex the log's index within the whole L1 block
     * @throws OpDecodeException if the log is not a well-formed version-0 {@code TransactionDeposited} event of {@code portal}
     */
    public static DepositTransaction decode(Log log, Address portal, Hash l1BlockHash, long logIndex) {
        if (!log.address().equals(portal)) {
            throw new OpDecodeException("deposit log from " + log.address() + ", not the portal " + portal);
        }
        List<Hash> t = log.topics();
        if (t.size() != 4) {
            throw new OpDecodeException("deposit log has " + t.size() + " topics, expected 4");
        }
        if (!t.get(0).equals(TRANSACTION_DEPOSITED)) {
            throw new OpDecodeException("deposit log topic0 " + t.get(0) + " is not TransactionDeposited");
        }
        if (!t.get(3).equals(Hash.ZERO)) {
            throw new OpDecodeException("deposit log version " + t.get(3) + " is not 0");
        }
        Address from = Address.of(t.get(1).bytes().slice(12));
        Address to = Address.of(t.get(2).bytes().slice(12));
        Bytes data = log.data();
        if (data.size() < 64) {
            throw new OpDecodeException("deposit log data is " + data.size() + " bytes; the ABI head needs 64");
        }
        long offset = abiU64(data, 0, "offset");
        if (offset != 32) {
            throw new OpDecodeException("deposit log data: offset word (byte 0) is " + offset + ", expected 32");
        }
        long length = abiU64(data, 32, "length");
        if (length > data.size() - 64) {
            throw new OpDecodeException("deposit log data: length " + length + " (byte 32) runs past the "
                    + (data.size() - 64) + " bytes present");
        }
        if (data.size() - 64 - length >= 32) {
            throw new OpDecodeException(
                    "deposit log data: " + (data.size() - 64 - length) + " bytes of padding, at most 31 allowed");
        }
        Bytes opaque = data.slice(64, 64 + (int) length);
        if (opaque.size() < OPAQUE_MIN) {
            throw new OpDecodeException(
                    "opaqueData is " + opaque.size() + " bytes, at least " + OPAQUE_MIN + " needed");
        }
        ByteBuffer b = ByteBuffer.wrap(opaque.unsafeArray()).asReadOnlyBuffer();
        Amount mint = Amount.fromBytes32(opaque.slice(0, 32));
        Amount value = Amount.fromBytes32(opaque.slice(32, 64));
        long gas = b.getLong(64);
        boolean isCreation = opaque.get(72) != 0;
        return new DepositTransaction(
                SourceHash.userDeposit(l1BlockHash, logIndex),
                from,
                isCreation ? Optional.empty() : Optional.of(to),
                mint,
                value,
                gas,
                false,
                opaque.slice(OPAQUE_MIN));
    }

    /**
     * The log the portal emits for a deposit, as {@code OptimismPortal.depositTransaction} builds it:
     * the sender is aliased when the L1 caller is a contract.
     *
     * @param portal the OptimismPortal address
     * @param l1Caller {@code msg.sender} on L1
     * @param callerIsContract true if {@code l1Caller} is a contract (its address is then aliased)
     * @param to L2 recipient (ignored on L2 when {@code isCreation})
     * @param mint wei minted on L2 ({@code msg.value})
     * @param value wei sent on L2
     * @param gasLimit L2 gas limit
     * @param isCreation true for contract creation
     * @param data call data or init code
     */
    public static Log encode(
            Address portal,
            Address l1Caller,
            boolean callerIsContract,
            Address to,
            Amount mint,
            Amount value,
            long gasLimit,
            boolean isCreation,
            Bytes data) {
        Address from = callerIsContract ? AddressAliasing.applyAlias(l1Caller) : l1Caller;
        ByteBuffer opaque = ByteBuffer.allocate(OPAQUE_MIN + data.size());
        opaque.put(mint.toBytes32().unsafeArray());
        opaque.put(value.toBytes32().unsafeArray());
        opaque.putLong(gasLimit);
        opaque.put((byte) (isCreation ? 1 : 0));
        opaque.put(data.unsafeArray());
        int len = opaque.capacity();
        int padded = (len + 31) / 32 * 32;
        ByteBuffer abi = ByteBuffer.allocate(64 + padded);
        abi.put(SourceHash.word(32).unsafeArray());
        abi.put(SourceHash.word(len).unsafeArray());
        abi.put(opaque.array());
        return new Log(
                portal,
                List.of(TRANSACTION_DEPOSITED, LeftPad.of(from), LeftPad.of(to), Hash.ZERO),
                Bytes.wrap(abi.array()));
    }

    private static long abiU64(Bytes data, int at, String name) {
        for (int i = at; i < at + 24; i++) {
            if (data.get(i) != 0) {
                throw new OpDecodeException(
                        "deposit log data: " + name + " word (byte " + at + ") does not fit 64 bits");
            }
        }
        long v = ByteBuffer.wrap(data.unsafeArray(), at + 24, 8).getLong();
        if (v < 0) {
            throw new OpDecodeException("deposit log data: " + name + " word (byte " + at + ") is too large");
        }
        return v;
    }

    private static final class LeftPad {
        static Hash of(Address a) {
            return Hash.of(Bytes.concat(Bytes.wrap(new byte[12]), a.bytes()));
        }
    }
}
