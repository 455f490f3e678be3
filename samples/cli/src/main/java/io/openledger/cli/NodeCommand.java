package io.openledger.cli;

import io.openledger.chain.abi.Abi;
import io.openledger.chain.abi.AbiValue;
import io.openledger.chain.node.L2Block;
import io.openledger.chain.node.L2Node;
import io.openledger.chain.node.SystemAddresses;
import io.openledger.chain.tx.DynamicFeeTransaction;
import io.openledger.core.Address;
import io.openledger.core.Amount;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.crypto.PrivateKey;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code openledger node}: runs the OpenLedger L2 node with its Ethereum JSON-RPC server. */
@Command(
        name = "node",
        mixinStandardHelpOptions = true,
        description = "Run the OpenLedger L2 node (OPEN as gas token, native system contracts, Ethereum JSON-RPC).",
        subcommands = {NodeCommand.Bench.class})
public final class NodeCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--dev",
            description = "Prefund the 20 accounts of the standard test mnemonic; a block per transaction.")
    boolean dev;

    @Option(names = "--chain-id", description = "Chain id (default ${DEFAULT-VALUE}).", defaultValue = "31337")
    long chainId;

    @Option(names = "--rpc-port", description = "JSON-RPC port (default ${DEFAULT-VALUE}).", defaultValue = "8545")
    int rpcPort;

    @Option(
            names = "--rpc-host",
            description = "Interface to bind (default ${DEFAULT-VALUE}: loopback only).",
            defaultValue = "127.0.0.1")
    String rpcHost;

    @Option(names = "--datadir", description = "RocksDB data directory (default: in memory, lost on exit).")
    Path datadir;

    @Option(
            names = "--block-time",
            description = "Seconds between blocks; 0 = a block per transaction (default 2, or 0 with --dev).")
    Double blockTime;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        L2Node.Builder b =
                L2Node.builder().dev(dev).chainId(chainId).rpcHost(rpcHost).rpcPort(rpcPort);
        if (datadir != null) {
            b.datadir(datadir);
        }
        if (blockTime != null) {
            b.blockTime(Duration.ofMillis(Math.round(blockTime * 1000)));
        }
        try (L2Node node = b.build()) {
            out.printf(
                    "OpenLedger L2 node, chain id %d, JSON-RPC at %s%n",
                    node.chainId(), node.rpcUrl().orElseThrow());
            out.printf(
                    "head block %d, state root %s%n",
                    node.head().number(), node.head().header().stateRoot());
            if (dev) {
                out.println(
                        "Accounts (10000 OPEN each, mnemonic \"test test test test test test test test test test test junk\"):");
                List<PrivateKey> keys = node.devKeys();
                for (int i = 0; i < keys.size(); i++) {
                    out.printf(
                            "  (%d) %s  key %s%n",
                            i,
                            keys.get(i).address().toChecksumHex(),
                            keys.get(i).secret().toHex());
                }
                out.println("These keys are public: never send real funds to them.");
            }
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }

    /** {@code node bench}: signed transfers and settlements through the mempool into sealed blocks. */
    @Command(
            name = "bench",
            mixinStandardHelpOptions = true,
            description = "Measure transfers/s and Mgas/s into sealed blocks.")
    static final class Bench implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--json", description = "Print one JSON line last.")
        boolean json;

        @Option(
                names = "--transfers",
                description = "Transfers to run (default ${DEFAULT-VALUE}).",
                defaultValue = "20000")
        int transfers;

        @Option(
                names = "--settlements",
                description = "Settlements in the mixed run (default ${DEFAULT-VALUE}).",
                defaultValue = "2000")
        int settlements;

        @Option(names = "--datadir", description = "Use RocksDB here instead of memory.")
        Path datadir;

        private static final long CHAIN = 31337;
        private static final Amount GWEI = Amount.of(1_000_000_000L);

        private L2Node node(Path dir) {
            L2Node.Builder b = L2Node.builder()
                    .dev(true)
                    .blockTime(Duration.ofHours(1))
                    .gasLimit(200_000_000)
                    .mempool(100_000, 1_000_000);
            if (dir != null) {
                b.datadir(dir);
            }
            return b.build();
        }

        private static Bytes sign(PrivateKey k, long nonce, Address to, Amount value, Bytes data, long gas) {
            return DynamicFeeTransaction.call(CHAIN, nonce, GWEI, GWEI.mul(10), gas, to, value, data)
                    .sign(k)
                    .encode();
        }

        record Run(int txs, int blocks, long gas, double seconds, double admitSeconds) {
            double perSecond() {
                return txs / seconds;
            }

            double mgas() {
                return gas / seconds / 1e6;
            }
        }

        private static Run drive(L2Node node, List<Bytes> raws) {
            long t0 = System.nanoTime();
            raws.parallelStream().forEach(node::submit); // sender recovery runs on every core
            long t1 = System.nanoTime();
            int blocks = 0;
            long gas = 0;
            int included = 0;
            while (node.pendingCount() > 0) {
                L2Block b = node.seal();
                blocks++;
                gas += b.header().gasUsed();
                included += b.transactions().size() - 1;
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (included != raws.size()) {
                throw new IllegalStateException(
                        "only " + included + " of " + raws.size() + " transactions were included");
            }
            return new Run(included, blocks, gas, s, (t1 - t0) / 1e9);
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Path dir = datadir;
            Run transferRun;
            Run mixedRun;
            Hash root;
            try (L2Node warm = node(null)) {
                drive(warm, transfers(warm.devKeys(), Math.min(transfers, 4000))); // JIT warm-up, not timed
            }
            try (L2Node node = node(dir == null ? null : dir.resolve("transfers"))) {
                List<Bytes> raws = transfers(node.devKeys(), transfers);
                transferRun = drive(node, raws);
                root = node.head().header().stateRoot();
            }
            try (L2Node node = node(dir == null ? null : dir.resolve("mixed"))) {
                List<PrivateKey> keys = node.devKeys();
                Bytes register = Abi.encodeCall(
                        "registerModel(bytes32,bytes32,bytes32[],string)",
                        List.of(
                                new AbiValue.FixedBytes(Hash.ZERO.bytes()), new AbiValue.FixedBytes(Hash.ZERO.bytes()),
                                new AbiValue.DynamicArray(List.of()), new AbiValue.Text("bench")));
                node.submit(sign(keys.get(0), 0, SystemAddresses.MODEL_REGISTRY, Amount.ZERO, register, 300_000));
                node.seal();
                int total = transfers + settlements;
                int every = Math.max(1, total / Math.max(1, settlements));
                List<Bytes> raws = new ArrayList<>();
                long[] nonces = new long[keys.size()];
                nonces[0] = 1;
                int settled = 0;
                for (int i = 0; i < total; i++) {
                    int s = i % keys.size();
                    if (settled < settlements && i % every == 0) {
                        List<AbiValue> cs = new ArrayList<>();
                        List<AbiValue> ws = new ArrayList<>();
                        for (int c = 0; c < 4; c++) {
                            cs.add(new AbiValue.AddressValue(recipient(i + c)));
                            ws.add(new AbiValue.Uint(256, BigInteger.valueOf(250_000_000_000_000_000L)));
                        }
                        Bytes data = Abi.encodeCall(
                                "settle(bytes32,uint256,uint64,uint64,address[],uint256[])",
                                List.of(
                                        new AbiValue.FixedBytes(Hashing.keccak256(Bytes.utf8("bench-" + i))
                                                .bytes()),
                                        AbiValue.Uint.of(1),
                                        AbiValue.Uint.of(800),
                                        AbiValue.Uint.of(200),
                                        new AbiValue.DynamicArray(cs),
                                        new AbiValue.DynamicArray(ws)));
                        raws.add(sign(
                                keys.get(s),
                                nonces[s]++,
                                SystemAddresses.INFERENCE_SETTLEMENT,
                                Amount.ONE_TOKEN,
                                data,
                                500_000));
                        settled++;
                    } else {
                        raws.add(sign(keys.get(s), nonces[s]++, recipient(i), Amount.of(1 + i), Bytes.EMPTY, 21_000));
                    }
                }
                mixedRun = drive(node, raws);
            }
            String line = String.format(
                    Locale.ROOT,
                    "{\"bench\":\"chain-node\",\"store\":\"%s\",\"cpus\":%d,\"transfers\":%d,\"transfersPerSec\":%.0f,\"admitSeconds\":%.2f,\"sealSeconds\":%.2f,"
                            + "\"transferBlocks\":%d,\"transferMgasPerSec\":%.2f,\"mixedTxs\":%d,\"mixedSettlements\":%d,"
                            + "\"mixedTxPerSec\":%.0f,\"mixedMgasPerSec\":%.2f,\"goalTransfersPerSec\":5000,\"meetsGoal\":%s,\"loadAverage\":%.2f}",
                    dir == null ? "memory" : "rocksdb",
                    Runtime.getRuntime().availableProcessors(),
                    transferRun.txs(),
                    transferRun.perSecond(),
                    transferRun.admitSeconds(),
                    transferRun.seconds() - transferRun.admitSeconds(),
                    transferRun.blocks(),
                    transferRun.mgas(),
                    mixedRun.txs(),
                    settlements,
                    mixedRun.perSecond(),
                    mixedRun.mgas(),
                    transferRun.perSecond() >= 5000,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            .getSystemLoadAverage());
            if (!json) {
                out.printf(
                        "transfers: %d in %d blocks, %.0f tx/s, %.2f Mgas/s, final state root %s%n",
                        transferRun.txs(), transferRun.blocks(), transferRun.perSecond(), transferRun.mgas(), root);
                out.printf(
                        "mixed (%d settlements): %d txs, %.0f tx/s, %.2f Mgas/s%n",
                        settlements, mixedRun.txs(), mixedRun.perSecond(), mixedRun.mgas());
            }
            out.println(line);
            out.flush();
            return 0;
        }

        private static Address recipient(int i) {
            return Address.of(Hashing.keccak256(Bytes.utf8("bench-recipient-" + (i % 5000)))
                    .bytes()
                    .slice(12));
        }

        private static List<Bytes> transfers(List<PrivateKey> keys, int n) {
            int senders = keys.size();
            return IntStream.range(0, n)
                    .parallel()
                    .mapToObj(i -> sign(
                            keys.get(i % senders), i / senders, recipient(i), Amount.of(1 + i), Bytes.EMPTY, 21_000))
                    .toList();
        }
    }
}
