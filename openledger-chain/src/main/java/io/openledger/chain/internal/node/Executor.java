package io.openledger.chain.internal.node;

import io.openledger.chain.block.Log;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.node.RpcException;
import io.openledger.chain.node.SystemAddresses;
import io.openledger.chain.op.L1BlockInfo;
import io.openledger.chain.op.L1DataFee;
import io.openledger.chain.tx.AccessListTransaction;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.chain.tx.DynamicFeeTransaction;
import io.openledger.chain.tx.EthereumFork;
import io.openledger.chain.tx.LegacyTransaction;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.Transactions;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Clock;
import io.openledger.core.crypto.Hashing;
import io.openledger.token.Account;
import io.openledger.token.Allocation;
import io.openledger.token.FeeSchedule;
import io.openledger.token.FeeSplit;
import io.openledger.token.Genesis;
import io.openledger.token.GovernorParams;
import io.openledger.token.Ledger;
import io.openledger.token.OpenToken;
import io.openledger.token.SplitRatios;
import io.openledger.token.StakingParams;
import io.openledger.token.TransferIds;
import io.openledger.token.Vesting;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Applies transactions to a {@link WorldState}: OP Stack deposits (mint applied even when the call
 * fails, nonce bumped, no fee) and signed transfers and system-contract calls with EIP-1559 fees
 * (base fee to the BaseFeeVault and priority fee to the SequencerFeeVault, as the OP Stack does) and
 * the Fjord L1 data fee to the L1FeeVault. Contract creation and EVM bytecode are not supported.
 * Not thread-safe: the node calls it under its lock.
 */
public final class Executor {
    /** Block-level values a transaction sees. */
    public record BlockEnv(long number, long timestamp, Amount baseFee, long gasLimit) {}

    /** What applying one transaction did. */
    public record Outcome(
            Receipt receipt,
            long gasUsed,
            Amount effectiveGasPrice,
            Amount l1Fee,
            Bytes output,
            @Nullable String revertReason) {}

    static final Bytes SYSTEM_CODE = Bytes.of((byte) 0xfe);
    private final long chainId;
    private final Map<Address, SystemContract> contracts = new HashMap<>();

    private final StakingParams stakingParams;

    private final Genesis genesis;

    /**
     * An executor for chain {@code chainId} with the token module's fee parameters, default staking
     * and governance, and {@code genesis}'s vesting buckets.
     */
    public Executor(
            long chainId, FeeSchedule schedule, SplitRatios ratios, FeeSplit.RemainderPolicy policy, Genesis genesis) {
        this(chainId, schedule, ratios, policy, StakingParams.defaults(), GovernorParams.defaults(), genesis);
    }

    /**
     * An executor for chain {@code chainId} with the token module's fee, staking and governance
     * parameters; {@code genesis}'s vesting buckets are escrowed in the L2 ledger at genesis and
     * released by the Vesting contract.
     */
    public Executor(
            long chainId,
            FeeSchedule schedule,
            SplitRatios ratios,
            FeeSplit.RemainderPolicy policy,
            StakingParams stakingParams,
            GovernorParams governorParams,
            Genesis genesis) {
        this.chainId = chainId;
        this.stakingParams = stakingParams;
        this.genesis = genesis;
        StakingContract staking = new StakingContract(stakingParams);
        for (SystemContract c : List.of(
                new ModelRegistryContract(),
                new DatanetRegistryContract(),
                new SettlementContract(schedule, ratios, policy, staking),
                staking,
                new GovernanceContract(governorParams, stakingParams),
                new VestingContract(genesis, stakingParams),
                new TokenLedgerContract(),
                new MessagePasserContract(),
                new L1BlockContract())) {
            contracts.put(c.address(), c);
        }
    }

    /**
     * Writes the genesis part of the L2 ledger into {@code s}: the accounts of the token module's
     * OpenToken, Votes and Staking, the native-escrow bridge account, and every vesting bucket of the
     * genesis allocation escrowed in the ledger (its OPEN minted natively to TOKEN_LEDGER and credited
     * to the bucket's {@link io.openledger.token.Vesting#escrowAddress escrow wallet}); the caller
     * credits the other buckets natively (see {@link #vestingAllocations}). Also installs the
     * system-contract code markers.
     */
    public void initGenesis(WorldState s, long timestamp) {
        for (Address a : systemContracts()) {
            s.setCode(a, SYSTEM_CODE);
        }
        L2Ledger l = new L2Ledger(
                s, gas -> {}, timestamp, TransferIds.sequence("openledger/l2/genesis", Bytes.EMPTY), stakingParams);
        for (Allocation a : vestingAllocations(genesis)) {
            Address escrow = Vesting.escrowAddress(a.name());
            s.addBalance(escrow, a.amount());
            l.depositFrom(escrow, escrow, a.amount());
        }
    }

