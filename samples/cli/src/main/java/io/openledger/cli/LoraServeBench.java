package io.openledger.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.core.AdapterId;
import io.openledger.core.Address;
import io.openledger.core.Clock;
import io.openledger.core.FileTrees;
import io.openledger.core.ModelId;
import io.openledger.core.contract.InferenceRecord;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.lora.AdapterConfig;
import io.openledger.lora.AdapterMerge;
import io.openledger.lora.DType;
import io.openledger.lora.LoraAdapter;
import io.openledger.lora.ModelConfig;
import io.openledger.lora.TestModels;
import io.openledger.lora.WeightFormat;
import io.openledger.lora.internal.KernelSelector;
import io.openledger.lora.internal.Kernels;
import io.openledger.lora.internal.Matrix;
import io.openledger.lora.serving.AdapterCache;
import io.openledger.lora.serving.AdapterMix;
import io.openledger.lora.serving.AdapterRecord;
import io.openledger.lora.serving.AdapterRegistry;
import io.openledger.lora.serving.Backend;
import io.openledger.lora.serving.GenerationHandle;
import io.openledger.lora.serving.GenerationRequest;
import io.openledger.lora.serving.GenerationResult;
import io.openledger.lora.serving.LoraServer;
import io.openledger.lora.serving.ServingMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The multi-adapter serving benchmark behind {@code openledger lora serve-bench}: generates a base
 * model and N PEFT adapters (ranks 8, 16, 32 in turn, all linear modules), registers them, and
 * measures in one run: batched throughput with distinct adapters vs one shared adapter, batched vs
 * one-at-a-time, cold-load latency of rank-16 adapters, the cost of a hot switch, the peak resident
 * adapter bytes against the budget while every adapter is served, and the fraction of the measured
 * memory bandwidth the batched decode reaches.
 */
public final class LoraServeBench {
    static final List<String> ALL_LINEAR =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    private LoraServeBench() {}

    /**
     * Benchmark sizes.
     *
     * @param layers decoder layers
     * @param hidden hidden size
     * @param heads attention heads
     * @param kvHeads key/value heads (grouped-query attention when fewer than heads)
     * @param intermediate MLP width
     * @param vocab vocabulary size
     * @param adapters adapters registered and served
     * @param batch requests per batch
     * @param genTokens tokens generated per request in the throughput runs
     * @param budgetBytes adapter cache budget
     * @param threads kernel threads
     * @param weights in-memory form of the base weights
     * @param adapterForm the form the cache keeps adapters in (F32 or BF16)
     * @param workDir where the model and adapters are written
     */
    public record Options(
            int layers,
            int hidden,
            int heads,
            int kvHeads,
            int intermediate,
            int vocab,
            int adapters,
            int batch,
            int genTokens,
            long budgetBytes,
            int threads,
            @Nullable WeightFormat weights,
            WeightFormat adapterForm,
            Path workDir,
            Backend backend) {}

