package io.openledger.benchmarks.lora;

import io.openledger.cli.LoraCommand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * Multi-adapter serving (issue "LoRA II"): runs {@code openledger lora serve-bench --json} with the
 * given extra options and prints its one JSON line last.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -Xmx8g -cp ... LoraServeBenchmark [options]}.
 */
public final class LoraServeBenchmark {
    private LoraServeBenchmark() {}

    /** Entry point; arguments are passed on to {@code serve-bench}. */
    public static void main(String[] args) {
        List<String> a = new ArrayList<>(List.of("serve-bench", "--json"));
        a.addAll(Arrays.asList(args));
        int rc = new CommandLine(new LoraCommand()).execute(a.toArray(String[]::new));
        if (rc != 0) {
            System.exit(rc);
        }
    }
}
