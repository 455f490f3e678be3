package io.openledger.cli;

import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Prints the OpenLedger, Java and Vector API versions. */
@Command(name = "version", description = "Print the OpenLedger, Java and platform versions.")
public final class VersionCommand implements Runnable {
    /** The project version, from the jar manifest or the build. */
    public static String version() {
        return Optional.ofNullable(VersionCommand.class.getPackage().getImplementationVersion())
                .orElse("0.1.0-SNAPSHOT");
    }

    @Override
    public void run() {
        for (String line : lines()) {
            System.out.println(line);
        }
    }

    static String[] lines() {
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        return new String[] {
            "openledger " + version(),
            "java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
            "os " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                    + Runtime.getRuntime().availableProcessors() + " cores",
            "vector api " + (vector ? "present" : "absent (scalar fallback)")
        };
    }

    /** Supplies {@code --version}. */
    public static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return lines();
        }
    }
}
