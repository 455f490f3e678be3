package io.openledger.chain.node;

import io.openledger.chain.block.BaseFee;
import io.openledger.chain.internal.node.Executor;
import io.openledger.chain.internal.node.RpcMethods;
import io.openledger.chain.internal.node.RpcServer;
import io.openledger.chain.internal.node.Sequencer;
import io.openledger.chain.internal.node.WorldState;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Clock;
import io.openledger.core.Hash;
import io.openledger.core.crypto.PrivateKey;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.core.store.KeyValueStore;
import io.openledger.core.store.RocksDbKeyValueStore;
import io.openledger.token.Allocation;
import io.openledger.token.Genesis;
import io.openledger.token.GovernorParams;
import io.openledger.token.StakingParams;
import io.openledger.token.TokenParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * An OpenLedger L2 execution node: OPEN is the gas token, genesis is the token module's allocation,
 * blocks are sealed by an embedded sequencer and served over Ethereum JSON-RPC. Blocks, receipts and
 * state are stored in a {@link KeyValueStore} (RocksDB under a data directory, or memory); on
 * restart the node resumes at the last sealed block. Thread-safe.
 */
public final class L2Node implements AutoCloseable {
    /** Version string returned by {@code web3_clientVersion}. */
    public static final String CLIENT_VERSION = "OpenLedger/0.1.0/java";

    private final Sequencer sequencer;
    private final KeyValueStore store;
    private final boolean ownsStore;
    private final @Nullable RpcServer rpc;
    private final @Nullable ScheduledExecutorService ticker;
    private final List<PrivateKey> devKeys;
    private final Amount genesisSupply;

