package io.openledger.token;

import io.openledger.core.Address;
import io.openledger.core.Amount;

/** The ERC-20 events of the OPEN token, delivered to listeners after the change is stored. */
public sealed interface TokenEvent {
    /**
     * ERC-20 {@code Transfer(from, to, value)}; genesis allocations come from {@link Address#ZERO}.
     *
     * @param from sender
     * @param to receiver
     * @param value amount in base units
     * @param transferId the ledger transfer that moved it
     */
    record TransferEvent(Address from, Address to, Amount value, TransferId transferId) implements TokenEvent {}

    /**
     * ERC-20 {@code Approval(owner, spender, value)}.
     *
     * @param owner who approved
     * @param spender who may spend
     * @param value the new allowance ({@link Amount#MAX}: unlimited)
     */
    record ApprovalEvent(Address owner, Address spender, Amount value) implements TokenEvent {}
}
