package io.openledger.chain.internal.node;

import io.openledger.chain.block.BaseFee;
import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.block.ListRoots;
import io.openledger.chain.block.LogsBloom;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.node.L2Block;
import io.openledger.chain.node.RpcException;
import io.openledger.chain.node.SystemAddresses;
import io.openledger.chain.op.L1BlockInfo;
import io.openledger.chain.trie.MerklePatriciaTrie;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.Transactions;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Clock;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.store.KeyValueStore;
import io.openledger.core.store.WriteBatch;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The sequencer: owns the head state, the mempool and the store; admits transactions and seals
 * blocks (L1-info deposit first, then queued deposits, then pending transactions by sender and
 * nonce up to the gas limit), writing each block with its state nodes in one atomic batch.
 * Thread-safe: every method is synchronized; signature recovery happens before the lock.
 */
public final class Sequencer {
    /** Settings fixed at genesis or start. */
    public record Config(
            long chainId,
            long gasLimit,
            Amount initialBaseFee,
            Amount minBaseFee,
            BaseFee.Params baseFeeParams,
            long genesisTimestamp,
            int mempoolPerSender,
            int mempoolCapacity,
            Address batcher) {}

    private final Config config;
    private final BufferedStore store;
    private final Executor executor;
    private final WorldState state;
    private final Mempool mempool;
    private final Clock clock;
    private final List<DepositTransaction> queuedDeposits = new ArrayList<>();
    private volatile L2Block head;

    /**
     * Opens the chain in {@code store}: recovers the last sealed block if there is one, else writes
     * genesis with {@code alloc}.
     */
    public Sequencer(Config config, KeyValueStore store, Executor executor, Clock clock, Map<Address, Amount> alloc) {
        this.config = config;
        this.store = new BufferedStore(store);
        this.executor = executor;
        this.clock = clock;
        this.mempool = new Mempool(config.mempoolPerSender(), config.mempoolCapacity());
        Optional<Long> h = ChainStore.head(store);
        if (h.isPresent()) {
            this.head = ChainStore.block(store, h.get())
                    .orElseThrow(() -> new IllegalStateException("head block " + h.get() + " missing"));
            this.state = new WorldState(this.store, head.header().stateRoot());
        } else {
            this.state = new WorldState(this.store, MerklePatriciaTrie.EMPTY_ROOT);
            for (Map.Entry<Address, Amount> e : alloc.entrySet()) {
                state.addBalance(e.getKey(), e.getValue());
            }
            executor.initGenesis(state, config.genesisTimestamp());
            Hash root = state.commit();
            BlockHeader header = header(
                    Hash.ZERO,
                    root,
                    List.of(),
                    List.of(),
                    0,
                    0,
                    config.genesisTimestamp(),
                    config.initialBaseFee(),
                    Hash.ZERO);
            L2Block genesis = new L2Block(header, List.of(), List.of(), List.of(), List.of());
            WriteBatch b = new WriteBatch();
            ChainStore.put(b, genesis, List.of());
            this.store.flush(b);
            this.head = genesis;
        }
    }

    /** The chain id. */
    public long chainId() {
        return config.chainId();
    }

    /** The configuration. */
    public Config config() {
        return config;
    }

    /** The executor (for simulated calls). */
    public Executor executor() {
        return executor;
    }

    /** The last sealed block. */
    public L2Block head() {
        return head;
    }

    /** The store sealed blocks are read from. */
    public KeyValueStore store() {
        return store.base();
    }

    /** A read-only view of the state after block {@code number}, which must be sealed. */
    public WorldState stateAt(long number) {
        L2Block b = ChainStore.block(store.base(), number)
                .orElseThrow(() -> new RpcException(RpcException.SERVER_ERROR, "header not found"));
        return new WorldState(store.base(), b.header().stateRoot());
    }

    /** The sealed block {@code n}. */
    public Optional<L2Block> block(long n) {
        return n == head.number() ? Optional.of(head) : ChainStore.block(store.base(), n);
    }

    /** The sealed block with hash {@code h}. */
    public Optional<L2Block> block(Hash h) {
        return ChainStore.numberOf(store.base(), h).flatMap(this::block);
    }

