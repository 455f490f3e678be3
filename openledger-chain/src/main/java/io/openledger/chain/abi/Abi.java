package io.openledger.chain.abi;

import io.openledger.core.Bytes;
import io.openledger.core.crypto.Hashing;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Solidity ABI encoding ({@code abi.encode}, Solidity docs "Contract ABI Specification"): static
 * values in 32-byte words in place, dynamic values behind an offset in the tail. Stateless and
 * thread-safe.
 */
public final class Abi {
    private static final BigInteger TWO_256 = BigInteger.ONE.shiftLeft(256);

    private Abi() {}

    /** {@code abi.encode(args...)}. */
    public static Bytes encode(List<AbiValue> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeTuple(args, out);
        return Bytes.wrap(out.toByteArray());
    }

    /** {@code abi.encode(args...)} over varargs. */
    public static Bytes encode(AbiValue... args) {
        return encode(List.of(args));
    }

    /** The 4-byte selector of a canonical signature such as {@code "transfer(address,uint256)"}. */
    public static Bytes selector(String signature) {
        return Hashing.keccak256(Bytes.utf8(signature)).bytes().slice(0, 4);
    }

    /** Call data: the selector of {@code signature} followed by {@code abi.encode(args...)}. */
    public static Bytes encodeCall(String signature, List<AbiValue> args) {
        return Bytes.concat(selector(signature), encode(args));
    }

    private static void writeTuple(List<AbiValue> values, ByteArrayOutputStream out) {
        List<byte[]> tails = new ArrayList<>();
        int headSize = 0;
        for (AbiValue v : values) {
            headSize += v.isDynamic() ? 32 : staticSize(v);
        }
        int tailOffset = headSize;
        for (AbiValue v : values) {
            if (v.isDynamic()) {
                out.writeBytes(word(BigInteger.valueOf(tailOffset)));
                ByteArrayOutputStream tail = new ByteArrayOutputStream();
                write(v, tail);
                tails.add(tail.toByteArray());
                tailOffset += tail.size();
            } else {
                write(v, out);
            }
        }
        tails.forEach(out::writeBytes);
    }

    private static int staticSize(AbiValue v) {
        return v instanceof AbiValue.Tuple t
                ? t.elements().stream().mapToInt(Abi::staticSize).sum()
                : 32;
    }

    private static void write(AbiValue v, ByteArrayOutputStream out) {
        switch (v) {
            case AbiValue.Uint u -> out.writeBytes(word(u.value()));
            case AbiValue.Int i ->
                out.writeBytes(word(i.value().signum() < 0 ? i.value().add(TWO_256) : i.value()));
            case AbiValue.AddressValue a ->
                out.writeBytes(leftPad(a.value().bytes().unsafeArray()));
            case AbiValue.Bool b -> out.writeBytes(word(b.value() ? BigInteger.ONE : BigInteger.ZERO));
            case AbiValue.FixedBytes f -> out.writeBytes(rightPad(f.value().unsafeArray()));
            case AbiValue.DynamicBytes d -> writeBytes(d.value().unsafeArray(), out);
            case AbiValue.Text t -> writeBytes(t.value().getBytes(StandardCharsets.UTF_8), out);
            case AbiValue.DynamicArray a -> {
                out.writeBytes(word(BigInteger.valueOf(a.elements().size())));
                writeTuple(a.elements(), out);
            }
            case AbiValue.Tuple t -> writeTuple(t.elements(), out);
        }
    }

    private static void writeBytes(byte[] b, ByteArrayOutputStream out) {
        out.writeBytes(word(BigInteger.valueOf(b.length)));
        out.writeBytes(rightPad(b));
    }

    private static byte[] word(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] w = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, w, 32 - n, n);
        return w;
    }

    private static byte[] leftPad(byte[] b) {
        byte[] w = new byte[32];
        System.arraycopy(b, 0, w, 32 - b.length, b.length);
        return w;
    }

    private static byte[] rightPad(byte[] b) {
        byte[] w = new byte[(b.length + 31) / 32 * 32];
        System.arraycopy(b, 0, w, 0, b.length);
        return w;
    }
}