    /** The buckets of {@code genesis} that vest (escrowed in the L2 ledger at genesis), in order. */
    public static List<Allocation> vestingAllocations(Genesis genesis) {
        return genesis.allocations().stream().filter(a -> a.vesting() != null).toList();
    }

    /**
     * The OPEN held in the L2 ledger's wallets according to the ledger's own books (the bridge's net
     * debit) in state {@code s}; equals the native balance of {@link SystemAddresses#TOKEN_LEDGER}.
     */
    public static Amount ledgerHoldings(WorldState s) {
        Ledger ledger = Ledger.openUncached(L2Ledger.store(s, gas -> {}), Clock.system());
        Amount bridged = L2Ledger.bridged(ledger);
        BigInteger wallets = BigInteger.ZERO;
        for (Account a : ledger.accounts()) {
            if (a.ledger() == OpenToken.LEDGER && !a.id().equals(L2Ledger.BRIDGE)) {
                wallets = wallets.add(a.netCredit());
            }
        }
        if (!wallets.equals(bridged.toBigInteger())) {
            throw new IllegalStateException(
                    "L2 ledger books do not close: wallets hold " + wallets + ", bridged " + bridged.toBigInteger());
        }
        return bridged;
    }

    /** The system contract addresses (their accounts get a code marker at genesis). */
    public List<Address> systemContracts() {
        return List.copyOf(contracts.keySet());
    }

    /** The chain id. */
    public long chainId() {
        return chainId;
    }

    /**
     * Checks a signed transaction against the current state for admission (Ethereum error wording).
     *
     * @throws RpcException naming the first rule broken
     */
    public void checkAgainstState(WorldState s, Transaction tx, Bytes raw, Address sender, Amount baseFee) {
        long nonce = s.nonce(sender);
        if (Long.compareUnsigned(tx.nonce(), nonce) < 0) {
            throw new RpcException(
                    RpcException.SERVER_ERROR, "nonce too low: next nonce " + nonce + ", tx nonce " + tx.nonce());
        }
        // the L1 data fee is charged up front by applySigned, so a sender who cannot pay it would be
        // dropped at sealing without a receipt: refuse it here with the same wording
        Amount cost = feeCap(tx).mul(Amount.of(tx.gasLimit())).add(tx.value()).add(l1Fee(s, raw));
        if (s.balance(sender).lessThan(cost)) {
            throw new RpcException(
                    RpcException.SERVER_ERROR,
                    "insufficient funds for gas * price + value: address " + sender.toChecksumHex() + " have "
                            + s.balance(sender).toBigInteger() + " want " + cost.toBigInteger());
        }
    }

    /**
     * Stateless checks: type, chain id, signature, fee caps, intrinsic gas, no contract creation.
     *
     * @return the sender
     * @throws RpcException with Ethereum wording
     */
    public Address checkStatic(Transaction tx) {
        if (tx instanceof DepositTransaction) {
            throw new RpcException(RpcException.SERVER_ERROR, "transaction type not supported: deposits come from L1");
        }
        if (!(tx instanceof LegacyTransaction
                || tx instanceof AccessListTransaction
                || tx instanceof DynamicFeeTransaction)) {
            throw new RpcException(RpcException.SERVER_ERROR, "transaction type not supported");
        }
        if (tx.to().isEmpty()) {
            throw new RpcException(
                    RpcException.SERVER_ERROR,
                    "contract creation is not supported: this node executes native system contracts, not EVM bytecode");
        }
        try {
            return Transactions.validate(tx, chainId, EthereumFork.PRAGUE);
        } catch (io.openledger.chain.tx.InvalidTransactionException e) {
            String msg =
                    switch (e.reason()) {
                        case INVALID_CHAIN_ID -> "invalid chain id";
                        case INTRINSIC_GAS_TOO_LOW -> "intrinsic gas too low: " + e.getMessage();
                        case PRIORITY_ABOVE_MAX_FEE -> "max priority fee per gas higher than max fee per gas";
                        case INVALID_SIGNATURE, RECOVERY_FAILED -> "invalid sender: " + e.getMessage();
                        default -> "invalid transaction: " + e.getMessage();
                    };
            throw new RpcException(RpcException.SERVER_ERROR, msg);
        }
    }