    /** (block, index) of a sealed transaction. */
    public Optional<long[]> locate(Hash tx) {
        return ChainStore.locate(store.base(), tx);
    }

    /** A pending (not yet sealed) transaction. */
    public synchronized Optional<Transaction> pending(Hash h) {
        return mempool.get(h).map(Mempool.Pending::tx);
    }

    /** Pending transactions in the pool. */
    public synchronized int pendingCount() {
        return mempool.size();
    }

    /** The next nonce of {@code a} counting pending transactions. */
    public synchronized long pendingNonce(Address a) {
        return mempool.pendingNonce(a, state.nonce(a));
    }

    /** The base fee the next block will have. */
    public Amount nextBaseFee() {
        BlockHeader p = head.header();
        if (p.number() == 0) {
            return config.initialBaseFee();
        }
        Amount next = BaseFee.next(p.baseFeePerGas().orElseThrow(), p.gasLimit(), p.gasUsed(), config.baseFeeParams());
        return next.max(config.minBaseFee());
    }

    /**
     * Decodes and checks a raw signed transaction and adds it to the mempool.
     *
     * @throws RpcException with Ethereum error wording; nothing is added
     */
    public Hash submit(Bytes raw) {
        Transaction tx;
        try {
            tx = Transactions.decode(raw);
        } catch (RuntimeException e) {
            throw new RpcException(RpcException.INVALID_PARAMS, "invalid transaction: " + e.getMessage());
        }
        Address sender = executor.checkStatic(tx); // signature recovery outside the lock
        return admit(tx, raw, sender);
    }

    /** Adds an already checked transaction (see {@link Executor#checkStatic}). */
    public synchronized Hash admit(Transaction tx, Bytes raw, Address sender) {
        Hash h = Hashing.keccak256(raw);
        executor.checkAgainstState(state, tx, raw, sender, nextBaseFee());
        mempool.add(new Mempool.Pending(tx, raw, sender, h));
        return h;
    }

    /** Queues an L1 deposit for the next block (after its L1-info deposit). */
    public synchronized void queueDeposit(DepositTransaction d) {
        queuedDeposits.add(d);
    }

    /** L1 origin of block {@code n}: one L1 block per 6 L2 blocks (12 s L1, 2 s L2), synthetic in this node. */
    private L1BlockInfo l1Info(long n, long timestamp) {
        long l1Number = n / 6;
        Hash l1Hash = Hashing.keccak256(Bytes.utf8("openledger/l1/" + l1Number));
        return L1BlockInfo.ecotone(
                l1Number,
                timestamp - timestamp % 12,
                Amount.of(1_000_000_000L),
                l1Hash,
                n % 6,
                config.batcher(),
                1368,
                810_949,
                Amount.ONE);
    }