    /** Runs the benchmark; {@code log} receives progress lines. Returns the metrics, in print order. */
    public static Map<String, Object> run(Options o, Consumer<String> log) {
        o.backend().unavailableReason().ifPresent(r -> {
            throw new IllegalStateException("backend " + o.backend() + " is unavailable: " + r);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        long setup0 = System.nanoTime();
        ModelConfig cfg = TestModels.config(
                ModelConfig.Architecture.LLAMA,
                o.layers(),
                o.hidden(),
                o.heads(),
                o.kvHeads(),
                o.intermediate(),
                o.vocab());
        Path base = o.workDir().resolve("base");
        // a --work-dir kept from an earlier run with the same shape is reused (generation is seeded)
        if (!Files.exists(base.resolve("config.json"))
                || !ModelConfig.read(base).equals(cfg)) {
            TestModels.writeModel(base, cfg, 1, DType.BF16, 1);
        }
        log.accept(String.format(
                "base: %,d parameters (%d layers, hidden %d)", cfg.parameterCount(), o.layers(), o.hidden()));
        AdapterRegistry reg =
                new AdapterRegistry(new InMemoryKeyValueStore(), ModelId.of("bench-base"), cfg, Clock.system());
        int[] ranks = {8, 16, 32};
        for (int i = 0; i < o.adapters(); i++) {
            int r = ranks[i % 3];
            Path d = o.workDir().resolve("adapters/a" + i);
            if (!Files.exists(d.resolve(LoraAdapter.WEIGHTS_FILE))) {
                TestModels.writeAdapter(d, cfg, AdapterConfig.of(r, 2 * r, ALL_LINEAR), i, DType.BF16);
            }
            reg.register(id(i), d, Address.ZERO, Map.of("rank", Integer.toString(r)));
            if ((i + 1) % 100 == 0) {
                log.accept(String.format("registered %d/%d adapters", i + 1, o.adapters()));
            }
        }
        long adapterBytes =
                reg.list().stream().mapToLong(AdapterRecord::residentBytes).sum();
        out.put("params", cfg.parameterCount());
        out.put("adapter_resident_form", o.adapterForm().name());
        out.put("gc", collector());
        out.put("adapters", o.adapters());
        out.put("adapter_ranks", "8,16,32 all-linear");
        out.put("adapters_total_bytes_f32", adapterBytes);
        out.put("setup_s", round((System.nanoTime() - setup0) / 1e9));

        // the bound the batched decode is measured against: the host's read rate on the CPU, the
        // device's on a GPU
        boolean gpu = o.backend() == Backend.CUDA;
        out.put("backend", o.backend().name());
        double bw = gpu ? CudaBandwidth.deviceCopyBytesPerSecond() : memoryBandwidth(o.threads());
        out.put(gpu ? "device_copy_gbps" : "stream_read_gbps", round(bw / 1e9));

        AdapterCache cache = AdapterCache.builder(reg)
                .budgetBytes(o.budgetBytes())
                .residentFormat(o.adapterForm())
                .build();
        out.put(
                "adapters_total_bytes_resident",
                reg.list().stream().mapToLong(cache::residentBytes).sum());
        int g = o.genTokens();
        int b = o.batch();
        SplittableRandom rnd = new SplittableRandom(7);
        // merged adapters of this run's mixes (the registry is in memory, so earlier runs' are stale)
        Path mixes = o.workDir().resolve("mixes");
        deleteTree(mixes);
        LoraServer.Builder builder = LoraServer.builder(base, cache);
        if (o.weights() != null) {
            builder.weights(o.weights());
        }
        try (LoraServer server = builder.backend(o.backend())
                .threads(o.threads())
                .maxBatch(b)
                .maxQueued(Math.max(4096, 2 * o.adapters()))
                .kvCacheBytes(256L << 20)
                .mixes(mixes, Address.ZERO)
                .build()) {
            out.put("weights", server.weights().name());
            log.accept("measuring cold loads of rank-16 adapters");
            // cold loads of rank-16 adapters (not resident; files in the page cache). A few loads of
            // other ranks first, so that class loading and the JIT are not counted as adapter loads.
            for (int i = 0; i < Math.min(o.adapters(), 30); i++) {
                if (i % 3 != 1) {
                    cache.acquire(id(i)).close();
                }
            }
            // Timed: registry -> resident, the files in the OS page cache (the host-memory tier), so
            // read them once first; a file the page cache had dropped would time the disk instead.
            // Loading the base leaves its float32 source arrays (some 400 MB) as garbage; collect it
            // now, as JMH does between iterations, so a concurrent collection cycle does not share
            // the two cores with the loads being timed.
            for (int i = 31, n = 0; i < o.adapters() && n < 150; i += 3, n++) {
                readThrough(o.workDir().resolve("adapters/a" + i).resolve(LoraAdapter.WEIGHTS_FILE));
            }
            System.gc();
            List<Double> cold = new ArrayList<>();
            for (int i = 31; i < o.adapters() && cold.size() < 150; i += 3) {
                long t0 = System.nanoTime();
                cache.acquire(id(i)).close();
                cold.add((System.nanoTime() - t0) / 1e6);
            }
            if (cold.isEmpty()) {
                for (int i = 1; i < o.adapters(); i += 3) {
                    long t0 = System.nanoTime();
                    cache.acquire(id(i)).close();
                    cold.add((System.nanoTime() - t0) / 1e6);
                }
            }
            out.put("cold_load_samples", cold.size());
            cold.sort(Comparator.naturalOrder());
            out.put("cold_load_ms_p50", round(pct(cold, 0.50)));
            out.put("cold_load_ms_p99", round(pct(cold, 0.99)));

            log.accept("measuring batched throughput: distinct adapters vs one adapter");
            // throughput: b requests on b distinct adapters vs all on one adapter, resident
            List<AdapterId> distinct = new ArrayList<>();
            for (int i = 0; i < b; i++) {
                distinct.add(id((i * 7) % o.adapters()));
            }
            cache.preload(distinct);
            List<AdapterId> same = java.util.Collections.nCopies(b, id(1));
            run(server, same, 4, rnd); // JIT warm-up
            run(server, distinct, 4, rnd);
            // alternate the three cases five times (the machine may be shared: its memory bandwidth
            // moves between 20 and 30 GB/s from minute to minute here) and keep the best of each, so
            // that no ratio compares one case's good moment with another's bad one; the decode step
            // and the prompt pass are the shortest seen with distinct adapters. Sequential: the same
            // kind of requests on the first distinct adapters, one at a time
            double single = 0;
            double multi = 0;
            double seq = 0;
            // the same three cases over their decode phase alone (the tokens after each request's
            // first), without the prompt pass, in which the batched server reads 256 prompt tokens at
            // once and the sequential one 8 at a time
            double singleDecode = 0;
            double multiDecode = 0;
            double seqDecode = 0;
            double stepS = Double.MAX_VALUE;
            double oneStepS = Double.MAX_VALUE;
            double prefillS = Double.MAX_VALUE;
            for (int rep = 0; rep < 5; rep++) {
                ServingMetrics o0 = server.metrics();
                Round one = run(server, same, g, rnd);
                ServingMetrics o1 = server.metrics();
                single = Math.max(single, one.tokensPerSecond());
                singleDecode = Math.max(singleDecode, one.decodeTokensPerSecond());
                oneStepS = Math.min(oneStepS, one.decodeSeconds() / Math.max(1, o1.steps() - o0.steps() - 1));
                ServingMetrics m0 = server.metrics();
                Round many = run(server, distinct, g, rnd);
                ServingMetrics m1 = server.metrics();
                multi = Math.max(multi, many.tokensPerSecond());
                multiDecode = Math.max(multiDecode, many.decodeTokensPerSecond());
                // passes in the round: one prompt pass, then the decode steps
                long decodeSteps = Math.max(1, m1.steps() - m0.steps() - 1);
                stepS = Math.min(stepS, many.decodeSeconds() / decodeSteps);
                prefillS = Math.min(prefillS, many.firstTokenSeconds());
                long s0 = System.nanoTime();
                long tokens = 0;
                long decodeTokens = 0;
                double decodeSeconds = 0;
                for (AdapterId a : distinct.subList(rep * 4 % b, Math.min(b, rep * 4 % b + 4))) {
                    GenerationResult r = server.generate(GenerationRequest.builder(prompt(rnd, o.vocab()))
                            .adapter(a)
                            .maxTokens(g)
                            .build());
                    InferenceRecord.Timings tm = r.record().timings();
                    tokens += r.tokens().size();
                    decodeTokens += r.tokens().size() - 1;
                    decodeSeconds += tm.total().minus(tm.firstToken()).toNanos() / 1e9;
                }
                seq = Math.max(seq, tokens / ((System.nanoTime() - s0) / 1e9));
                seqDecode = Math.max(seqDecode, decodeTokens / decodeSeconds);
            }
            out.put("tokens_per_s_one_adapter", round(single));
            out.put("tokens_per_s_distinct_adapters", round(multi));
            out.put("multi_over_single", round(multi / single));
            out.put("tokens_per_s_sequential", round(seq));
            out.put("batched_over_sequential", round(multi / seq));
            out.put("decode_tokens_per_s_one_adapter", round(singleDecode));
            out.put("decode_tokens_per_s_distinct_adapters", round(multiDecode));
            out.put("decode_tokens_per_s_sequential", round(seqDecode));
            out.put("decode_multi_over_single", round(multiDecode / singleDecode));
            out.put("decode_batched_over_sequential", round(multiDecode / seqDecode));
            out.put("prompt_pass_ms", round(prefillS * 1e3));

            // hot switch: lease + release of a resident adapter, against one batched decode step
            int n = 20_000;
            long h0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                cache.acquire(distinct.get(i % distinct.size())).close();
            }
            double hotUs = (System.nanoTime() - h0) / 1e3 / n;
            out.put("hot_switch_us", round(hotUs));
            out.put("decode_step_ms", round(stepS * 1e3));
            out.put("hot_switch_overhead", Math.round(hotUs * 1e-6 / stepS * 1e7) / 1e7);

            // bandwidth: bytes one batched decode step must read (base once, each distinct adapter
            // once, the KV cache of every sequence) over the measured step time
            long distinctBytes = 0;
            for (AdapterId a : new java.util.LinkedHashSet<>(distinct)) {
                distinctBytes += cache.residentBytes(reg.get(a).orElseThrow());
            }
            long kvPerToken = 2L * cfg.layers() * cfg.kvHeads() * cfg.headDim() * 4;
            long kvBytes = (long) b * (8 + g / 2) * kvPerToken;
            double stepBytes = server.decodeBytes() + distinctBytes + kvBytes;
            out.put("decode_bytes_per_step", (long) stepBytes);
            // what distinct adapters cost a decode step, against reading their bytes alone: the time
            // a step with 32 distinct adapters takes over one with one adapter for all, and the time
            // the two threads take to stream those adapters' bytes at this run's read rate. The
            // fraction of that read the step does not pay is what the engine hides behind the base
            // arithmetic; multi_over_single is the one-adapter step over the one-adapter step plus
            // the read time not hidden
            double overheadS = stepS - oneStepS;
            double readS = distinctBytes / bw;
            out.put("decode_step_ms_one_adapter", round(oneStepS * 1e3));
            out.put("distinct_adapter_bytes_per_step", distinctBytes);
            out.put("distinct_adapter_read_ms", round(readS * 1e3));
            out.put("distinct_step_overhead_ms", round(overheadS * 1e3));
            out.put("adapter_read_hidden_fraction", round(1 - overheadS / readS));
            // the arithmetic side: what the batched base kernel does with its weights in L2 on every
            // core, against what batched_over_sequential >= 8 would need at this sequential speed
            if (!gpu) {
                double kernelFlops =
                        kernelRateInL2(server.weights(), o.threads(), b).flopsPerSecond();
                out.put("batched_kernel_in_l2_gflops", round(kernelFlops / 1e9));
                out.put("gflops_needed_for_8x", round(8 * seq * 2.0 * cfg.parameterCount() / 1e9));
            }
            out.put("decode_gbps", round(stepBytes / stepS / 1e9));
            out.put("bandwidth_fraction", round(stepBytes / stepS / bw));

            log.accept("serving every adapter once through the budget");
            // every adapter served once, through a budget far smaller than all of them
            long a0 = System.nanoTime();
            List<GenerationHandle> all = new ArrayList<>();
            for (int i = 0; i < o.adapters(); i++) {
                all.add(server.submit(GenerationRequest.builder(prompt(rnd, o.vocab()))
                        .adapter(id(i))
                        .maxTokens(2)
                        .build()));
            }
            int served = 0;
            for (GenerationHandle h : all) {
                served += h.result().join().tokens().size() == 2 ? 1 : 0;
            }
            out.put("adapters_served", served);
            out.put("serve_all_s", round((System.nanoTime() - a0) / 1e9));
            AdapterCache.Stats cs = cache.stats();
            out.put("resident_bytes_peak", cs.peakResidentBytes());
            out.put("budget_bytes", o.budgetBytes());
            out.put("peak_within_budget", cs.peakResidentBytes() <= o.budgetBytes());
            out.put("cache_hits", cs.hits());
            out.put("cache_misses", cs.misses());
            out.put("cache_evictions", cs.evictions());
            out.put("adapter_pool_bytes", cs.poolBytes());
            out.put("loads_outside_pool", cs.ownArrays());
            out.put("mapped_tier_hits", cs.mappedHits());
            out.put("mapped_tier_opens", cs.mappedOpens());
            out.put("load_ms_p50_all", round(cs.loadMillisP50()));
            out.put("load_ms_p99_all", round(cs.loadMillisP99()));
            ServingMetrics fin = server.metrics();
            out.put("ttft_ms_p50", round(fin.ttftMillisP50()));
            out.put("ttft_ms_p99", round(fin.ttftMillisP99()));
            out.put("queue_ms_p99", round(fin.queueMillisP99()));

            log.accept("mixing two rank-16 adapters in a request");
            // a request mixing two rank-16 adapters (TIES): the first merges, validates and registers
            // the mix on the submitting thread; the next one with the same mix finds it registered
            AdapterMix mix = new AdapterMix(
                    List.of(id(1), id(Math.min(4, o.adapters() - 1))),
                    AdapterMerge.of(AdapterMerge.Strategy.TIES, 0.5, 0.5).withDensity(0.7));
            double[] mixMs = new double[2];
            for (int i = 0; i < 2; i++) {
                long t0 = System.nanoTime();
                server.generate(GenerationRequest.builder(prompt(rnd, o.vocab()))
                        .mix(mix)
                        .maxTokens(1)
                        .build());
                mixMs[i] = (System.nanoTime() - t0) / 1e6;
            }
            out.put("mix_first_request_ms", round(mixMs[0]));
            out.put("mix_again_request_ms", round(mixMs[1]));
        } finally {
            deleteTree(mixes);
        }
        return out;
    }

    // The running collector's family ("G1", "ZGC", ...): cold-load tails depend on it.
    private static String collector() {
        List<String> names = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName)
                .toList();
        for (String family : List.of("ZGC", "G1", "Shenandoah", "Parallel", "Copy", "Epsilon")) {
            if (names.stream().anyMatch(n -> n.contains(family))) {
                return family;
            }
        }
        return names.isEmpty() ? "none" : names.get(0);
    }

