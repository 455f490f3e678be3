package io.openledger.chain.internal.node;

import io.openledger.chain.abi.Abi;
import io.openledger.core.Address;
import io.openledger.core.Bytes;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A contract executed natively by the node at a fixed address, called with Solidity ABI call data.
 * Subclasses register their functions by canonical signature. Stateless apart from world state.
 */
abstract class SystemContract {
    private final Map<Bytes, Function<CallContext, Bytes>> functions = new HashMap<>();

    /** The fixed address. */
    abstract Address address();

    /** The name of its ABI resource, e.g. "ModelRegistry". */
    abstract String name();

    protected final void function(String signature, Function<CallContext, Bytes> body) {
        functions.put(Abi.selector(signature), body);
    }

    /** Runs the call; throws {@link Revert} on failure (the caller undoes state changes). */
    final Bytes call(CallContext ctx) {
        if (ctx.data.size() < 4) {
            if (ctx.data.isEmpty() && acceptsPlainTransfers()) {
                return Bytes.EMPTY;
            }
            throw new Revert(name() + ": no function selector and no receive function");
        }
        Function<CallContext, Bytes> f = functions.get(ctx.data.slice(0, 4));
        if (f == null) {
            throw new Revert(name() + ": unknown function selector "
                    + ctx.data.slice(0, 4).toHex());
        }
        return f.apply(ctx);
    }

    boolean acceptsPlainTransfers() {
        return false;
    }
}
