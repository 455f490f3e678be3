package io.openledger.chain.op;

import io.openledger.core.Address;
import io.openledger.core.Bytes;
import java.math.BigInteger;

/**
 * L1-to-L2 address aliasing (specs {@code protocol/deposits.md} §Address aliasing): a contract on L1
 * appears on L2 as {@code (address + 0x1111000000000000000000000000000000001111) mod 2^160}, so it
 * cannot impersonate an L2 contract at the same address. Stateless and thread-safe.
 */
public final class AddressAliasing {
    /** The offset added to L1 contract addresses. */
    public static final BigInteger OFFSET = new BigInteger("1111000000000000000000000000000000001111", 16);

    private static final BigInteger MOD = BigInteger.ONE.shiftLeft(160);

    private AddressAliasing() {}

    /** The L2 alias of an L1 contract address. */
    public static Address applyAlias(Address l1Address) {
        return fromInt(toInt(l1Address).add(OFFSET).mod(MOD));
    }

    /** The L1 address whose alias is {@code l2Address}. */
    public static Address undoAlias(Address l2Address) {
        return fromInt(toInt(l2Address).subtract(OFFSET).mod(MOD));
    }

    private static BigInteger toInt(Address a) {
        return new BigInteger(1, a.bytes().unsafeArray());
    }

    private static Address fromInt(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[20];
        int n = Math.min(raw.length, 20);
        System.arraycopy(raw, raw.length - n, out, 20 - n, n);
        return Address.of(Bytes.wrap(out));
    }
}
