package io.openledger.cli.demo;

import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.ContributorId;
import io.openledger.core.Hash;
import io.openledger.core.ManualClock;
import io.openledger.core.ModelId;
import io.openledger.core.contract.AttributionWeights;
import io.openledger.core.contract.InferenceRecord;
import io.openledger.core.contract.Settlement;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.token.Account;
import io.openledger.token.Allocation;
import io.openledger.token.Genesis;
import io.openledger.token.InferenceSettlement;
import io.openledger.token.Ledger;
import io.openledger.token.OpenToken;
import io.openledger.token.Staking;
import io.openledger.token.StakingParams;
import io.openledger.token.TokenParameters;
import io.openledger.token.Vesting;
import io.openledger.token.Votes;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The token: mint the genesis allocation on a double-entry ledger, settle a batch of inference fees
 * with an exact split by attribution weights, stake, slash, vest, and show that not one base unit
 * appeared or vanished. Uses the inference record and attribution weights of earlier steps when
 * there are any.
 */
public final class TokenStep implements DemoStep {
    static final int BATCH = 200;

    @Override
    public String title() {
        return "token: OPEN genesis, exact fee splits, staking and slashing on a double-entry ledger";
    }

    @Override
    public void run(DemoContext ctx) {
        Instant tge = Instant.parse("2026-01-01T00:00:00Z");
        ManualClock clock = new ManualClock(tge);
        Ledger ledger = Ledger.open(new InMemoryKeyValueStore(), clock);
        OpenToken token = new OpenToken(ledger);

        InferenceRecord first = ctx.get(InferenceRecord.class).orElseGet(TokenStep::demoRecord);
        AttributionWeights weights =
                ctx.get(AttributionWeights.class).filter(w -> !w.isEmpty()).orElseGet(TokenStep::demoWeights);
        Address caller = first.caller();
        Address operator = OpenToken.systemAddress("demo/operator");
        Address developer = OpenToken.systemAddress("demo/model-developer");

        Genesis genesis = Genesis.openDefaults(tge).withBeneficiary("liquidity", operator);
        token.mintGenesis(genesis);
        ctx.say(
                "minted the genesis allocation: total supply %s OPEN (%s base units)",
                token.totalSupply().toDecimalString(), token.totalSupply());
        for (Allocation a : genesis.allocations()) {
            ctx.say(
                    "  %-10s %13s OPEN  %s",
                    a.name(),
                    a.amount().toDecimalString(),
                    a.vesting() == null
                            ? "free at genesis"
                            : "cliff " + a.vesting().cliff().toDays() + " d, then linear "
                                    + a.vesting().linear().toDays() + " d");
        }
        token.mintGenesis(genesis);
        ctx.say(
                "minting again is recognised by its transfer ids: supply still %s OPEN",
                token.totalSupply().toDecimalString());

        Votes votes = new Votes(ledger, clock);
        Staking staking = new Staking(token, clock, StakingParams.defaults(), votes);
        token.transfer(operator, caller, Amount.tokens(1_000));
        Address staker = OpenToken.systemAddress("demo/staker");
        token.transfer(operator, staker, Amount.tokens(10_000));
        staking.stake(staker, Amount.tokens(10_000));
        votes.delegate(staker, staker);
        ctx.say("a staker bonds 10000 OPEN (and delegates the votes to itself)");

        TokenParameters params = new TokenParameters();
        InferenceSettlement settlement = new InferenceSettlement(token, params, staking);
        Settlement.SettlementResult firstResult =
                settlement.settle(new Settlement.SettlementRequest(first, developer, weights));
        ctx.say(
                "inference %s…: %d prompt + %d output tokens, fee %s OPEN",
                first.requestId().toHex().substring(0, 12),
                first.promptTokens().size(),
                first.outputTokens().size(),
                firstResult.fee().toDecimalString());
        Map<Address, String> names = new LinkedHashMap<>();
        names.put(developer, "model developer");
        names.put(Staking.rewardPool(), "stakers' reward pool");
        names.put(InferenceSettlement.defaultTreasury(), "protocol treasury");
        names.put(InferenceSettlement.defaultDust(), "dust");
        for (ContributorId c : weights.shares().keySet()) {
            names.put(
                    c.address(),
                    "contributor " + c.address().toHex().substring(0, 10) + "… ("
                            + weights.fractionOf(c).stripTrailingZeros().toPlainString() + ")");
        }
        for (var e : firstResult.payouts().entrySet()) {
            ctx.say(
                    "  %-40s %s OPEN",
                    names.getOrDefault(e.getKey(), e.getKey().toHex()),
                    e.getValue().toDecimalString());
        }
        Amount paid = firstResult.payouts().values().stream().reduce(Amount.ZERO, Amount::add);
        ctx.say("parts sum to the fee exactly: %s", paid.equals(firstResult.fee()) ? "yes" : "NO");
        Settlement.SettlementResult again =
                settlement.settle(new Settlement.SettlementRequest(first, developer, weights));
        ctx.say(
                "settling the same request again returns the first result and moves nothing: %s",
                again.equals(firstResult) ? "yes" : "NO");

        Amount fees = firstResult.fee();
        for (int i = 1; i < BATCH; i++) {
            InferenceRecord r = variant(first, i);
            fees = fees.add(settlement
                    .settle(new Settlement.SettlementRequest(r, developer, weights))
                    .fee());
        }
        ctx.say("settled a batch of %d inferences: %s OPEN in fees, every split exact", BATCH, fees.toDecimalString());
        Amount rewards = staking.claim(staker);
        ctx.say("the staker claims %s OPEN of rewards (reward per staked unit)", rewards.toDecimalString());

        clock.advance(Duration.ofDays(1));
        Amount slashed = staking.slash(staker, 1, 10);
        ctx.say(
                "slashing the staker by 10%%: %s OPEN moved to %s, bonded stake now %s OPEN",
                slashed.toDecimalString(),
                StakingParams.defaults().slashDestination().toHex().substring(0, 10) + "… (slashed pot)",
                staking.stakeOf(staker).toDecimalString());

        Vesting vesting = new Vesting(token, genesis, clock);
        clock.set(tge.plus(Duration.ofDays(730)));
        Amount released = vesting.release("team");
        ctx.say(
                "two years after genesis the team bucket releases %s OPEN (cliff 1 year, then 1/36 a month)",
                released.toDecimalString());

        BigInteger held = BigInteger.ZERO;
        int wallets = 0;
        for (Account a : ledger.accounts()) {
            if (a.ledger() == OpenToken.LEDGER && !a.id().equals(OpenToken.ISSUANCE)) {
                held = held.add(a.netCredit());
                wallets++;
            }
        }
        boolean conserved = held.equals(OpenToken.TOTAL_SUPPLY.toBigInteger());
        ctx.say(
                "conservation: %d accounts hold %s base units = total supply: %s",
                wallets, held, conserved ? "conserved" : "NOT CONSERVED");
        if (!conserved) {
            throw new IllegalStateException("supply not conserved: " + held);
        }
        ctx.put(Settlement.SettlementResult.class, firstResult);
    }

