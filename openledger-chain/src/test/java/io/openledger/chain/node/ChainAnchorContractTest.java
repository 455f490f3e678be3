package io.openledger.chain.node;

import io.openledger.core.Address;
import io.openledger.core.contract.AnchorContract;
import io.openledger.core.crypto.PrivateKey;
import java.util.Optional;
import java.util.function.Function;

/** The in-process anchor contract against the shared semantics. */
class ChainAnchorContractTest extends AnchorOnChainContract {
    @Override
    AnchorContract anchors(L2Node node, Function<Address, Optional<PrivateKey>> keys) {
        return new ChainAnchorContract(node, keys);
    }
}
