package io.openledger.datanet;

import io.openledger.core.Amount;

/**
 * A publish fee, itemised.
 *
 * @param bytes bytes charged for
 * @param records records charged for
 * @param base the flat part
 * @param byteFee {@code perByte × bytes}
 * @param recordFee {@code perRecord × records}
 * @param total the sum, what the owner pays
 */
public record FeeQuote(long bytes, long records, Amount base, Amount byteFee, Amount recordFee, Amount total) {}
