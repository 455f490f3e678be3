package io.openledger.chain.internal.node;

import io.openledger.chain.node.SystemAddresses;
import io.openledger.core.Address;

/**
 * The account that holds the token module's ledger on L2 ({@link L2Ledger}): its storage is the
 * ledger and its native balance the ledger's escrow. It has no functions (its ABI is empty), so a
 * call or a plain transfer to it reverts instead of changing the escrow behind the ledger's back; the
 * system contracts move OPEN in and out of it.
 */
final class TokenLedgerContract extends SystemContract {
    @Override
    Address address() {
        return SystemAddresses.TOKEN_LEDGER;
    }

    @Override
    String name() {
        return "TokenLedger";
    }
}
