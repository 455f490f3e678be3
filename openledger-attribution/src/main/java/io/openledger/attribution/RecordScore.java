package io.openledger.attribution;

import java.math.BigDecimal;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One record's part in an attribution.
 *
 * @param record the record
 * @param raw the method's raw score
 * @param earning what the record earns with: the raw score times any penalty factor, or 0 if that
 *     is not positive (only positive influence earns)
 * @param penalty the penalty applied, or null
 */
public record RecordScore(
        CorpusRecord record,
        double raw,
        BigDecimal earning,
        @Nullable Penalty penalty) {
    /** The penalty applied, if any. */
    public Optional<Penalty> penaltyApplied() {
        return Optional.ofNullable(penalty);
    }
}
