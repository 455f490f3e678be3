package io.openledger.token;

import io.openledger.core.Amount;
import java.time.Duration;

/**
 * Governance configuration (clock units are seconds). Immutable.
 *
 * @param votingDelay from proposal to the vote snapshot and start
 * @param votingPeriod how long voting lasts
 * @param quorumPercent percent of the past total voting supply that must vote for or abstain, 0..100
 * @param proposalThreshold votes a proposer needs (at the previous second)
 * @param timelockDelay from queueing to the earliest execution
 * @param gracePeriod after the earliest execution, how long a queued proposal stays executable
 */
public record GovernorParams(
        Duration votingDelay,
        Duration votingPeriod,
        int quorumPercent,
        Amount proposalThreshold,
        Duration timelockDelay,
        Duration gracePeriod) {
    /** Checks the ranges. */
    public GovernorParams {
        if (votingDelay.isNegative() || timelockDelay.isNegative() || gracePeriod.isNegative()) {
            throw new IllegalArgumentException(
                    "delays must be >= 0: " + votingDelay + ", " + timelockDelay + ", " + gracePeriod);
        }
        if (votingPeriod.toSeconds() <= 0) {
            throw new IllegalArgumentException("votingPeriod must be >= 1 second, got " + votingPeriod);
        }
        if (quorumPercent < 0 || quorumPercent > 100) {
            throw new IllegalArgumentException("quorumPercent must be in [0, 100], got " + quorumPercent);
        }
    }

    /** One day of delay, a week of voting, 4% quorum, no threshold, two days of timelock, 14 days of grace. */
    public static GovernorParams defaults() {
        return new GovernorParams(
                Duration.ofDays(1), Duration.ofDays(7), 4, Amount.ZERO, Duration.ofDays(2), Duration.ofDays(14));
    }
}
