package io.openledger.token.internal;

/**
 * A Bloom filter of 128-bit ids: "certainly absent" or "maybe present". The ledger keeps every
 * recorded transfer id in one so that a new id (the common case) skips the store lookup that
 * idempotency would otherwise cost; a "maybe" falls back to the store, so false positives cost
 * time, never correctness. Grows (the caller re-adds everything) when it gets too full. Not
 * thread-safe.
 */
final class IdFilter {
    private static final int HASHES = 3;

    private long[] bits;
    private int count;

    IdFilter(int log2Bits) {
        bits = new long[1 << (log2Bits - 6)];
    }

    /** Largest size: 2^30 bits (128 MiB); beyond it the filter only gets less selective. */
    private static final int MAX_LONGS = 1 << 24;

    /** True when the filter holds more than one id per 16 bits and can still grow. */
    boolean crowded() {
        return bits.length < MAX_LONGS && (long) count * 16 > (long) bits.length * 64;
    }

    /** An empty filter four times as large. */
    IdFilter grown() {
        return new IdFilter(Long.numberOfTrailingZeros((long) bits.length * 64) + 2);
    }

    void add(long hi, long lo) {
        long h = mix(hi, lo);
        int mask = bits.length * 64 - 1;
        for (int i = 0; i < HASHES; i++) {
            int b = (int) (h >>> (i * 21)) & mask;
            bits[b >>> 6] |= 1L << b;
        }
        count++;
    }

    boolean mightContain(long hi, long lo) {
        long h = mix(hi, lo);
        int mask = bits.length * 64 - 1;
        for (int i = 0; i < HASHES; i++) {
            int b = (int) (h >>> (i * 21)) & mask;
            if ((bits[b >>> 6] & (1L << b)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** A 64-bit mix of both halves (the MurmurHash3 finaliser), so sequential ids spread. */
    private static long mix(long hi, long lo) {
        long h = hi * 0x9E3779B97F4A7C15L ^ lo;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
