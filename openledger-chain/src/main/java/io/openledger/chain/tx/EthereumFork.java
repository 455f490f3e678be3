package io.openledger.chain.tx;

/**
 * The L1 forks whose transaction rules {@link Transactions} applies, in activation order. Earlier
 * forks are not modelled: all of them are behind every chain this module targets.
 */
public enum EthereumFork {
    /** EIP-1559 (type 2), EIP-2028 calldata cost, EIP-2930 access lists (from Berlin). */
    LONDON,
    /** The Merge; no transaction-rule change. */
    PARIS,
    /** EIP-3860: init code at most 49152 bytes, 2 gas per 32-byte word. */
    SHANGHAI,
    /** EIP-4844 blob transactions (type 3). */
    CANCUN,
    /** EIP-7623 calldata floor cost. */
    PRAGUE;

    /** True if this fork is {@code other} or later. */
    public boolean atLeast(EthereumFork other) {
        return compareTo(other) >= 0;
    }
}