    private static InferenceRecord variant(InferenceRecord r, int i) {
        Hash id = Hashing.keccak256(r.requestId().bytes(), Bytes.utf8("#" + i));
        List<Integer> out = new ArrayList<>(r.outputTokens());
        out.addAll(Collections.nCopies(i % 50, 7));
        return new InferenceRecord(
                id,
                r.model(),
                r.adapter(),
                r.caller(),
                r.promptTokens(),
                out,
                r.trainedOn(),
                r.timings(),
                r.finishedAt());
    }

    private static Address demoCaller() {
        return OpenToken.systemAddress("demo/caller");
    }

    /** The inference the token and chain steps settle when no earlier step served one. */
    static InferenceRecord demoRecord() {
        return new InferenceRecord(
                Hashing.keccak256(Bytes.utf8("demo inference 1")),
                ModelId.of("demo-llama"),
                null,
                demoCaller(),
                Collections.nCopies(120, 1),
                Collections.nCopies(480, 2),
                List.of(),
                new InferenceRecord.Timings(Duration.ofMillis(3), Duration.ofMillis(40), Duration.ofMillis(900)),
                Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** Attribution weights for {@link #demoRecord} when no earlier step attributed one. */
    static AttributionWeights demoWeights() {
        Map<ContributorId, BigDecimal> scores = new LinkedHashMap<>();
        scores.put(ContributorId.of(OpenToken.systemAddress("demo/alice")), new BigDecimal("0.5"));
        scores.put(ContributorId.of(OpenToken.systemAddress("demo/bob")), new BigDecimal("0.3"));
        scores.put(ContributorId.of(OpenToken.systemAddress("demo/carol")), new BigDecimal("0.2"));
        return AttributionWeights.fromScores(scores);
    }
}
