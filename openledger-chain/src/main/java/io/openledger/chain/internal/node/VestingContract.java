package io.openledger.chain.internal.node;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.chain.node.SystemAddresses;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.crypto.Hashing;
import io.openledger.token.Allocation;
import io.openledger.token.Genesis;
import io.openledger.token.StakingParams;
import io.openledger.token.TokenException;
import io.openledger.token.Vesting;
import java.util.List;
import java.util.function.Function;

/**
 * Vesting: the token module's {@link Vesting} run over the L2 ledger. At genesis every vesting bucket
 * of the token module's {@link Genesis} is escrowed in the ledger (its OPEN natively held by
 * TOKEN_LEDGER, see {@link Executor#initGenesis}); {@code release(bucket)}, callable by anyone as
 * OpenZeppelin's VestingWallet, moves what has vested by the block's timestamp from the bucket's
 * escrow to its beneficiary with the token module's code and pays it out natively.
 */
final class VestingContract extends SystemContract {
    private final Genesis genesis;
    private final StakingParams stakingParams;

    VestingContract(Genesis genesis, StakingParams stakingParams) {
        this.genesis = genesis;
        this.stakingParams = stakingParams;
        function("release(string)", this::release);
        function("vested(string)", view(c -> vesting(c).vested(bucket(c))));
        function("released(string)", view(c -> vesting(c).released(bucket(c))));
        function("releasable(string)", view(c -> vesting(c).releasable(bucket(c))));
        function(
                "beneficiary(string)",
                c -> CallContext.word(allocation(bucket(c)).beneficiary()));
    }

    @Override
    Address address() {
        return SystemAddresses.VESTING;
    }

    @Override
    String name() {
        return "Vesting";
    }

    private static String bucket(CallContext c) {
        return c.args().string(0);
    }

    private Allocation allocation(String bucket) {
        try {
            return genesis.allocation(bucket);
        } catch (IllegalArgumentException e) {
            throw new Revert("Vesting: " + e.getMessage());
        }
    }

    private Vesting vesting(CallContext c, L2Ledger l) {
        return new Vesting(l.token, genesis, l.clock);
    }

    private Vesting vesting(CallContext c) {
        return vesting(c, L2Ledger.of(c, stakingParams));
    }

    private Function<CallContext, Bytes> view(Function<CallContext, Amount> f) {
        return c -> {
            c.requireNoValue();
            allocation(bucket(c));
            return guarded(() -> f.apply(c)).toBytes32();
        };
    }

    private static <T> T guarded(java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (TokenException | IllegalArgumentException | IllegalStateException e) {
            throw new Revert("Vesting: " + e.getMessage());
        }
    }

    private Bytes release(CallContext c) {
        c.requireNoValue();
        String bucket = bucket(c);
        Allocation a = allocation(bucket);
        L2Ledger l = L2Ledger.of(c, stakingParams);
        Amount due = guarded(() -> vesting(c, l).release(bucket));
        l.withdrawTo(a.beneficiary(), a.beneficiary(), due);
        c.emit(
                "Released(string,address,uint256)",
                List.of(Hashing.keccak256(Bytes.utf8(bucket)), CallContext.topic(a.beneficiary())),
                Abi.encode(new AbiValue.Uint(256, due.toBigInteger())));
        return due.toBytes32();
    }
}