    private L2Node(Builder b) {
        this.devKeys = b.dev ? DevAccounts.standard(20) : List.of();
        Map<Address, Amount> alloc = new LinkedHashMap<>();
        Address liquidity = null;
        Address firstFree = null;
        Amount vesting = Amount.ZERO;
        for (Allocation a : b.genesis.allocations()) {
            if (a.vesting() != null) { // escrowed in the L2 ledger by the executor, released by Vesting
                vesting = vesting.add(a.amount());
                continue;
            }
            alloc.merge(a.beneficiary(), a.amount(), Amount::add);
            if (firstFree == null) {
                firstFree = a.beneficiary();
            }
            if (a.name().equals("liquidity")) {
                liquidity = a.beneficiary();
            }
        }
        if (b.dev) {
            if (firstFree == null) {
                throw new IllegalArgumentException(
                        "dev mode needs a genesis bucket that does not vest to fund the dev accounts");
            }
            Address from = liquidity != null ? liquidity : firstFree;
            for (PrivateKey k : devKeys) {
                alloc.put(from, alloc.get(from).sub(b.devBalance));
                alloc.merge(k.address(), b.devBalance, Amount::add);
            }
        }
        this.genesisSupply = alloc.values().stream().reduce(vesting, Amount::add);
        if (b.store != null) {
            this.store = b.store;
            this.ownsStore = false;
        } else if (b.datadir != null) {
            this.store = RocksDbKeyValueStore.open(b.datadir);
            this.ownsStore = true;
        } else {
            this.store = new InMemoryKeyValueStore();
            this.ownsStore = true;
        }
        TokenParameters tp = b.tokenParameters;
        Executor executor = new Executor(
                b.chainId,
                tp.feeSchedule(),
                tp.splitRatios(),
                tp.remainderPolicy(),
                b.stakingParams,
                b.governorParams,
                b.genesis);
        Sequencer.Config config = new Sequencer.Config(
                b.chainId,
                b.gasLimit,
                Amount.of(1_000_000_000L),
                Amount.of(1_000_000L),
                new BaseFee.Params(250, 6),
                b.genesisTime.getEpochSecond(),
                b.mempoolPerSender,
                b.mempoolCapacity,
                BATCHER);
        this.sequencer = new Sequencer(config, store, executor, b.clock, alloc);
        boolean automine = b.blockTime.isZero();
        try {
            this.rpc = b.rpcPort < 0
                    ? null
                    : new RpcServer(
                            new InetSocketAddress(b.rpcHost, b.rpcPort),
                            new RpcMethods(sequencer, () -> automine, CLIENT_VERSION),
                            b.maxRequestBytes);
        } catch (IOException e) {
            if (ownsStore) {
                store.close();
            }
            throw new UncheckedIOException("cannot bind JSON-RPC to " + b.rpcHost + ":" + b.rpcPort, e);
        }
        if (!automine) {
            ticker = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().factory());
            long ms = b.blockTime.toMillis();
            ticker.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
        } else {
            ticker = null;
        }
    }

    private void tick() {
        try {
            sequencer.seal();
        } catch (RuntimeException e) {
            System.getLogger(L2Node.class.getName()).log(System.Logger.Level.ERROR, "block production failed", e);
        }
    }

    /** A builder with dev-friendly defaults (chain id 31337, in-memory store, no RPC server). */
    public static Builder builder() {
        return new Builder();
    }

    /** The JSON-RPC URL, if a server runs. */
    public Optional<String> rpcUrl() {
        RpcServer r = rpc;
        return r == null ? Optional.empty() : Optional.of("http://127.0.0.1:" + r.port());
    }

    /** The bound RPC port, or -1. */
    public int rpcPort() {
        RpcServer r = rpc;
        return r == null ? -1 : r.port();
    }

    /** The chain id. */
    public long chainId() {
        return sequencer.chainId();
    }

    /** The 20 development keys in dev mode (empty otherwise). */
    public List<PrivateKey> devKeys() {
        return devKeys;
    }

    /** The OPEN in existence at genesis (the token module's total supply). */
    public Amount genesisSupply() {
        return genesisSupply;
    }

    /**
     * Admits a raw signed transaction to the mempool.
     *
     * @throws RpcException with Ethereum error wording; nothing is admitted
     */
    public Hash submit(Bytes rawTransaction) {
        return sequencer.submit(rawTransaction);
    }

    /** Queues an L1 deposit for the next block. */
    public void deposit(DepositTransaction deposit) {
        sequencer.queueDeposit(Objects.requireNonNull(deposit, "deposit"));
    }

    /** Seals a block now from the mempool and queued deposits (stored before it returns). */
    public L2Block seal() {
        return sequencer.seal();
    }

    /** The last sealed block. */
    public L2Block head() {
        return sequencer.head();
    }

    /** Sealed block {@code number}. */
    public Optional<L2Block> block(long number) {
        return number < 0 || number > sequencer.head().number() ? Optional.empty() : sequencer.block(number);
    }

    /** The block that holds transaction {@code tx} and its index there. */
    public Optional<Map.Entry<L2Block, Integer>> locate(Hash tx) {
        return sequencer.locate(tx).map(at -> Map.entry(sequencer.block(at[0]).orElseThrow(), (int) at[1]));
    }

    /**
     * Runs a read-only call against the head state (as {@code eth_call}) and returns its output.
     *
     * @throws RpcException with code 3 and "execution reverted: reason" if the call reverts
     */
    public Bytes call(Address from, Address to, Bytes data) {
        L2Block h = sequencer.head();
        WorldState s = sequencer.stateAt(h.number());
        Executor.CallResult r = sequencer
                .executor()
                .simulate(
                        s,
                        from,
                        to,
                        Amount.ZERO,
                        data,
                        new Executor.BlockEnv(
                                h.number() + 1,
                                h.header().timestamp() + 1,
                                sequencer.nextBaseFee(),
                                h.header().gasLimit()));
        if (!r.success()) {
            throw new RpcException(
                    RpcException.EXECUTION_REVERTED, "execution reverted: " + r.revertReason(), r.output());
        }
        return r.output();
    }

    /** Balance of {@code a} after the head block. */
    public Amount balance(Address a) {
        return sequencer.stateAt(sequencer.head().number()).balance(a);
    }

    /** Balance of {@code a} after block {@code number}. */
    public Amount balanceAt(Address a, long number) {
        return sequencer.stateAt(number).balance(a);
    }

    /** Nonce of {@code a} after the head block. */
    public long nonce(Address a) {
        return sequencer.stateAt(sequencer.head().number()).nonce(a);
    }

    /** Next nonce of {@code a} counting pending transactions. */
    public long pendingNonce(Address a) {
        return sequencer.pendingNonce(a);
    }

    /** Transactions waiting in the mempool. */
    public int pendingCount() {
        return sequencer.pendingCount();
    }

    /** Base fee of the next block. */
    public Amount nextBaseFee() {
        return sequencer.nextBaseFee();
    }

    /** Sum of all account balances after block {@code number} (for conservation checks). */
    public Amount totalBalance(long number) {
        WorldState s = sequencer.stateAt(number);
        Amount[] sum = {Amount.ZERO};
        s.forEachAccount((k, acc) -> sum[0] = sum[0].add(acc.balance()));
        return sum[0];
    }

    /**
     * The OPEN moved into the token module's ledger on L2 (staked, unbonding, unclaimed rewards,
     * slashed) after block {@code number}, by the ledger's own books; it equals the native balance of
     * {@link SystemAddresses#TOKEN_LEDGER}, which holds it in escrow.
     *
     * @throws IllegalStateException if the ledger's wallets and its escrow books disagree
     */
    public Amount ledgerHoldings(long number) {
        return Executor.ledgerHoldings(sequencer.stateAt(number));
    }

    /**
     * Re-executes {@code blocks} on a fresh in-memory copy of this node's genesis and returns the
     * state root after each; equal to the headers' roots when execution is deterministic.
     */
    public static List<Hash> replay(Builder genesisConfig, List<L2Block> blocks) {
        Builder copy = genesisConfig.copyForReplay();
        try (L2Node fresh = new L2Node(copy)) {
            return fresh.sequencer.replay(blocks);
        }
    }

    /** Stops block production and the RPC server, and closes the store if the node opened it. */
    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (rpc != null) {
            rpc.close();
        }
        synchronized (sequencer) {
            if (ownsStore) {
                store.close();
            }
        }
    }

    /** The address L1-info deposits name as batcher (a placeholder until batch submission exists). */
    private static final Address BATCHER = Address.fromHex("0x6f70656e6c65646765722d626174636865720001");

    /** Configures an {@link L2Node}. Not thread-safe. */
    public static final class Builder {
        private long chainId = 31337;
        private boolean dev;
        private @Nullable Path datadir;
        private @Nullable KeyValueStore store;
        private int rpcPort = -1;
        private String rpcHost = "127.0.0.1";
        private Duration blockTime = Duration.ofSeconds(2);
        private long gasLimit = 30_000_000;
        private Clock clock = Clock.system();
        private Genesis genesis = Genesis.openDefaults(Instant.parse("2025-09-08T00:00:00Z"));
        private Instant genesisTime = Instant.parse("2025-09-08T00:00:00Z");
        private Amount devBalance = Amount.tokens(10_000);
        private TokenParameters tokenParameters = new TokenParameters();
        private StakingParams stakingParams = StakingParams.defaults();
        private GovernorParams governorParams = GovernorParams.defaults();
        private int mempoolPerSender = 64;
        private int mempoolCapacity = 20_000;
        private int maxRequestBytes = 5 * 1024 * 1024;

        private Builder() {}

        private Builder copyForReplay() {
            Builder c = new Builder();
            c.chainId = chainId;
            c.dev = dev;
            c.gasLimit = gasLimit;
            c.clock = clock;
            c.genesis = genesis;
            c.genesisTime = genesisTime;
            c.devBalance = devBalance;
            c.tokenParameters = tokenParameters;
            c.stakingParams = stakingParams;
            c.governorParams = governorParams;
            c.blockTime = Duration.ZERO;
            return c;
        }

        /**
         * The chain id (default 31337).
         *
         * @throws IllegalArgumentException if not in [1, 2^53-1] (what JavaScript wallets can hold)
         */
        public Builder chainId(long chainId) {
            if (chainId < 1 || chainId > (1L << 53) - 1) {
                throw new IllegalArgumentException("chainId must be in [1, 9007199254740991], got " + chainId);
            }
            this.chainId = chainId;
            return this;
        }

        /** Dev mode: prefund the 20 standard mnemonic accounts and seal a block per transaction. */
        public Builder dev(boolean dev) {
            this.dev = dev;
            if (dev) {
                this.blockTime = Duration.ZERO;
            }
            return this;
        }

        /** Store everything in RocksDB under {@code dir}. */
        public Builder datadir(Path dir) {
            this.datadir = Objects.requireNonNull(dir, "datadir");
            return this;
        }

        /** Store everything in {@code store} (the node does not close it). */
        public Builder store(KeyValueStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Serve JSON-RPC on {@code port} (0 = any free port; default: no server).
         *
         * @throws IllegalArgumentException if not in [0, 65535]
         */
        public Builder rpcPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("rpcPort must be in [0, 65535], got " + port);
            }
            this.rpcPort = port;
            return this;
        }

        /** The interface to bind (default 127.0.0.1, loopback only). */
        public Builder rpcHost(String host) {
            this.rpcHost = Objects.requireNonNull(host, "rpcHost");
            return this;
        }

        /**
         * Seal a block every {@code blockTime} (default 2 s); zero seals one per accepted transaction.
         *
         * @throws IllegalArgumentException if negative or above one hour
         */
        public Builder blockTime(Duration blockTime) {
            if (blockTime.isNegative() || blockTime.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("blockTime must be in [0, 1h], got " + blockTime);
            }
            this.blockTime = blockTime;
            return this;
        }

        /**
         * The block gas limit (default 30,000,000).
         *
         * @throws IllegalArgumentException if not in [1,000,000, 1,000,000,000]
         */
        public Builder gasLimit(long gasLimit) {
            if (gasLimit < 1_000_000 || gasLimit > 1_000_000_000) {
                throw new IllegalArgumentException("gasLimit must be in [1000000, 1000000000], got " + gasLimit);
            }
            this.gasLimit = gasLimit;
            return this;
        }

        /** The clock block timestamps come from. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The token module's genesis allocation (default {@link Genesis#openDefaults}). */
        public Builder genesis(Genesis genesis, Instant genesisTime) {
            this.genesis = Objects.requireNonNull(genesis, "genesis");
            this.genesisTime = Objects.requireNonNull(genesisTime, "genesisTime");
            return this;
        }

        /**
         * OPEN given to each dev account, taken from the liquidity bucket (default 10,000).
         *
         * @throws IllegalArgumentException if zero or above 1,000,000 OPEN
         */
        public Builder devBalance(Amount devBalance) {
            if (devBalance.isZero() || devBalance.greaterThan(Amount.tokens(1_000_000))) {
                throw new IllegalArgumentException("devBalance must be in (0, 1000000 OPEN], got " + devBalance);
            }
            this.devBalance = devBalance;
            return this;
        }

        /** Fee schedule, split ratios and remainder policy of InferenceSettlement. */
        public Builder tokenParameters(TokenParameters p) {
            this.tokenParameters = Objects.requireNonNull(p, "tokenParameters");
            return this;
        }

        /** Unbonding delay and slash destination of the Staking system contract (default {@link StakingParams#defaults()}). */
        public Builder stakingParams(StakingParams p) {
            this.stakingParams = Objects.requireNonNull(p, "stakingParams");
            return this;
        }

        /**
         * Voting delay and period, quorum, threshold, timelock and grace period of the Governance
         * system contract, in seconds of block time (default {@link GovernorParams#defaults()}).
         */
        public Builder governorParams(GovernorParams p) {
            this.governorParams = Objects.requireNonNull(p, "governorParams");
            return this;
        }

        /**
         * Mempool limits (defaults 64 per sender, 20,000 overall).
         *
         * @throws IllegalArgumentException if perSender is not in [1, 100000] or capacity not in [1, 10000000]
         */
        public Builder mempool(int perSender, int capacity) {
            if (perSender < 1 || perSender > 100_000) {
                throw new IllegalArgumentException("perSender must be in [1, 100000], got " + perSender);
            }
            if (capacity < 1 || capacity > 10_000_000) {
                throw new IllegalArgumentException("capacity must be in [1, 10000000], got " + capacity);
            }
            this.mempoolPerSender = perSender;
            this.mempoolCapacity = capacity;
            return this;
        }

        /** The node. */
        public L2Node build() {
            return new L2Node(this);
        }
    }
}
