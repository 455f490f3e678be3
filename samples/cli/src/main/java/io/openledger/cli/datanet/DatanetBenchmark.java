package io.openledger.cli.datanet;

import io.openledger.core.DatanetId;
import io.openledger.core.crypto.PrivateKey;
import io.openledger.core.store.InMemoryKeyValueStore;
import io.openledger.datanet.Contribution;
import io.openledger.datanet.DataRecord;
import io.openledger.datanet.DatanetConfig;
import io.openledger.datanet.DatanetService;
import io.openledger.datanet.DuplicateFlag;
import io.openledger.datanet.NewDatanet;
import io.openledger.datanet.SourceFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Datanet numbers, measured in one run: ingest throughput on mixed text, the time to commit a
 * one-record version on a small and on a large datanet (their ratio shows whether commits grow with
 * size), and near-duplicate recall on planted near duplicates, as one JSON line. Run by {@code
 * openledger datanet bench} and by {@code io.openledger.benchmarks.datanet.DatanetBench}.
 *
 * <p>Arguments (all optional): {@code ingestMB} (default 50), {@code largeRecords} (default
 * 100000), {@code planted} (default 500).
 */
public final class DatanetBenchmark {
    private static final String[] WORDS = ("patient dose clinical trial heart rate insulin glucose kidney liver"
                    + " blood pressure symptom treatment therapy vaccine immune response infection antibiotic"
                    + " chronic acute diagnosis imaging protein cell tissue enzyme hormone receptor pathway"
                    + " cholesterol statin aspirin platelet fever pain nerve brain lung oxygen muscle bone joint"
                    + " study cohort outcome risk factor adult child elderly daily weekly mg ml per minute with"
                    + " the of and in to for on at by from a an is are was were be has have can may")
            .split(" ");

    private DatanetBenchmark() {}

    /** Runs with the arguments described above and prints the JSON line last. */
    public static void main(String[] args) {
        int ingestMb = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int largeRecords = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int planted = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        System.out.println(run(ingestMb, largeRecords, planted, new java.io.PrintWriter(System.err, true)));
    }

    /**
     * Runs the three measurements; narrates on {@code log} and returns the JSON line.
     *
     * @param ingestMb MiB of mixed text to ingest
     * @param largeRecords size of the large datanet (the small one is a tenth of it)
     * @param planted number of planted near duplicates (and of unrelated probes)
     * @param log where progress lines go
     */
    public static String run(int ingestMb, int largeRecords, int planted, java.io.PrintWriter log) {
        Random rnd = new Random(42);
        PrivateKey owner = PrivateKey.fromHex("0x" + "11".repeat(32));
        PrivateKey contributor = PrivateKey.fromHex("0x" + "22".repeat(32));

        // 1. ingest throughput: mixed .txt/.md/.csv/.jsonl files of up to 4 MiB, drafted and signed
        DatanetService ingest = service();
        DatanetId dn = create(ingest, "ingest", owner);
        long bytes = 0;
        long records = 0;
        long target = ingestMb * 1024L * 1024L;
        List<SourceFile> files = new ArrayList<>();
        int f = 0;
        while (bytes < target) {
            int size = (int) Math.min(4L << 20, target - bytes);
            SourceFile file = mixedFile(rnd, f++, size);
            files.add(file);
            bytes += file.content().size();
        }
        long t0 = System.nanoTime();
        for (SourceFile file : files) {
            records +=
                    ingest.contribute(dn, contributor, List.of(file)).records().size();
        }
        double ingestSeconds = (System.nanoTime() - t0) / 1e9;
        double mbPerSecond = bytes / 1048576.0 / ingestSeconds;
        log.printf(Locale.ROOT, "ingest: %.1f MiB, %d records in %.2f s%n", bytes / 1048576.0, records, ingestSeconds);
        files = null;
        ingest = null;

        // 2. commit time of a one-record change, at 1/10 of the large size and at the large size
        DatanetService big = service();
        DatanetId bdn = create(big, "large", owner);
        double[] small = grow(big, bdn, owner, contributor, rnd, largeRecords / 10);
        double[] large = grow(big, bdn, owner, contributor, rnd, largeRecords);
        log.printf(
                Locale.ROOT,
                "commit of one record: median %.3f ms at %d records, %.3f ms at %d%n",
                small[0],
                largeRecords / 10,
                large[0],
                largeRecords);

        // 3. near-duplicate recall on planted near duplicates, and false alarms on unrelated records
        DatanetService nd = service();
        DatanetId ndn = create(nd, "near", owner);
        List<String> originals = new ArrayList<>();
        for (int i = 0; i < planted; i++) {
            originals.add(paragraph(rnd, 40 + rnd.nextInt(30)));
        }
        Contribution base =
                nd.contribute(ndn, contributor, List.of(SourceFile.text("base.txt", String.join("\n\n", originals))));
        nd.approve(ndn, base.id(), owner.address());
        List<String> variants = new ArrayList<>();
        for (String o : originals) {
            variants.add(edit(rnd, o));
        }
        List<String> unrelated = new ArrayList<>();
        for (int i = 0; i < planted; i++) {
            unrelated.add(paragraph(rnd, 40 + rnd.nextInt(30)));
        }
        Contribution probe = nd.contribute(
                ndn,
                owner,
                List.of(
                        SourceFile.text("variants.txt", String.join("\n\n", variants)),
                        SourceFile.text("unrelated.txt", String.join("\n\n", unrelated))));
        Set<String> flaggedPairs = new HashSet<>();
        for (DuplicateFlag fl : probe.flags()) {
            flaggedPairs.add(fl.record() + ">" + fl.resembles());
        }
        int found = 0;
        for (int i = 0; i < planted; i++) {
            if (flaggedPairs.contains(DataRecord.idOf(variants.get(i)) + ">" + DataRecord.idOf(originals.get(i)))) {
                found++;
            }
        }
        Set<String> unrelatedIds = new HashSet<>();
        unrelated.forEach(u -> unrelatedIds.add(DataRecord.idOf(u).toString()));
        long falseAlarms = probe.flags().stream()
                .filter(fl -> unrelatedIds.contains(fl.record().toString()))
                .count();
        double recall = (double) found / planted;

        return String.format(
                Locale.ROOT,
                "{\"bench\":\"datanet\",\"ingest_mib\":%.1f,\"ingest_records\":%d,\"ingest_mib_per_s\":%.2f,"
                        + "\"commit_ms_at_%d\":%.3f,\"commit_ms_at_%d\":%.3f,\"commit_growth_ratio\":%.2f,"
                        + "\"near_dup_threshold\":%.2f,\"near_dup_planted\":%d,\"near_dup_recall\":%.3f,"
                        + "\"near_dup_false_alarms\":%d}",
                bytes / 1048576.0,
                records,
                mbPerSecond,
                largeRecords / 10,
                small[0],
                largeRecords,
                large[0],
                large[0] / small[0],
                DatanetConfig.defaults().nearDuplicateThreshold(),
                planted,
                recall,
                falseAlarms);
    }

