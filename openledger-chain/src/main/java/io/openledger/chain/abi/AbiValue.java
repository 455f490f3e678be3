package io.openledger.chain.abi;

import io.openledger.core.Address;
import io.openledger.core.Bytes;
import java.math.BigInteger;
import java.util.List;

/**
 * A typed value for the Solidity ABI. Each variant checks its range when built, so encoding never
 * fails. Immutable.
 */
public sealed interface AbiValue {
    /** True if the ABI encodes this value out of line (behind an offset). */
    boolean isDynamic();

    /**
     * {@code uintN}.
     *
     * @param bits N, a multiple of 8 in [8, 256]
     * @param value in [0, 2^N)
     */
    record Uint(int bits, BigInteger value) implements AbiValue {
        /**
         * Checks the width and range.
         *
         * @throws IllegalArgumentException if out of range
         */
        public Uint {
            checkBits(bits);
            if (value.signum() < 0 || value.bitLength() > bits) {
                throw new IllegalArgumentException("uint" + bits + " value out of range: " + value);
            }
        }

        /** A {@code uint256}. */
        public static Uint of(long unsignedValue) {
            return new Uint(256, new BigInteger(Long.toUnsignedString(unsignedValue)));
        }

        @Override
        public boolean isDynamic() {
            return false;
        }
    }

    /**
     * {@code intN}, two's complement.
     *
     * @param bits N, a multiple of 8 in [8, 256]
     * @param value in [-2^(N-1), 2^(N-1))
     */
    record Int(int bits, BigInteger value) implements AbiValue {
        /**
         * Checks the width and range.
         *
         * @throws IllegalArgumentException if out of range
         */
        public Int {
            checkBits(bits);
            if (value.bitLength() > bits - 1) {
                throw new IllegalArgumentException("int" + bits + " value out of range: " + value);
            }
        }

        @Override
        public boolean isDynamic() {
            return false;
        }
    }

    /**
     * {@code address}.
     *
     * @param value the address
     */
    record AddressValue(Address value) implements AbiValue {
        @Override
        public boolean isDynamic() {
            return false;
        }
    }

    /**
     * {@code bool}.
     *
     * @param value the flag
     */
    record Bool(boolean value) implements AbiValue {
        @Override
        public boolean isDynamic() {
            return false;
        }
    }

    /**
     * {@code bytesN}, right-padded.
     *
     * @param value 1 to 32 bytes
     */
    record FixedBytes(Bytes value) implements AbiValue {
        /**
         * Checks the length.
         *
         * @throws IllegalArgumentException unless 1 to 32 bytes
         */
        public FixedBytes {
            if (value.size() < 1 || value.size() > 32) {
                throw new IllegalArgumentException("bytesN holds 1 to 32 bytes, got " + value.size());
            }
        }

        @Override
        public boolean isDynamic() {
            return false;
        }
    }

    /**
     * {@code bytes}.
     *
     * @param value the bytes
     */
    record DynamicBytes(Bytes value) implements AbiValue {
        @Override
        public boolean isDynamic() {
            return true;
        }
    }

    /**
     * {@code string}, encoded as its UTF-8 bytes.
     *
     * @param value the text
     */
    record Text(String value) implements AbiValue {
        @Override
        public boolean isDynamic() {
            return true;
        }
    }

    /**
     * {@code T[]}.
     *
     * @param elements the elements, all of one type (an unmodifiable copy)
     */
    record DynamicArray(List<AbiValue> elements) implements AbiValue {
        /** Copies the list. */
        public DynamicArray {
            elements = List.copyOf(elements);
        }

        @Override
        public boolean isDynamic() {
            return true;
        }
    }

    /**
     * {@code T[k]} or a tuple: encoded in place like a function's argument list.
     *
     * @param elements the elements (an unmodifiable copy)
     */
    record Tuple(List<AbiValue> elements) implements AbiValue {
        /** Copies the list. */
        public Tuple {
            elements = List.copyOf(elements);
        }

        @Override
        public boolean isDynamic() {
            return elements.stream().anyMatch(AbiValue::isDynamic);
        }
    }

    private static void checkBits(int bits) {
        if (bits < 8 || bits > 256 || bits % 8 != 0) {
            throw new IllegalArgumentException("integer width must be a multiple of 8 in [8, 256], got " + bits);
        }
    }
}
