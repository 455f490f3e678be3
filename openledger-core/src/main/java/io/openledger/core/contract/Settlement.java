package io.openledger.core.contract;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Hash;
import java.util.Map;

/**
 * Pays for one inference: charges the caller and splits the fee between the model developer,
 * stakers, data contributors (by {@link AttributionWeights}) and the protocol. Implemented by
 * {@code openledger-token} in memory and by the L2 chain's InferenceSettlement contract.
 * Implementations are thread-safe and apply a settlement all-or-nothing.
 */
public interface Settlement {
    /**
     * Settles one inference. Settling the same request id twice returns the first result and moves
     * no more money.
     *
     * @throws SettlementException if the caller cannot pay or the request is malformed; nothing moved
     */
    SettlementResult settle(SettlementRequest request);

    /**
     * What to settle.
     *
     * @param record the finished inference
     * @param modelOwner who receives the model developer's share
     * @param weights the data contributors' shares
     */
    record SettlementRequest(InferenceRecord record, Address modelOwner, AttributionWeights weights) {}

    /**
     * What moved.
     *
     * @param requestId the inference settled
     * @param fee what the caller paid
     * @param payouts who received what; sums exactly to {@code fee}
     * @param reference the ledger transfer or transaction hash that recorded it
     */
    record SettlementResult(Hash requestId, Amount fee, Map<Address, Amount> payouts, Hash reference) {
        /** Copies the payouts. */
        public SettlementResult {
            payouts = Map.copyOf(payouts);
        }
    }

    /** A settlement that was refused; no money moved. */
    final class SettlementException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** An exception with the reason. */
        public SettlementException(String message) {
            super(message);
        }
    }
}
