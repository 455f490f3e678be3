package io.openledger.token;

/**
 * The governable economic parameters (fee schedule, split ratios, remainder policy), starting from
 * safe defaults. Governance proposals change them when executed; settlement reads them per
 * inference. Thread-safe (each value is replaced atomically).
 */
public final class TokenParameters {
    private volatile FeeSchedule feeSchedule = FeeSchedule.defaults();
    private volatile SplitRatios splitRatios = SplitRatios.defaults();
    private volatile FeeSplit.RemainderPolicy remainderPolicy = FeeSplit.RemainderPolicy.LARGEST_REMAINDER;

    /** Parameters at their defaults. */
    public TokenParameters() {}

    /** The fee schedule. */
    public FeeSchedule feeSchedule() {
        return feeSchedule;
    }

    /** Replaces the fee schedule. */
    public TokenParameters feeSchedule(FeeSchedule f) {
        this.feeSchedule = f;
        return this;
    }

    /** The split ratios. */
    public SplitRatios splitRatios() {
        return splitRatios;
    }

    /** Replaces the split ratios. */
    public TokenParameters splitRatios(SplitRatios r) {
        this.splitRatios = r;
        return this;
    }

    /** Where floor remainders go. */
    public FeeSplit.RemainderPolicy remainderPolicy() {
        return remainderPolicy;
    }

    /** Replaces the remainder policy. */
    public TokenParameters remainderPolicy(FeeSplit.RemainderPolicy p) {
        this.remainderPolicy = p;
        return this;
    }
}