    private static DatanetService service() {
        return DatanetService.builder().store(new InMemoryKeyValueStore()).build();
    }

    private static DatanetId create(DatanetService s, String name, PrivateKey owner) {
        DatanetId id = DatanetId.of("bench-" + name);
        s.create(NewDatanet.builder(id, owner.address()).build());
        return id;
    }

    /** Grows the datanet to {@code size} records in large approvals, then times 31 one-record commits. */
    private static double[] grow(
            DatanetService s, DatanetId dn, PrivateKey owner, PrivateKey contributor, Random rnd, int size) {
        int have = s.head(dn).map(v -> (int) v.recordCount()).orElse(0);
        int batch = 0;
        while (have < size) {
            int n = Math.min(10_000, size - have);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                sb.append("record ")
                        .append(have + i)
                        .append(' ')
                        .append(paragraph(rnd, 6))
                        .append("\n\n");
            }
            Contribution c = s.contribute(
                    dn, contributor, List.of(SourceFile.text("bulk" + size + "-" + batch++ + ".txt", sb.toString())));
            have = (int) s.approve(dn, c.id(), owner.address()).recordCount();
        }
        double[] times = new double[31];
        for (int i = 0; i < times.length; i++) {
            Contribution c = s.contribute(
                    dn,
                    contributor,
                    List.of(SourceFile.text("one" + size + "-" + i + ".txt", "single " + size + " " + i)));
            long t0 = System.nanoTime();
            s.approve(dn, c.id(), owner.address());
            times[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(times);
        return new double[] {times[times.length / 2]};
    }

    private static String paragraph(Random rnd, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(WORDS[rnd.nextInt(WORDS.length)]);
            if (rnd.nextInt(12) == 0) {
                sb.append(rnd.nextInt(1000));
            }
        }
        return sb.append('.').toString();
    }

    /** A near duplicate: one or two words replaced, or a word dropped. */
    private static String edit(Random rnd, String text) {
        String[] w = text.split(" ");
        List<String> out = new ArrayList<>(Arrays.asList(w));
        int edits = 1 + rnd.nextInt(2);
        for (int e = 0; e < edits; e++) {
            int at = rnd.nextInt(out.size());
            if (rnd.nextBoolean()) {
                out.set(at, WORDS[rnd.nextInt(WORDS.length)] + "x");
            } else if (out.size() > 5) {
                out.remove(at);
            }
        }
        return String.join(" ", out);
    }

    /** A file of about {@code size} bytes, cycling through .txt, .md, .csv and .jsonl. */
    private static SourceFile mixedFile(Random rnd, int index, int size) {
        StringBuilder sb = new StringBuilder(size + 1024);
        String ext;
        switch (index % 4) {
            case 0 -> {
                ext = "txt";
                while (sb.length() < size) {
                    sb.append(paragraph(rnd, 80 + rnd.nextInt(120))).append("\n\n");
                }
            }
            case 1 -> {
                ext = "md";
                while (sb.length() < size) {
                    sb.append("## ").append(paragraph(rnd, 4)).append("\n\n");
                    sb.append(paragraph(rnd, 60 + rnd.nextInt(100))).append("\n\n");
                }
            }
            case 2 -> {
                ext = "csv";
                sb.append("id,question,answer\n");
                int row = 0;
                while (sb.length() < size) {
                    sb.append(row++)
                            .append(",\"")
                            .append(paragraph(rnd, 12))
                            .append("?\",\"")
                            .append(paragraph(rnd, 30))
                            .append("\"\n");
                }
            }
            default -> {
                ext = "jsonl";
                while (sb.length() < size) {
                    sb.append("{\"text\":\"")
                            .append(paragraph(rnd, 50 + rnd.nextInt(60)))
                            .append("\"}\n");
                }
            }
        }
        return SourceFile.text("mixed-" + index + "." + ext, sb.toString());
    }
}
