package io.openledger.chain.node;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.chain.tx.DynamicFeeTransaction;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.PrivateKey;
import java.math.BigInteger;
import java.util.List;

/** Builds signed transactions for node tests. */
final class Txs {
    static final Amount GWEI = Amount.of(1_000_000_000L);

    private Txs() {}

    static Bytes transfer(long chainId, PrivateKey from, long nonce, Address to, Amount value) {
        return call(chainId, from, nonce, to, value, Bytes.EMPTY, 21_000);
    }

    static Bytes call(long chainId, PrivateKey from, long nonce, Address to, Amount value, Bytes data, long gas) {
        return DynamicFeeTransaction.call(chainId, nonce, GWEI, GWEI.mul(10), gas, to, value, data)
                .sign(from)
                .encode();
    }

    static Bytes registerModel(String uri, Hash adapter, List<Hash> datanets) {
        return Abi.encodeCall(
                "registerModel(bytes32,bytes32,bytes32[],string)",
                List.of(
                        new AbiValue.FixedBytes(Hash.ZERO.bytes()),
                        new AbiValue.FixedBytes(adapter.bytes()),
                        new AbiValue.DynamicArray(datanets.stream()
                                .map(h -> (AbiValue) new AbiValue.FixedBytes(h.bytes()))
                                .toList()),
                        new AbiValue.Text(uri)));
    }

    static Bytes anchor(Hash datanet, long version, Hash root) {
        return Abi.encodeCall(
                "anchor(bytes32,uint64,bytes32)",
                List.of(
                        new AbiValue.FixedBytes(datanet.bytes()),
                        AbiValue.Uint.of(version),
                        new AbiValue.FixedBytes(root.bytes())));
    }

    static Bytes settle(Hash request, long modelId, long in, long out, List<Address> contributors, List<Long> weights) {
        return Abi.encodeCall(
                "settle(bytes32,uint256,uint64,uint64,address[],uint256[])",
                List.of(
                        new AbiValue.FixedBytes(request.bytes()),
                        AbiValue.Uint.of(modelId),
                        AbiValue.Uint.of(in),
                        AbiValue.Uint.of(out),
                        new AbiValue.DynamicArray(contributors.stream()
                                .map(a -> (AbiValue) new AbiValue.AddressValue(a))
                                .toList()),
                        new AbiValue.DynamicArray(weights.stream()
                                .map(w -> (AbiValue) new AbiValue.Uint(256, BigInteger.valueOf(w)))
                                .toList())));
    }
}
