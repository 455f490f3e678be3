package io.openledger.token;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Clock;

/**
 * Releases vesting genesis buckets from their escrow wallets to their beneficiaries. What has been
 * released is read from the ledger (allocation minus escrow balance), so there is no separate state
 * to lose; a release transfer's id is derived from the bucket and the cumulative amount released
 * after it, so a retried release (even after a crash) is recognised and moves nothing twice. The
 * escrow cannot go below zero, so a release never exceeds the vested amount. Thread-safe.
 */
public final class Vesting {
    private final OpenToken token;
    private final Genesis genesis;
    private final Clock clock;

    /** Vesting of {@code genesis}'s buckets on {@code token}, timed by {@code clock}. */
    public Vesting(OpenToken token, Genesis genesis, Clock clock) {
        this.token = token;
        this.genesis = genesis;
        this.clock = clock;
    }

    /** The escrow holder of a vesting bucket. */
    public static Address escrowAddress(String bucket) {
        return OpenToken.systemAddress("vesting/" + bucket);
    }

    /** Vested so far (all of it for buckets that do not vest). */
    public Amount vested(String bucket) {
        Allocation a = genesis.allocation(bucket);
        return a.vesting() == null ? a.amount() : a.vesting().vested(a.amount(), clock.now());
    }

    /** Released so far. */
    public Amount released(String bucket) {
        Allocation a = genesis.allocation(bucket);
        return a.vesting() == null ? a.amount() : a.amount().sub(token.balanceOf(escrowAddress(bucket)));
    }

    /** Vested but not released yet. */
    public Amount releasable(String bucket) {
        Amount v = vested(bucket);
        Amount r = released(bucket);
        return v.greaterThan(r) ? v.sub(r) : Amount.ZERO;
    }

    /**
     * Moves what is releasable to the beneficiary.
     *
     * @return the amount released (zero if nothing was due)
     * @throws TokenException if the ledger refuses
     */
    public synchronized Amount release(String bucket) {
        Allocation a = genesis.allocation(bucket);
        Amount due = releasable(bucket);
        if (due.isZero()) {
            return Amount.ZERO;
        }
        Amount after = released(bucket).add(due);
        TransferId id = TransferId.derive("open/vesting", Bytes.utf8(bucket), after.toBytes32());
        AccountId to = token.ensureWallet(a.beneficiary());
        TransferResult r = token.ledger()
                .createTransfer(Transfer.builder(id)
                        .debit(OpenToken.walletOf(escrowAddress(bucket)))
                        .credit(to)
                        .amount(due)
                        .ledger(OpenToken.LEDGER)
                        .code(OpenToken.CODE_TRANSFER)
                        .build());
        if (r == TransferResult.EXISTS) {
            return Amount.ZERO;
        }
        if (r != TransferResult.OK) {
            throw new TokenException(TokenException.Reason.REJECTED, "release of " + bucket + ": " + r);
        }
        token.emit(new TokenEvent.TransferEvent(escrowAddress(bucket), a.beneficiary(), due, id));
        return due;
    }
}
