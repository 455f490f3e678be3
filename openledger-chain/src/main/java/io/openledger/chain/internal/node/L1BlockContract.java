package io.openledger.chain.internal.node;

import io.openledger.chain.node.SystemAddresses;
import io.openledger.chain.op.L1BlockInfo;
import io.openledger.core.Address;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import java.util.Optional;

/**
 * L1Block: the L1-info deposit that opens every block stores its calldata here (only the depositor
 * account may), and the L1 data fee of the block's transactions is computed from it.
 */
final class L1BlockContract extends SystemContract {
    static final Hash INFO = CallContext.slot("l1block/info");

    L1BlockContract() {
        function("setL1BlockValuesEcotone()", this::set);
        function(
                "number()",
                c -> CallContext.word(info(c.state).map(L1BlockInfo::number).orElse(0L)));
        function(
                "basefee()",
                c -> info(c.state).map(i -> i.baseFee().toBytes32()).orElse(CallContext.word(0)));
    }

    @Override
    Address address() {
        return SystemAddresses.L1_BLOCK;
    }

    @Override
    String name() {
        return "L1Block";
    }

    static Optional<L1BlockInfo> info(WorldState s) {
        Bytes v = s.storage(SystemAddresses.L1_BLOCK, INFO);
        return v.isEmpty() ? Optional.empty() : Optional.of(L1BlockInfo.decode(v));
    }

    private Bytes set(CallContext c) {
        if (!c.sender.equals(L1BlockInfo.DEPOSITOR)) {
            throw new Revert("L1Block: only the depositor account");
        }
        c.state.setStorage(SystemAddresses.L1_BLOCK, INFO, c.data);
        return Bytes.EMPTY;
    }
}