    static Amount feeCap(Transaction tx) {
        return switch (tx) {
            case LegacyTransaction l -> l.gasPrice();
            case AccessListTransaction a -> a.gasPrice();
            case DynamicFeeTransaction d -> d.maxFeePerGas();
            default -> Amount.ZERO;
        };
    }

    static Amount tipCap(Transaction tx) {
        return switch (tx) {
            case DynamicFeeTransaction d -> d.maxPriorityFeePerGas();
            default -> feeCap(tx);
        };
    }

    /** The effective tip per gas at {@code baseFee} (zero or more), or empty if the fee cap is below it. */
    public static Optional<Amount> effectiveTip(Transaction tx, Amount baseFee) {
        Amount cap = feeCap(tx);
        if (cap.lessThan(baseFee)) {
            return Optional.empty();
        }
        return Optional.of(tipCap(tx).min(cap.sub(baseFee)));
    }

    private record InfoCache(Bytes raw, L1BlockInfo info) {}

    private volatile @Nullable InfoCache infoCache;

    /** The L1 data fee (Fjord) of a signed transaction's encoding, zero without L1 info. */
    public Amount l1Fee(WorldState s, Bytes encoded) {
        Bytes raw = s.storage(SystemAddresses.L1_BLOCK, L1BlockContract.INFO);
        if (raw.isEmpty()) {
            return Amount.ZERO;
        }
        InfoCache c = infoCache;
        if (c == null || !c.raw().equals(raw)) {
            c = new InfoCache(raw, L1BlockInfo.decode(raw));
            infoCache = c;
        }
        return L1DataFee.fjord(encoded, c.info());
    }

    /**
     * Applies a deposit. Never throws for a failing call: the mint stays and the receipt says failure.
     */
    public Outcome applyDeposit(WorldState s, DepositTransaction d, BlockEnv env, long cumulativeGas) {
        long depositNonce = s.nonce(d.from());
        s.addBalance(d.from(), d.mint());
        s.incrementNonce(d.from());
        int cp = s.checkpoint();
        long gas = Transactions.intrinsicGas(d, EthereumFork.PRAGUE);
        boolean ok = true;
        String reason = null;
        Bytes out = Bytes.EMPTY;
        List<Log> logs = List.of();
        try {
            if (d.to().isEmpty()) {
                throw new Revert("contract creation is not supported");
            }
            CallContext ctx =
                    run(s, d.from(), d.to().get(), d.value(), d.data(), env, new CallContext.TxScope(d::hash));
            gas += ctx.gasUsed;
            logs = ctx.logs;
            out = ctx.output;
            if (Long.compareUnsigned(gas, d.gasLimit()) > 0) {
                throw new Revert("out of gas");
            }
        } catch (Revert r) {
            s.revert(cp);
            ok = false;
            reason = r.getMessage();
            logs = List.of();
        }
        gas = Long.compareUnsigned(gas, d.gasLimit()) > 0 ? d.gasLimit() : gas;
        return new Outcome(
                Receipt.deposit(ok, cumulativeGas + gas, logs, depositNonce),
                gas,
                Amount.ZERO,
                Amount.ZERO,
                out,
                reason);
    }

    private CallContext run(
            WorldState s, Address from, Address to, Amount value, Bytes data, BlockEnv env, CallContext.TxScope scope) {
        if (s.balance(from).lessThan(value)) {
            throw new Revert("insufficient balance for transfer");
        }
        s.subBalance(from, value);
        s.addBalance(to, value);
        CallContext ctx =
                new CallContext(s, from, to, value, data, env.number(), env.timestamp(), scope, this::nestedCall);
        SystemContract c = contracts.get(to);
        if (c != null) {
            ctx.output = c.call(ctx);
        } else if (!s.code(to).isEmpty()) {
            throw new Revert("calls to EVM bytecode are not supported");
        }
        return ctx;
    }

    /** A call from one system contract to another within the same transaction (no value). */
    private Bytes nestedCall(CallContext parent, Address from, Address to, Bytes data) {
        SystemContract c = contracts.get(to);
        if (c == null) {
            throw new Revert("call target " + to.toChecksumHex() + " is not a system contract");
        }
        CallContext child = new CallContext(
                parent.state,
                from,
                to,
                Amount.ZERO,
                data,
                parent.blockNumber,
                parent.timestamp,
                parent.tx,
                this::nestedCall);
        Bytes out = c.call(child);
        parent.logs.addAll(child.logs);
        parent.gas(child.gasUsed);
        return out;
    }

