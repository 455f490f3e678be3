package io.openledger.chain.internal.node;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes Solidity ABI call arguments (Solidity docs, "Contract ABI Specification") for the types the
 * system contracts take. Strict: offsets and lengths must lie inside the data, addresses and small
 * integers must have zero high bytes; anything else is a {@link Revert}. Stateless.
 */
final class AbiReader {
    private final Bytes data; // arguments, without the selector

    AbiReader(Bytes data) {
        this.data = data;
    }

    private Bytes word(int offset) {
        if (offset < 0 || offset + 32 > data.size()) {
            throw new Revert("calldata too short: word at " + offset + " of " + data.size() + " bytes");
        }
        return data.slice(offset, offset + 32);
    }

    private BigInteger uint(int offset) {
        return new BigInteger(1, word(offset).toArray());
    }

    Amount uint256(int index) {
        return Amount.of(uint(index * 32));
    }

    long uint64(int index) {
        BigInteger v = uint(index * 32);
        if (v.bitLength() > 64) {
            throw new Revert("argument " + index + " does not fit in uint64");
        }
        return v.longValue();
    }

    Hash bytes32(int index) {
        return Hash.of(word(index * 32));
    }

    Address address(int index) {
        BigInteger v = uint(index * 32);
        if (v.bitLength() > 160) {
            throw new Revert("argument " + index + " is not an address");
        }
        return Address.of(word(index * 32).slice(12));
    }

    private int offset(int index, int base) {
        BigInteger v = uint(base + index * 32);
        if (v.bitLength() > 31 || base + v.intValue() > data.size()) {
            throw new Revert("argument " + index + " has an offset outside the calldata");
        }
        return base + v.intValue();
    }

    Bytes bytes(int index) {
        int at = offset(index, 0);
        BigInteger len = uint(at);
        if (len.bitLength() > 31 || at + 32 + len.intValue() > data.size()) {
            throw new Revert("argument " + index + " has a length outside the calldata");
        }
        return data.slice(at + 32, at + 32 + len.intValue());
    }

    String string(int index) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes(index).toArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Revert("argument " + index + " is not UTF-8");
        }
    }

    private List<Bytes> array(int index, int max) {
        int at = offset(index, 0);
        BigInteger len = uint(at);
        if (len.bitLength() > 31 || len.intValue() > max || at + 32 + 32L * len.intValue() > data.size()) {
            throw new Revert("argument " + index + " has an array length outside the calldata or above " + max);
        }
        List<Bytes> out = new ArrayList<>();
        for (int i = 0; i < len.intValue(); i++) {
            out.add(word(at + 32 + 32 * i));
        }
        return out;
    }

    List<Hash> bytes32Array(int index, int max) {
        return array(index, max).stream().map(Hash::of).toList();
    }

    List<Address> addressArray(int index, int max) {
        List<Address> out = new ArrayList<>();
        for (Bytes w : array(index, max)) {
            if (new BigInteger(1, w.toArray()).bitLength() > 160) {
                throw new Revert("argument " + index + " holds a non-address");
            }
            out.add(Address.of(w.slice(12)));
        }
        return out;
    }

    /** A {@code bytes[]} argument: a length, then offsets (from the first offset word) of each element. */
    List<Bytes> bytesArray(int index, int max) {
        int at = offset(index, 0);
        BigInteger len = uint(at);
        if (len.bitLength() > 31 || len.intValue() > max || at + 32 + 32L * len.intValue() > data.size()) {
            throw new Revert("argument " + index + " has an array length outside the calldata or above " + max);
        }
        AbiReader elements = new AbiReader(data.slice(at + 32));
        List<Bytes> out = new ArrayList<>();
        for (int i = 0; i < len.intValue(); i++) {
            out.add(elements.bytes(i));
        }
        return out;
    }

    List<Amount> uint256Array(int index, int max) {
        return array(index, max).stream().map(Amount::fromBytes32).toList();
    }
}
