package io.openledger.token;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.Hash;
import io.openledger.core.contract.InferenceRecord;
import io.openledger.core.contract.Settlement;
import io.openledger.core.crypto.Hashing;
import io.openledger.token.internal.Accounts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The token module's {@link Settlement}: charges the caller's wallet the fee of {@link
 * TokenParameters#feeSchedule()} into an escrow wallet and pays the {@link FeeSplit} parts out of
 * it (model developer, staking reward pool, data contributors, protocol treasury, dust), as one
 * linked chain of ledger transfers, all or nothing (reference §3.4). Leg {@code i} has the id {@link #legId(Hash, int)}, so settling the same request
 * again finds the recorded legs and returns the first result without moving money; this holds
 * across restarts because the ledger is the only state. Thread-safe.
 */
public final class InferenceSettlement implements Settlement {
    /** Transfer code of settlement legs. */
    public static final int CODE_SETTLEMENT = 3;

    private final OpenToken token;
    private final TokenParameters parameters;
    private final @Nullable Staking staking;
    private final Address protocolTreasury;
    private final Address dust;

    /**
     * A settlement paying into {@code token}'s wallets.
     *
     * @param staking where stakers' rewards are accounted; if null, the stakers' part goes to dust
     */
    public InferenceSettlement(
            OpenToken token,
            TokenParameters parameters,
            @Nullable Staking staking,
            Address protocolTreasury,
            Address dust) {
        this.token = token;
        this.parameters = parameters;
        this.staking = staking;
        this.protocolTreasury = protocolTreasury;
        this.dust = dust;
    }

    /** A settlement with the default treasury and dust system wallets. */
    public InferenceSettlement(OpenToken token, TokenParameters parameters, @Nullable Staking staking) {
        this(token, parameters, staking, defaultTreasury(), defaultDust());
    }

    /** The default protocol treasury wallet. */
    public static Address defaultTreasury() {
        return OpenToken.systemAddress("protocol/treasury");
    }

    /** The default dust wallet. */
    public static Address defaultDust() {
        return OpenToken.systemAddress("dust");
    }

    /** The id of leg {@code index} of the settlement of {@code requestId}. */
    public static TransferId legId(Hash requestId, int index) {
        return TransferId.derive("open/settle", requestId.bytes(), Bytes.utf8(Integer.toString(index)));
    }

    /** The fee this settlement would charge for {@code record}. */
    public Amount feeOf(InferenceRecord record) {
        return parameters
                .feeSchedule()
                .fee(record.promptTokens().size(), record.outputTokens().size());
    }

    @Override
    public synchronized SettlementResult settle(SettlementRequest request) {
        InferenceRecord rec = request.record();
        Hash reference =
                Hashing.keccak256(Bytes.utf8("open/settle"), rec.requestId().bytes());
        SettlementResult earlier = recorded(request, reference);
        if (earlier != null) {
            return earlier;
        }
        Amount fee = feeOf(rec);
        boolean stakers = staking != null && !staking.totalStaked().isZero();
        FeeSplit split = FeeSplit.compute(
                fee, parameters.splitRatios(), request.weights(), stakers, parameters.remainderPolicy());
        Map<Address, Amount> payouts = new LinkedHashMap<>();
        payouts.merge(request.modelOwner(), split.modelDeveloper(), Amount::add);
        payouts.merge(Staking.rewardPool(), split.stakers(), Amount::add);
        for (Map.Entry<ContributorId, Amount> e : split.contributors().entrySet()) {
            payouts.merge(e.getKey().address(), e.getValue(), Amount::add);
        }
        payouts.merge(protocolTreasury, split.protocol(), Amount::add);
        payouts.merge(dust, split.dust(), Amount::add);
        payouts.values().removeIf(Amount::isZero);
        if (payouts.isEmpty()) {
            return new SettlementResult(rec.requestId(), fee, Map.of(), reference);
        }
        AccountId payer = OpenToken.walletOf(rec.caller());
        if (token.ledger().lookupAccount(payer).isEmpty()) {
            throw new SettlementException("caller " + rec.caller() + " has no OPEN wallet; nothing moved");
        }
        // Leg 0 takes the fee into escrow, legs 1..n pay it out (the caller may be a payee too).
        AccountId escrow = token.ensureWallet(escrowAddress());
        List<Transfer> legs = new ArrayList<>();
        legs.add(leg(rec.requestId(), 0, payer, escrow, fee, payouts.size() + 1));
        int i = 1;
        for (Map.Entry<Address, Amount> e : payouts.entrySet()) {
            legs.add(leg(rec.requestId(), i++, escrow, token.ensureWallet(e.getKey()), e.getValue(), 0));
        }
        List<TransferResult> rs;
        if (staking != null) {
            synchronized (staking) { // the reward's books move in the same chain as the fee
                if (stakers) {
                    legs.addAll(staking.rewardLegs(split.stakers()));
                }
                rs = token.ledger().createTransfers(Accounts.chain(legs));
            }
        } else {
            rs = token.ledger().createTransfers(Accounts.chain(legs));
        }
        TransferResult f = Accounts.firstFailure(rs);
        if (!f.isSuccess()) {
            throw new SettlementException("settlement of " + rec.requestId() + " for " + fee + " base units refused ("
                    + f + "); nothing moved");
        }
        if (rs.getFirst() == TransferResult.OK) {
            token.emit(new TokenEvent.TransferEvent(
                    rec.caller(), escrowAddress(), fee, legs.getFirst().id()));
            int k = 1;
            for (Map.Entry<Address, Amount> e : payouts.entrySet()) {
                token.emit(new TokenEvent.TransferEvent(
                        escrowAddress(), e.getKey(), e.getValue(), legs.get(k++).id()));
            }
        }
        return new SettlementResult(rec.requestId(), fee, payouts, reference);
    }

    /** The wallet a fee passes through within its settlement chain; it holds nothing between settlements. */
    public static Address escrowAddress() {
        return OpenToken.systemAddress("settlement/escrow");
    }

    private static Transfer leg(Hash requestId, int index, AccountId from, AccountId to, Amount amount, long userData) {
        return Transfer.builder(legId(requestId, index))
                .debit(from)
                .credit(to)
                .amount(amount)
                .ledger(OpenToken.LEDGER)
                .code(CODE_SETTLEMENT)
                .userData(userData)
                .build();
    }

    /**
     * Rebuilds the result of an earlier settlement from its recorded legs, or null if there is none.
     * Wallet ids are one-way hashes of addresses, so payees are matched against the addresses this
     * request can pay.
     */
    private @Nullable SettlementResult recorded(SettlementRequest request, Hash reference) {
        Hash requestId = request.record().requestId();
        var first = token.ledger().lookupTransfer(legId(requestId, 0));
        if (first.isEmpty()) {
            return null;
        }
        Map<AccountId, Address> candidates = new LinkedHashMap<>();
        for (Address a : List.of(
                request.record().caller(), request.modelOwner(), Staking.rewardPool(), protocolTreasury, dust)) {
            candidates.put(OpenToken.walletOf(a), a);
        }
        for (ContributorId c : request.weights().shares().keySet()) {
            candidates.put(OpenToken.walletOf(c.address()), c.address());
        }
        int n = (int) first.get().userData();
        Map<Address, Amount> payouts = new LinkedHashMap<>();
        Amount fee = first.get().amount();
        for (int i = 1; i < n; i++) {
            Transfer t = token.ledger().lookupTransfer(legId(requestId, i)).orElseThrow();
            Address a = candidates.get(t.creditAccountId());
            if (a == null) {
                throw new SettlementException("request " + requestId
                        + " was settled before with a payee this request does not name; nothing moved");
            }
            payouts.merge(a, t.amount(), Amount::add);
        }
        return new SettlementResult(requestId, fee, payouts, reference);
    }
}
