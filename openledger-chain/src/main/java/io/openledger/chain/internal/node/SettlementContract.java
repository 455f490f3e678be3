package io.openledger.chain.internal.node;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.chain.node.SystemAddresses;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.Hash;
import io.openledger.core.contract.AttributionWeights;
import io.openledger.token.FeeSchedule;
import io.openledger.token.FeeSplit;
import io.openledger.token.InferenceSettlement;
import io.openledger.token.SplitRatios;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * InferenceSettlement: the sender pays one inference's fee in OPEN (the call's value; any excess is
 * returned) and the fee is split by the token module's {@link FeeSplit#compute} with its {@link
 * FeeSchedule} and {@link SplitRatios} to the model's owner, the stakers (through {@link
 * StakingContract}), the contributors by attribution weight and the protocol treasury, with anything
 * unattributable to the token module's dust address. The stakers' part moves into the L2 ledger's
 * reward pool and is accounted by the token module's {@code Staking}. Each request hash settles once.
 */
final class SettlementContract extends SystemContract {
    static final int MAX_CONTRIBUTORS = 256;
    private final FeeSchedule schedule;
    private final SplitRatios ratios;
    private final FeeSplit.RemainderPolicy policy;
    private final StakingContract staking;

    SettlementContract(
            FeeSchedule schedule, SplitRatios ratios, FeeSplit.RemainderPolicy policy, StakingContract staking) {
        this.staking = staking;
        this.schedule = schedule;
        this.ratios = ratios;
        this.policy = policy;
        function("settle(bytes32,uint256,uint64,uint64,address[],uint256[])", this::settle);
        function("feeOf(uint64,uint64)", c -> {
            AbiReader a = c.args();
            return fee(a.uint64(0), a.uint64(1)).toBytes32();
        });
        function(
                "isSettled(bytes32)",
                c -> CallContext.word(c.storage(doneSlot(c.args().bytes32(0))).isEmpty() ? 0 : 1));
    }

    @Override
    Address address() {
        return SystemAddresses.INFERENCE_SETTLEMENT;
    }

    @Override
    String name() {
        return "InferenceSettlement";
    }

    private Amount fee(long in, long out) {
        if (in < 0 || out < 0) {
            throw new Revert("InferenceSettlement: token counts above 2^63-1");
        }
        return schedule.fee(in, out);
    }

    static Hash doneSlot(Hash request) {
        return CallContext.slot("settled", request.bytes());
    }

    private Bytes settle(CallContext c) {
        AbiReader a = c.args();
        Hash request = a.bytes32(0);
        long modelId = a.uint64(1);
        Amount fee = fee(a.uint64(2), a.uint64(3));
        List<Address> contributors = a.addressArray(4, MAX_CONTRIBUTORS);
        List<Amount> weights = a.uint256Array(5, MAX_CONTRIBUTORS);
        if (contributors.size() != weights.size()) {
            throw new Revert(
                    "InferenceSettlement: " + contributors.size() + " contributors but " + weights.size() + " weights");
        }
        if (!c.storage(doneSlot(request)).isEmpty()) {
            throw new Revert("InferenceSettlement: request already settled");
        }
        Address developer = ModelRegistryContract.ownerOf(c.state, modelId);
        if (developer.equals(Address.ZERO)) {
            throw new Revert("InferenceSettlement: unknown model " + modelId);
        }
        if (c.value.lessThan(fee)) {
            throw new Revert("InferenceSettlement: payment " + c.value.toBigInteger() + " is below the fee "
                    + fee.toBigInteger());
        }
        AttributionWeights w;
        try {
            Map<ContributorId, Long> shares = new TreeMap<>();
            for (int i = 0; i < contributors.size(); i++) {
                if (shares.put(
                                ContributorId.of(contributors.get(i)),
                                weights.get(i).longValueExact())
                        != null) {
                    throw new IllegalArgumentException("contributor repeated: " + contributors.get(i));
                }
            }
            w = contributors.isEmpty() ? AttributionWeights.empty() : AttributionWeights.ofShares(shares);
        } catch (RuntimeException e) {
            throw new Revert("InferenceSettlement: bad attribution weights: " + e.getMessage());
        }
        c.store(doneSlot(request), Bytes.of((byte) 1));
        boolean stakers = staking.hasStakers(c);
        FeeSplit split = FeeSplit.compute(fee, ratios, w, stakers, policy);
        c.pay(c.sender, c.value.sub(fee));
        c.pay(developer, split.modelDeveloper());
        if (!split.stakers().isZero()) {
            staking.reward(c, split.stakers()); // into the ledger's reward pool, through the token module's Staking
        }
        for (Map.Entry<ContributorId, Amount> e : split.contributors().entrySet()) {
            c.pay(e.getKey().address(), e.getValue());
            c.emit(
                    "ContributorPaid(bytes32,address,uint256)",
                    List.of(request, CallContext.topic(e.getKey().address())),
                    Abi.encode(new AbiValue.Uint(256, e.getValue().toBigInteger())));
        }
        c.pay(InferenceSettlement.defaultTreasury(), split.protocol());
        c.pay(InferenceSettlement.defaultDust(), split.dust());
        Amount contributorTotal = split.contributors().values().stream().reduce(Amount.ZERO, Amount::add);
        c.gas(5_000L * contributors.size());
        c.emit(
                "InferenceSettled(bytes32,uint256,address,uint256,uint256,uint256,uint256,uint256)",
                List.of(request, CallContext.topic(modelId), CallContext.topic(c.sender)),
                Abi.encode(
                        new AbiValue.Uint(256, fee.toBigInteger()),
                        new AbiValue.Uint(256, split.modelDeveloper().toBigInteger()),
                        new AbiValue.Uint(256, split.stakers().toBigInteger()),
                        new AbiValue.Uint(256, contributorTotal.toBigInteger()),
                        new AbiValue.Uint(256, split.protocol().toBigInteger())));
        return fee.toBytes32();
    }
}
