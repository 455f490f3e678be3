package io.openledger.cli.demo;

import io.openledger.core.FileTrees;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code openledger demo}: every landed capability, end to end, on embedded defaults. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Run the end-to-end demo on embedded defaults (no setup needed).")
public final class DemoCommand implements Callable<Integer> {
    @Option(
            names = "--work-dir",
            description = "Directory for the demo's stores and files, kept afterwards (default: a new temporary"
                    + " directory, deleted when the demo succeeds).")
    Path workDir;

    @Option(
            names = "--keep",
            description = "Keep the temporary directory even when the demo succeeds (it is always kept after a"
                    + " failure, for inspection).")
    boolean keep;

    /** The steps, in the order data flows through the product. */
    static List<DemoStep> steps() {
        return List.of(
                new CoreStep(),
                new DatanetStep(),
                new LoraStep(),
                new LoraServingStep(),
                new FactoryStep(),
                new AttributionStep(),
                new TokenStep(),
                new ChainStep());
    }

    @Override
    public Integer call() throws IOException {
        if (workDir != null) {
            return run(System.out, Files.createDirectories(workDir));
        }
        Path dir = Files.createTempDirectory("openledger-demo");
        int rc = run(System.out, dir);
        if (rc != 0 || keep) {
            System.out.println("The demo's files are kept in " + dir);
            return rc;
        }
        IOException e = FileTrees.deleteQuietly(dir);
        if (e != null) {
            System.err.println("could not delete the demo's temporary directory " + dir + ": " + e);
        }
        return rc;
    }

    /** Runs every step, printing as it goes; returns 0 if all passed. */
    public static int run(PrintStream out, Path dir) {
        DemoContext ctx = new DemoContext(out, dir);
        List<DemoStep> steps = steps();
        out.println("OpenLedger demo — working in " + dir);
        int i = 0;
        for (DemoStep step : steps) {
            out.printf("%n[%d/%d] %s%n", ++i, steps.size(), step.title());
            long t0 = System.nanoTime();
            try {
                step.run(ctx);
            } catch (Exception e) {
                out.println("  FAILED: " + e);
                e.printStackTrace(out);
                return 1;
            }
            out.printf("  (%.0f ms)%n", (System.nanoTime() - t0) / 1e6);
        }
        out.printf("%nAll %d steps ran.%n", steps.size());
        return 0;
    }
}
