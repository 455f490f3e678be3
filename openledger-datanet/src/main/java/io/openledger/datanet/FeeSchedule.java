package io.openledger.datanet;

import io.openledger.core.Amount;

/**
 * The publish fee for a version, charged to the datanet owner: {@code base + perByte × bytes +
 * perRecord × records}, over the records a version adds, in OPEN base units (10^-18 OPEN). Exact
 * integer arithmetic; immutable.
 *
 * @param base flat fee per version
 * @param perByte fee per UTF-8 byte added
 * @param perRecord fee per record added
 */
public record FeeSchedule(Amount base, Amount perByte, Amount perRecord) {
    /** The default: 0.01 OPEN per version, 10^-9 OPEN per byte (0.001 OPEN per MB), 10^-4 OPEN per record. */
    public static final FeeSchedule DEFAULT = new FeeSchedule(
            Amount.of(10_000_000_000_000_000L), Amount.of(1_000_000_000L), Amount.of(100_000_000_000_000L));

    /**
     * The fee for adding {@code records} records of {@code bytes} bytes in total.
     *
     * @throws IllegalArgumentException if a count is negative
     * @throws io.openledger.core.AmountOverflowException if the fee exceeds 2^256-1
     */
    public FeeQuote quote(long bytes, long records) {
        if (bytes < 0 || records < 0) {
            throw new IllegalArgumentException("bytes and records must be >= 0, got " + bytes + ", " + records);
        }
        Amount byteFee = perByte.mul(Amount.of(bytes));
        Amount recordFee = perRecord.mul(Amount.of(records));
        return new FeeQuote(
                bytes, records, base, byteFee, recordFee, base.add(byteFee).add(recordFee));
    }
}
