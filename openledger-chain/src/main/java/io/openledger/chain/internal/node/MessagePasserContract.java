package io.openledger.chain.internal.node;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.chain.node.SystemAddresses;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import java.math.BigInteger;
import java.util.List;

/**
 * L2ToL1MessagePasser (OP specs {@code withdrawals.md}): records {@code sentMessages[withdrawalHash] =
 * true} in storage slot 0's mapping (slot {@code keccak256(abi.encode(hash, 0))}, value 1), so L1 can
 * later prove a withdrawal against the storage root; the nonce is versioned (version 1 in the top two
 * bytes) and kept in slot 1. The value withdrawn stays held by this contract.
 */
final class MessagePasserContract extends SystemContract {
    private static final Hash NONCE_SLOT = Hash.of(CallContext.word(1));
    private static final BigInteger VERSION_1 = BigInteger.ONE.shiftLeft(240);

    MessagePasserContract() {
        function("initiateWithdrawal(address,uint256,bytes)", this::initiate);
        function("messageNonce()", c -> Amount.of(VERSION_1.add(BigInteger.valueOf(nonce(c))))
                .toBytes32());
        function(
                "sentMessages(bytes32)",
                c -> CallContext.word(c.storage(sentSlot(c.args().bytes32(0))).isEmpty() ? 0 : 1));
    }

    @Override
    Address address() {
        return SystemAddresses.L2_TO_L1_MESSAGE_PASSER;
    }

    @Override
    String name() {
        return "L2ToL1MessagePasser";
    }

    /** keccak256(abi.encode(hash, uint256(0))): the mapping slot of sentMessages[hash]. */
    static Hash sentSlot(Hash withdrawalHash) {
        return Hashing.keccak256(Bytes.concat(withdrawalHash.bytes(), CallContext.word(0)));
    }

    private static long nonce(CallContext c) {
        return CallContext.asLong(c.storage(NONCE_SLOT));
    }

    private Bytes initiate(CallContext c) {
        AbiReader a = c.args();
        Address target = a.address(0);
        Amount gasLimit = a.uint256(1);
        Bytes data = a.bytes(2);
        long n = nonce(c);
        Amount versioned = Amount.of(VERSION_1.add(BigInteger.valueOf(n)));
        Hash hash = Hashing.keccak256(Abi.encode(
                new AbiValue.Uint(256, versioned.toBigInteger()),
                new AbiValue.AddressValue(c.sender),
                new AbiValue.AddressValue(target),
                new AbiValue.Uint(256, c.value.toBigInteger()),
                new AbiValue.Uint(256, gasLimit.toBigInteger()),
                new AbiValue.DynamicBytes(data)));
        c.store(sentSlot(hash), Bytes.of((byte) 1));
        c.store(NONCE_SLOT, Rlpish.minimal(n + 1));
        c.emit(
                "MessagePassed(uint256,address,address,uint256,uint256,bytes,bytes32)",
                List.of(Hash.of(versioned.toBytes32()), CallContext.topic(c.sender), CallContext.topic(target)),
                Abi.encode(
                        new AbiValue.Uint(256, c.value.toBigInteger()),
                        new AbiValue.Uint(256, gasLimit.toBigInteger()),
                        new AbiValue.DynamicBytes(data),
                        new AbiValue.FixedBytes(hash.bytes())));
        return hash.bytes();
    }
}