    /**
     * Applies a signed transaction already admitted ({@link #checkStatic}); the nonce and balance are
     * checked again here since the state moved on.
     *
     * @throws RpcException if it cannot be included (nothing changed)
     */
    public Outcome applySigned(WorldState s, Transaction tx, Address sender, BlockEnv env, long cumulativeGas) {
        return applySigned(s, tx, tx.encode(), sender, env, cumulativeGas);
    }

    /** As {@link #applySigned(WorldState, Transaction, Address, BlockEnv, long)} with the encoding at hand. */
    public Outcome applySigned(
            WorldState s, Transaction tx, Bytes encoded, Address sender, BlockEnv env, long cumulativeGas) {
        if (s.nonce(sender) != tx.nonce()) {
            throw new RpcException(RpcException.SERVER_ERROR, "nonce mismatch: next nonce " + s.nonce(sender));
        }
        Optional<Amount> tip = effectiveTip(tx, env.baseFee());
        if (tip.isEmpty()) {
            throw new RpcException(RpcException.SERVER_ERROR, "max fee per gas less than block base fee");
        }
        Amount price = env.baseFee().add(tip.get());
        Amount l1Fee = l1Fee(s, encoded);
        Amount gasLimit = Amount.of(tx.gasLimit());
        Amount upfront = gasLimit.mul(price).add(l1Fee);
        if (s.balance(sender).lessThan(feeCap(tx).mul(gasLimit).add(tx.value()).add(l1Fee))) {
            throw new RpcException(RpcException.SERVER_ERROR, "insufficient funds for gas * price + value + l1 fee");
        }
        s.subBalance(sender, upfront);
        s.incrementNonce(sender);
        long intrinsic = Transactions.intrinsicGas(tx, EthereumFork.PRAGUE);
        long floor = Transactions.floorDataGas(tx); // EIP-7623: gas used is at least the calldata floor
        long gas = intrinsic;
        int cp = s.checkpoint();
        boolean ok = true;
        String reason = null;
        Bytes out = Bytes.EMPTY;
        List<Log> logs = List.of();
        try {
            CallContext ctx = run(
                    s,
                    sender,
                    tx.to().orElseThrow(),
                    tx.value(),
                    tx.data(),
                    env,
                    new CallContext.TxScope(() -> Hashing.keccak256(encoded)));
            gas = Math.max(gas + ctx.gasUsed, floor);
            logs = ctx.logs;
            out = ctx.output;
            if (Long.compareUnsigned(gas, tx.gasLimit()) > 0) {
                throw new Revert("out of gas");
            }
        } catch (Revert r) {
            s.revert(cp);
            ok = false;
            reason = r.getMessage();
            out = r.data();
            logs = List.of();
            gas = Math.min(Math.max(gas, floor), tx.gasLimit());
        }
        Amount used = Amount.of(gas);
        s.addBalance(sender, gasLimit.sub(used).mul(price));
        s.addBalance(SystemAddresses.BASE_FEE_VAULT, used.mul(env.baseFee()));
        s.addBalance(SystemAddresses.SEQUENCER_FEE_VAULT, used.mul(tip.get()));
        s.addBalance(SystemAddresses.L1_FEE_VAULT, l1Fee);
        return new Outcome(Receipt.of(tx.type(), ok, cumulativeGas + gas, logs), gas, price, l1Fee, out, reason);
    }

    /** Result of a simulated call. */
    public record CallResult(
            boolean success,
            long gasUsed,
            Bytes output,
            @Nullable String revertReason) {}

    /** Simulates a call (eth_call, eth_estimateGas); the state is left as it was. */
    public CallResult simulate(WorldState s, Address from, Address to, Amount value, Bytes data, BlockEnv env) {
        int cp = s.checkpoint();
        long gas = 21_000;
        long floor = 21_000;
        for (int i = 0; i < data.size(); i++) {
            gas += data.get(i) == 0 ? 4 : 16;
            floor += data.get(i) == 0 ? 10 : 40;
        }
        try {
            if (!value.isZero() && s.balance(from).lessThan(value)) {
                s.addBalance(from, value); // eth_call may run from an unfunded account
            }
            CallContext ctx = run(
                    s,
                    from,
                    to,
                    value,
                    data,
                    env,
                    new CallContext.TxScope(
                            () -> Hashing.keccak256(Bytes.utf8("openledger/l2/call"), from.bytes(), to.bytes(), data)));
            return new CallResult(true, Math.max(gas + ctx.gasUsed, floor), ctx.output, null);
        } catch (Revert r) {
            return new CallResult(false, gas, r.data(), r.getMessage());
        } finally {
            s.revert(cp);
        }
    }
}
