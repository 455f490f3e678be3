package io.openledger.token;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import org.jspecify.annotations.Nullable;

/**
 * One bucket of the genesis allocation.
 *
 * @param name a unique name (it also derives the bucket's transfer and escrow ids)
 * @param amount base units allocated
 * @param beneficiary who receives the tokens (as they vest, if they vest)
 * @param vesting the release schedule, or null if the tokens are free at genesis
 */
public record Allocation(
        String name,
        Amount amount,
        Address beneficiary,
        @Nullable VestingSchedule vesting) {
    /** Checks the name. */
    public Allocation {
        if (name.isBlank()) {
            throw new IllegalArgumentException("allocation name must not be blank");
        }
    }
}