    /**
     * One round of requests submitted together: its output tokens over its wall time, and its decode
     * phase (every token after each request's first, from the batch's last first token to its end).
     */
    private record Round(
            long tokens, double seconds, long decodeTokens, double decodeSeconds, double firstTokenSeconds) {
        double tokensPerSecond() {
            return tokens / seconds;
        }

        double decodeTokensPerSecond() {
            return decodeTokens / decodeSeconds;
        }
    }

    private static Round run(LoraServer server, List<AdapterId> adapters, int gen, SplittableRandom rnd) {
        int vocab = server.config().vocabSize();
        List<GenerationRequest> reqs = new ArrayList<>();
        for (AdapterId a : adapters) {
            reqs.add(GenerationRequest.builder(prompt(rnd, vocab))
                    .adapter(a)
                    .maxTokens(gen)
                    .build());
        }
        // one batch of b requests, taken in together: a batch-b decode from its first pass
        long t0 = System.nanoTime();
        List<GenerationHandle> hs = server.submitAll(reqs);
        long tokens = 0;
        long decodeTokens = 0;
        long firstTokenNanos = 0;
        long totalNanos = 0;
        for (GenerationHandle h : hs) {
            GenerationResult r = h.result().join();
            tokens += r.tokens().size();
            decodeTokens += r.tokens().size() - 1;
            InferenceRecord.Timings tm = r.record().timings();
            firstTokenNanos = Math.max(firstTokenNanos, tm.firstToken().toNanos());
            totalNanos = Math.max(totalNanos, tm.total().toNanos());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Round(tokens, seconds, decodeTokens, (totalNanos - firstTokenNanos) / 1e9, firstTokenNanos / 1e9);
    }

    private static int[] prompt(SplittableRandom rnd, int vocab) {
        int[] p = new int[8];
        for (int i = 0; i < p.length; i++) {
            p[i] = rnd.nextInt(vocab);
        }
        return p;
    }

    /**
     * What the matrix kernels of one weight format do with their weights in L2: every thread runs the
     * base model's pass over its own 256 × 768 matrix for {@code batch} inputs per weight row, all
     * threads at once, best of 4 rounds. Against the DRAM bandwidth this is the arithmetic ceiling of
     * a decode step (batch 1) or a batched step.
     *
     * @param weightBytesPerSecond weight bytes read per second, summed over the threads
     * @param flopsPerSecond floating-point operations per second (2 per weight per input)
     */
    public record KernelRate(double weightBytesPerSecond, double flopsPerSecond) {}

    /** Measures {@link KernelRate} for {@code f} on {@code threads} threads at {@code batch} inputs. */
    public static KernelRate kernelRateInL2(WeightFormat f, int threads, int batch) {
        Kernels k = KernelSelector.best();
        int rows = 256;
        int cols = 768;
        SplittableRandom rnd = new SplittableRandom(5);
        Matrix[] ms = new Matrix[threads];
        for (int t = 0; t < threads; t++) {
            float[] v = new float[rows * cols];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rnd.nextDouble() - 0.5) * 0.05f;
            }
            ms[t] = Matrix.of(f.name(), v, rows, cols);
        }
        int reps = Math.max(4, 400 / batch);
        double bestPasses = 0;
        for (int round = 0; round < 4; round++) {
            long[] nanos = new long[threads];
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                ts[t] = Thread.ofPlatform().start(() -> {
                    float[] x = new float[batch * cols];
                    Arrays.fill(x, 0.25f);
                    float[] y = new float[batch * rows];
                    // transposed once, as ForwardOps does for all the matrices of a step
                    float[] xT = Matrix.transpose(x, batch, cols, null);
                    long t0 = System.nanoTime();
                    for (int r = 0; r < reps; r++) {
                        ms[id].rows(k, 0, rows, x, xT, y, batch);
                    }
                    nanos[id] = System.nanoTime() - t0;
                });
            }
            double passes = 0; // matrix passes per second, summed over the threads
            for (int t = 0; t < threads; t++) {
                try {
                    ts[t].join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                passes += reps / (nanos[t] / 1e9);
            }
            bestPasses = Math.max(bestPasses, passes);
        }
        return new KernelRate(bestPasses * ms[0].bytes(), bestPasses * 2.0 * rows * cols * batch);
    }

    // Streaming read bandwidth: two equal 256 MiB arrays compared by `threads` threads with
    // Arrays.mismatch (a vectorized JDK intrinsic that only reads), best of 7 passes.
    private static double memoryBandwidth(int threads) {
        long[] a = new long[32 << 20];
        long[] b = new long[32 << 20];
        Arrays.fill(a, 3);
        Arrays.fill(b, 3);
        double best = 0;
        for (int rep = 0; rep < 7; rep++) {
            Thread[] ts = new Thread[threads];
            int[] found = new int[threads];
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int tt = t;
                int from = (int) ((long) a.length * t / threads);
                int to = (int) ((long) a.length * (t + 1) / threads);
                ts[t] = Thread.ofPlatform().start(() -> found[tt] = Arrays.mismatch(a, from, to, b, from, to));
            }
            for (Thread t : ts) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            for (int f : found) {
                if (f != -1) {
                    throw new IllegalStateException("bandwidth probe found a difference");
                }
            }
            best = Math.max(best, 16.0 * a.length / secs);
        }
        return best;
    }

    // Reads a file to the end, so that its pages are in the OS page cache.
    private static void readThrough(Path file) {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(file)) {
            while (ch.read(buf.clear()) > 0) {
                // pages land in the page cache
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    private static AdapterId id(int i) {
        return AdapterId.of("bench-" + i);
    }

    private static double pct(List<Double> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    static void deleteTree(Path p) {
        try {
            FileTrees.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code lora serve-bench}. */
    @Command(
            name = "serve-bench",
            mixinStandardHelpOptions = true,
            description = "Multi-adapter serving benchmark: one base, many adapters, batched together.")
    static final class Cmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print only one JSON line.")
        boolean json;

        @Option(names = "--layers", defaultValue = "12")
        int layers;

        @Option(names = "--hidden", defaultValue = "768")
        int hidden;

        @Option(names = "--heads", defaultValue = "12")
        int heads;

        @Option(names = "--kv-heads", defaultValue = "4")
        int kvHeads;

        @Option(names = "--intermediate", defaultValue = "2048")
        int intermediate;

        @Option(names = "--vocab", defaultValue = "32000")
        int vocab;

        @Option(names = "--adapters", defaultValue = "1000")
        int adapters;

        @Option(names = "--batch", defaultValue = "32")
        int batch;

        @Option(names = "--gen-tokens", defaultValue = "32")
        int genTokens;

        @Option(names = "--budget-mib", defaultValue = "2048")
        long budgetMib;

        @Option(names = "--threads", defaultValue = "0", description = "0 = all processors.")
        int threads;

        @Option(
                names = "--weights",
                description = "Base weights in memory: F32, BF16, Q8 (default: as stored, BF16: the base is"
                        + " written in bfloat16).")
        @Nullable
        WeightFormat weights;

        @Option(
                names = "--adapter-form",
                defaultValue = "BF16",
                description = "Form resident adapters are kept in: BF16 (the adapters are written in BF16, so"
                        + " this is exact) or F32.")
        WeightFormat adapterForm;

        @Option(
                names = "--backend",
                defaultValue = "CPU",
                description = "Where the passes run: CPU, or CUDA (an NVIDIA GPU with a driver, through JCuda).")
        Backend backend;

        @Option(
                names = "--work-dir",
                description = "Where to write the model and adapters (default: a temp dir, deleted).")
        Path workDir;

        @Override
        public Integer call() throws IOException {
            boolean temp = workDir == null;
            Path dir = temp ? Files.createTempDirectory("serve-bench") : workDir;
            int t = threads <= 0 ? Runtime.getRuntime().availableProcessors() : threads;
            var out = spec.commandLine().getOut();
            try {
                Map<String, Object> r = run(
                        new Options(
                                layers,
                                hidden,
                                heads,
                                kvHeads,
                                intermediate,
                                vocab,
                                adapters,
                                batch,
                                genTokens,
                                budgetMib << 20,
                                t,
                                weights,
                                adapterForm,
                                dir,
                                backend),
                        line -> {
                            // progress goes to stderr with --json, so stdout stays one JSON line
                            var to = json ? spec.commandLine().getErr() : out;
                            to.println(line);
                            to.flush();
                        });
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("bench", "lora-serve");
                line.putAll(r);
                if (!json) {
                    r.forEach((k, v) -> out.printf("%-32s %s%n", k, v));
                }
                out.println(new ObjectMapper().writeValueAsString(line));
                return 0;
            } finally {
                if (temp) {
                    deleteTree(dir);
                }
            }
        }
    }
}
