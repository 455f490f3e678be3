package io.openledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.FileTrees;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code openledger demo} in a fresh JVM with every library on the module path: the six
 * OpenLedger modules as named modules, their dependencies as named or automatic modules, and only the
 * CLI's own classes on the class path. The unit tests run on the class path, which would hide a
 * missing {@code exports}, {@code requires} or {@code provides} in a module descriptor, or a package a
 * library reads reflectively without it being open; an application that puts OpenLedger on its module
 * path meets those here first. Runs after {@code package}, from the jars that {@code target/lib} holds.
 */
class ModulePathIT {
    private static final Path TARGET = Path.of("target").toAbsolutePath();

    // PyTorch's native-library jar declares an Automatic-Module-Name that is not a Java identifier
    // ("ai.djl.pytorch_native_cpu_linux-x86_64"), so it cannot be a module; DJL finds its files as
    // resources, from the class path.
    private static boolean modular(Path jar) {
        return !jar.getFileName().toString().startsWith("pytorch-native-cpu");
    }

    @Test
    void theDemoRunsWithEveryLibraryOnTheModulePath() throws IOException, InterruptedException {
        List<Path> jars;
        try (Stream<Path> s = Files.list(TARGET.resolve("lib"))) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        List<String> modules =
                jars.stream().filter(ModulePathIT::modular).map(Path::toString).toList();
        assertThat(modules)
                .as("target/lib holds the six OpenLedger jars")
                .filteredOn(p -> Path.of(p).getFileName().toString().startsWith("openledger-"))
                .hasSize(6);
        List<String> classPath = new ArrayList<>();
        classPath.add(TARGET.resolve("classes").toString());
        jars.stream().filter(p -> !modular(p)).map(Path::toString).forEach(classPath::add);

        Path launcher = Path.of(System.getProperty("java.home"), "bin", "java");
        Path home = Files.createTempDirectory(TARGET, "module-path-demo");
        List<String> cmd = List.of(
                launcher.toString(),
                "--add-modules",
                "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "--module-path",
                String.join(File.pathSeparator, modules),
                "--add-modules",
                "ALL-MODULE-PATH",
                "-cp",
                String.join(File.pathSeparator, classPath),
                "-Duser.home=" + home,
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                // names the module of every class in a stack trace, so a failure shows where it ran
                "-XX:+ShowCodeDetailsInExceptionMessages",
                "io.openledger.cli.OpenLedgerCli",
                "demo");
        Path log = home.resolve("demo.log");
        Process p = new ProcessBuilder(cmd)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean done = p.waitFor(8, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(done).as("the demo finished within 8 minutes:\n" + out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as(out).contains("All 8 steps ran.").doesNotContain("Exception");
        Matcher work = Pattern.compile("working in (\\S+)").matcher(out);
        assertThat(work.find()).as(out).isTrue();
        assertThat(Path.of(work.group(1)))
                .as("a successful demo deletes its temporary directory")
                .doesNotExist();
        // passed: the log is not needed, and the home holds DJL's 430 MB engine cache
        FileTrees.delete(home);
    }
}