    /**
     * Seals the next block from queued deposits and executable mempool transactions, stores it
     * atomically with its state and returns it.
     */
    public synchronized L2Block seal() {
        BlockHeader parent = head.header();
        long number = parent.number() + 1;
        long timestamp = Math.max(parent.timestamp() + 1, clock.now().getEpochSecond());
        Amount baseFee = nextBaseFee();
        Executor.BlockEnv env = new Executor.BlockEnv(number, timestamp, baseFee, config.gasLimit());
        List<Transaction> txs = new ArrayList<>();
        List<Bytes> encoded = new ArrayList<>();
        List<Receipt> receipts = new ArrayList<>();
        List<Address> senders = new ArrayList<>();
        List<Amount> fees = new ArrayList<>();
        long cumulative = 0;
        L1BlockInfo info = l1Info(number, timestamp);
        List<DepositTransaction> deposits = new ArrayList<>();
        deposits.add(info.toDepositTransaction());
        deposits.addAll(queuedDeposits);
        try {
            for (DepositTransaction d : deposits) {
                Executor.Outcome o = executor.applyDeposit(state, d, env, cumulative);
                cumulative = o.receipt().cumulativeGasUsed();
                txs.add(d);
                encoded.add(d.encode());
                receipts.add(o.receipt());
                senders.add(d.from());
                fees.add(Amount.ZERO);
            }
            Set<Address> blocked = new HashSet<>();
            for (Mempool.Pending p : mempool.executable(state::nonce)) {
                if (blocked.contains(p.sender())) {
                    continue;
                }
                if (Long.compareUnsigned(cumulative + p.tx().gasLimit(), config.gasLimit()) > 0) {
                    blocked.add(p.sender());
                    continue;
                }
                Executor.Outcome o;
                try {
                    o = executor.applySigned(state, p.tx(), p.raw(), p.sender(), env, cumulative);
                } catch (RpcException e) {
                    blocked.add(p.sender());
                    if (!e.getMessage().startsWith("max fee per gas less than block base fee")) {
                        mempool.remove(p);
                    }
                    continue;
                }
                mempool.remove(p);
                cumulative = o.receipt().cumulativeGasUsed();
                txs.add(p.tx());
                encoded.add(p.raw());
                receipts.add(o.receipt());
                senders.add(p.sender());
                fees.add(o.l1Fee());
            }
            Hash root = state.commit();
            Hash withdrawalsRoot =
                    state.account(SystemAddresses.L2_TO_L1_MESSAGE_PASSER).storageRoot();
            BlockHeader header = header(
                    parent.hash(), root, encoded, receipts, number, cumulative, timestamp, baseFee, withdrawalsRoot);
            L2Block block = new L2Block(header, txs, receipts, senders, fees);
            WriteBatch b = new WriteBatch();
            ChainStore.put(b, block, encoded);
            store.flush(b);
            head = block;
            queuedDeposits.clear(); // only once they are sealed: a failed block keeps them queued
            mempool.prune(state::nonce);
            return block;
        } catch (RuntimeException e) {
            store.discard();
            state.reset(parent.stateRoot());
            throw e;
        }
    }

    private BlockHeader header(
            Hash parent,
            Hash root,
            List<Bytes> encodedTxs,
            List<Receipt> receipts,
            long number,
            long gasUsed,
            long timestamp,
            Amount baseFee,
            Hash withdrawalsRoot) {
        LogsBloom bloom = LogsBloom.EMPTY;
        for (Receipt r : receipts) {
            bloom = bloom.or(r.logsBloom());
        }
        return new BlockHeader(
                parent,
                BlockHeader.EMPTY_OMMERS_HASH,
                SystemAddresses.SEQUENCER_FEE_VAULT,
                root,
                ListRoots.of(encodedTxs),
                ListRoots.receiptsRoot(receipts),
                bloom,
                BigInteger.ZERO,
                number,
                config.gasLimit(),
                gasUsed,
                timestamp,
                config.baseFeeParams().toHoloceneExtraData(),
                Hashing.keccak256(Bytes.utf8("openledger/randao/" + number)),
                Bytes.wrap(new byte[8]),
                Optional.of(baseFee),
                Optional.of(withdrawalsRoot.equals(Hash.ZERO) ? MerklePatriciaTrie.EMPTY_ROOT : withdrawalsRoot),
                OptionalLong.of(0),
                OptionalLong.of(0),
                Optional.of(Hash.ZERO),
                Optional.of(Hashing.sha256(Bytes.EMPTY)));
    }

    /**
     * Re-executes {@code blocks} (as sealed elsewhere) on this chain's state and returns the state
     * root after each; used to check that replay is deterministic.
     */
    public synchronized List<Hash> replay(List<L2Block> blocks) {
        List<Hash> roots = new ArrayList<>();
        for (L2Block blk : blocks) {
            BlockHeader h = blk.header();
            Executor.BlockEnv env = new Executor.BlockEnv(
                    h.number(), h.timestamp(), h.baseFeePerGas().orElseThrow(), h.gasLimit());
            long cumulative = 0;
            for (int i = 0; i < blk.transactions().size(); i++) {
                Transaction tx = blk.transactions().get(i);
                Executor.Outcome o = tx instanceof DepositTransaction d
                        ? executor.applyDeposit(state, d, env, cumulative)
                        : executor.applySigned(state, tx, blk.senders().get(i), env, cumulative);
                cumulative = o.receipt().cumulativeGasUsed();
            }
            roots.add(state.commit());
            store.flush(new WriteBatch());
        }
        return roots;
    }
}
