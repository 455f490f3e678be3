package io.openledger.token;

/**
 * How the net inference fee is shared, in basis points that sum to exactly 10,000. A governance
 * parameter. Immutable.
 *
 * @param modelDeveloperBps the model developer's part
 * @param stakersBps the stakers' part
 * @param contributorsBps the data contributors' part (split by attribution weights)
 * @param protocolBps the protocol treasury's part
 */
public record SplitRatios(int modelDeveloperBps, int stakersBps, int contributorsBps, int protocolBps) {
    /** 100% in basis points. */
    public static final int TOTAL_BPS = 10_000;

    /**
     * Checks the ratios.
     *
     * @throws IllegalArgumentException if a part is negative or they do not sum to 10,000
     */
    public SplitRatios {
        if (modelDeveloperBps < 0 || stakersBps < 0 || contributorsBps < 0 || protocolBps < 0) {
            throw new IllegalArgumentException("split ratios must be >= 0 basis points, got " + this);
        }
        if ((long) modelDeveloperBps + stakersBps + contributorsBps + protocolBps != TOTAL_BPS) {
            throw new IllegalArgumentException("split ratios must sum to exactly 10000 basis points, got " + this);
        }
    }

    /** Default: developer 30%, stakers 15%, data contributors 45%, protocol 10%. */
    public static SplitRatios defaults() {
        return new SplitRatios(3000, 1500, 4500, 1000);
    }
}
