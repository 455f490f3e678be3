package io.openledger.cli.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What demo steps share: where to print, a working directory, and values that earlier steps hand
 * to later ones (a datanet version to the trainer, an inference record to attribution, …).
 */
public final class DemoContext {
    private final PrintStream out;
    private final Path workDir;
    private final Map<Class<?>, Object> values = new HashMap<>();

    /** A context printing to {@code out} and working under {@code workDir}. */
    public DemoContext(PrintStream out, Path workDir) {
        this.out = out;
        this.workDir = workDir;
    }

    /** Where the demo writes its files. */
    public Path workDir() {
        return workDir;
    }

    /** Prints one indented line of a step's narration. */
    public void say(String format, Object... args) {
        out.println("  " + String.format(format, args));
    }

    /** Hands a value to later steps, one per type. */
    public <T> void put(Class<T> type, T value) {
        values.put(type, value);
    }

    /** A value an earlier step handed over, if any. */
    public <T> Optional<T> get(Class<T> type) {
        return Optional.ofNullable(type.cast(values.get(type)));
    }

    /** A value an earlier step must have handed over. */
    public <T> T require(Class<T> type) {
        return get(type)
                .orElseThrow(() -> new IllegalStateException("no earlier demo step provided " + type.getSimpleName()));
    }

    PrintStream out() {
        return out;
    }
}
