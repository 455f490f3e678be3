package io.openledger.benchmarks.chain;

import io.openledger.chain.trie.MerklePatriciaTrie;
import io.openledger.core.Bytes;
import io.openledger.core.Hash;
import io.openledger.core.crypto.Hashing;
import io.openledger.core.crypto.PrivateKey;
import io.openledger.core.crypto.Signature;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Chain primitives throughput, in one run so the ratios compare on any machine:
 *
 * <ul>
 *   <li>Merkle Patricia Trie: insert N random 32-byte keys with 32–100-byte values into an empty trie
 *       and compute the root; keys/s for this module and for {@code @ethereumjs/mpt} 10 under Node on
 *       the same data (installed from npm into {@code benchmarks/target/ethereumjs-mpt} on first run),
 *       the ratio, and whether both roots agree;
 *   <li>secp256k1 public-key recoveries per second on one thread (core's Bouncy Castle path);
 *   <li>Keccak-256 throughput on 1 MiB buffers and on 32-byte inputs, one thread.
 * </ul>
 *
 * <p>Run: {@code mvn -B -q -pl benchmarks -am package -DskipTests && java -cp
 * "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
 * io.openledger.benchmarks.chain.ChainBenchmark [N]}. The last line printed is one JSON object.
 */
public final class ChainBenchmark {
    private ChainBenchmark() {}

    /** Entry point; the optional argument is N (default 100000). */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        SplittableRandom random = new SplittableRandom(20260101);
        List<Bytes> keys = new ArrayList<>(n);
        List<Bytes> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(randomBytes(random, 32));
            values.add(randomBytes(random, 32 + random.nextInt(69)));
        }

        // this module: best of 5 after 2 warm-up rounds
        Hash javaRoot = null;
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 7; round++) {
            long t0 = System.nanoTime();
            MerklePatriciaTrie trie = MerklePatriciaTrie.inMemory();
            for (int i = 0; i < n; i++) {
                trie.put(keys.get(i), values.get(i));
            }
            Hash root = trie.rootHash();
            long t = System.nanoTime() - t0;
            if (round >= 2) {
                best = Math.min(best, t);
            }
            javaRoot = root;
        }
        double javaKeysPerS = n / (best / 1e9);
        System.out.printf(
                Locale.ROOT,
                "openledger trie: %d keys in %.1f ms -> %.0f keys/s, root %s%n",
                n,
                best / 1e6,
                javaKeysPerS,
                javaRoot);

        NodeResult node = runEthereumJs(keys, values);
        if (node.error == null) {
            System.out.printf(
                    Locale.ROOT,
                    "@ethereumjs/mpt %s: %.1f ms -> %.0f keys/s, root %s%n",
                    node.version,
                    node.ms,
                    n / (node.ms / 1e3),
                    node.root);
        } else {
            System.out.println("@ethereumjs/mpt not measured: " + node.error);
        }

        double recoverPerS = secp256k1RecoverPerSecond();
        System.out.printf(Locale.ROOT, "secp256k1 recover: %.0f/s on one thread%n", recoverPerS);
        double keccakMbPerS = keccakMegabytesPerSecond();
        double keccak32PerS = keccakSmallPerSecond();
        System.out.printf(
                Locale.ROOT,
                "keccak256: %.1f MB/s (1 MiB inputs), %.0f hashes/s (32-byte inputs)%n",
                keccakMbPerS,
                keccak32PerS);

        String nodeKeys = node.error == null ? String.format(Locale.ROOT, "%.0f", n / (node.ms / 1e3)) : "null";
        String ratio =
                node.error == null ? String.format(Locale.ROOT, "%.2f", javaKeysPerS / (n / (node.ms / 1e3))) : "null";
        String rootsEqual =
                node.error == null ? Boolean.toString(javaRoot.toHex().equals(node.root)) : "null";
        System.out.printf(
                Locale.ROOT,
                "{\"benchmark\":\"chain\",\"trie_keys\":%d,\"openledger_trie_keys_per_s\":%.0f,\"ethereumjs_mpt_keys_per_s\":%s,"
                        + "\"trie_speedup_vs_ethereumjs\":%s,\"roots_equal\":%s,\"secp256k1_recover_per_s\":%.0f,"
                        + "\"keccak256_mb_per_s\":%.1f,\"keccak256_32B_per_s\":%.0f,\"cores\":%d}%n",
                n,
                javaKeysPerS,
                nodeKeys,
                ratio,
                rootsEqual,
                recoverPerS,
                keccakMbPerS,
                keccak32PerS,
                Runtime.getRuntime().availableProcessors());
    }

    private record NodeResult(double ms, String root, String version, String error) {}

    private static NodeResult runEthereumJs(List<Bytes> keys, List<Bytes> values) {
        try {
            Path dir = Path.of("benchmarks/target/ethereumjs-mpt").toAbsolutePath();
            Files.createDirectories(dir);
            if (!Files.isDirectory(dir.resolve("node_modules/@ethereumjs/mpt"))) {
                Files.writeString(
                        dir.resolve("package.json"), "{\"name\":\"mpt-bench\",\"private\":true,\"type\":\"module\"}");
                int rc = exec(
                        dir,
                        300,
                        "npm",
                        "install",
                        "--no-audit",
                        "--no-fund",
                        "--silent",
                        "@ethereumjs/mpt@10",
                        "@ethereumjs/util@10");
                if (rc != 0) {
                    return new NodeResult(0, "", "", "npm install failed with status " + rc);
                }
            }
            Path data = dir.resolve("data.txt");
            HexFormat hex = HexFormat.of();
            try (BufferedWriter w = Files.newBufferedWriter(data, StandardCharsets.US_ASCII)) {
                for (int i = 0; i < keys.size(); i++) {
                    w.write(hex.formatHex(keys.get(i).unsafeArray()));
                    w.write(' ');
                    w.write(hex.formatHex(values.get(i).unsafeArray()));
                    w.write('\n');
                }
            }
            Files.writeString(dir.resolve("bench.mjs"), """
                    import { MerklePatriciaTrie } from '@ethereumjs/mpt'
                    import { hexToBytes, bytesToHex } from '@ethereumjs/util'
                    import { readFileSync } from 'node:fs'
                    const version = JSON.parse(readFileSync('node_modules/@ethereumjs/mpt/package.json', 'utf8')).version
                    const pairs = readFileSync(process.argv[2], 'ascii').trim().split('\\n').map(l => l.split(' ').map(h => hexToBytes('0x' + h)))
                    let best = Infinity, root
                    for (let round = 0; round < 2; round++) {
                      const t0 = performance.now()
                      const trie = new MerklePatriciaTrie()
                      for (const [k, v] of pairs) await trie.put(k, v)
                      root = bytesToHex(trie.root())
                      const ms = performance.now() - t0
                      if (round > 0) best = Math.min(best, ms)
                    }
                    console.log(JSON.stringify({ ms: best, root, version }))
                    """);
            Path outFile = dir.resolve("result.json");
            ProcessBuilder pb = new ProcessBuilder("node", "bench.mjs", data.toString())
                    .directory(dir.toFile())
                    .redirectOutput(outFile.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            Process p = pb.start();
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new NodeResult(0, "", "", "node timed out");
            }
            if (p.exitValue() != 0) {
                return new NodeResult(0, "", "", "node exited with " + p.exitValue());
            }
            String json = Files.readString(outFile).trim();
            double ms = Double.parseDouble(field(json, "ms"));
            return new NodeResult(ms, field(json, "root"), field(json, "version"), null);
        } catch (IOException e) {
            return new NodeResult(0, "", "", "node or npm unavailable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new NodeResult(0, "", "", "interrupted");
        }
    }

    private static String field(String json, String name) {
        int i = json.indexOf("\"" + name + "\":");
        int start = i + name.length() + 3;
        if (json.charAt(start) == '"') {
            return json.substring(start + 1, json.indexOf('"', start + 1));
        }
        int end = start;
        while (end < json.length() && ",}".indexOf(json.charAt(end)) < 0) {
            end++;
        }
        return json.substring(start, end);
    }

    private static int exec(Path dir, int timeoutS, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static double secp256k1RecoverPerSecond() {
        PrivateKey key = PrivateKey.fromHex("4646464646464646464646464646464646464646464646464646464646464646");
        int m = 64;
        Hash[] hashes = new Hash[m];
        Signature[] sigs = new Signature[m];
        for (int i = 0; i < m; i++) {
            hashes[i] = Hashing.keccak256(Bytes.utf8("message " + i));
            sigs[i] = key.sign(hashes[i]);
        }
        for (int i = 0; i < 300; i++) {
            sigs[i % m].recover(hashes[i % m]).orElseThrow();
        }
        long count = 0;
        long t0 = System.nanoTime();
        long end = t0 + 3_000_000_000L;
        while (System.nanoTime() < end) {
            if (sigs[(int) (count % m)].recover(hashes[(int) (count % m)]).isEmpty()) {
                throw new IllegalStateException("recovery failed");
            }
            count++;
        }
        return count / ((System.nanoTime() - t0) / 1e9);
    }

    private static double keccakMegabytesPerSecond() {
        byte[] buf = new byte[1 << 20];
        new SplittableRandom(1).nextBytes(buf);
        for (int i = 0; i < 20; i++) {
            Hashing.keccak256(buf, 0, buf.length);
        }
        long bytes = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 2_000_000_000L) {
            Hashing.keccak256(buf, 0, buf.length);
            bytes += buf.length;
        }
        return bytes / 1e6 / ((System.nanoTime() - t0) / 1e9);
    }

    private static double keccakSmallPerSecond() {
        byte[] buf = new byte[32];
        long count = 0;
        for (int i = 0; i < 200_000; i++) {
            buf[i & 31]++;
            Hashing.keccak256(buf, 0, 32);
        }
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 2_000_000_000L) {
            for (int i = 0; i < 1000; i++) {
                buf[i & 31]++;
                Hashing.keccak256(buf, 0, 32);
            }
            count += 1000;
        }
        return count / ((System.nanoTime() - t0) / 1e9);
    }

    private static Bytes randomBytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return Bytes.wrap(b);
    }
}
