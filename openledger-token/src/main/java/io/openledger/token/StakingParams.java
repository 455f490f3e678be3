package io.openledger.token;

import io.openledger.core.Address;
import java.time.Duration;

/**
 * Staking configuration. Immutable.
 *
 * @param unbondingDelay how long unbonded stake waits (and stays slashable) before it can be withdrawn
 * @param slashDestination the wallet that receives slashed stake (it never vanishes)
 */
public record StakingParams(Duration unbondingDelay, Address slashDestination) {
    /** Checks the delay. */
    public StakingParams {
        if (unbondingDelay.isNegative()) {
            throw new IllegalArgumentException("unbondingDelay must be >= 0, got " + unbondingDelay);
        }
        if (slashDestination.equals(Address.ZERO)) {
            throw new IllegalArgumentException("slashDestination must not be the zero address");
        }
    }

    /** 21 days of unbonding (the Cosmos SDK default); slashed stake to the "slashed" system wallet. */
    public static StakingParams defaults() {
        return new StakingParams(Duration.ofDays(21), OpenToken.systemAddress("slashed"));
    }
}
