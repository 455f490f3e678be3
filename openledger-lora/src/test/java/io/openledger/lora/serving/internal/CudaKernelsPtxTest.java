package io.openledger.lora.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.openledger.core.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The PTX in the jar is what {@code src/main/cuda/build-ptx.sh} makes of {@code kernels.cu}: an
 * edit to the kernels that was not compiled would otherwise ship the old kernels silently. Needs
 * CUDA's compiler (nvcc, from {@code NVCC}, the PATH or /usr/local/cuda); skipped without it.
 */
class CudaKernelsPtxTest {
    private static final Path SOURCE = Path.of("src/main/cuda/kernels.cu");

    private static Path nvcc() {
        String env = System.getenv("NVCC");
        if (env != null && Files.isExecutable(Path.of(env))) {
            return Path.of(env);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, "nvcc");
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return p;
            }
        }
        Path p = Path.of("/usr/local/cuda/bin/nvcc");
        return Files.isExecutable(p) ? p : null;
    }

    @Test
    void committedPtxIsTheCompiledSource() throws IOException, InterruptedException {
        Path nvcc = nvcc();
        assumeTrue(nvcc != null, "nvcc (CUDA's compiler) is not installed: the PTX cannot be rebuilt here");
        assertThat(SOURCE).exists();
        String shipped;
        try (InputStream in = Objects.requireNonNull(
                CudaBatchEngine.class.getResourceAsStream("/io/openledger/lora/cuda/kernels.ptx"), "kernels.ptx")) {
            shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // another compiler release writes other (equally valid) PTX: compare only with the same one
        String release = shipped.lines()
                .filter(l -> l.startsWith("// Cuda compilation tools"))
                .findFirst()
                .orElseThrow();
        Process v = new ProcessBuilder(nvcc.toString(), "--version")
                .redirectErrorStream(true)
                .start();
        String version = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        v.waitFor(60, TimeUnit.SECONDS);
        String mine = release.substring("// ".length());
        assumeTrue(
                version.contains(mine),
                () -> "the installed nvcc is not the one that built kernels.ptx (" + mine + ")");
        Path dir = Files.createTempDirectory("ptx");
        try {
            Path out = dir.resolve("kernels.ptx");
            // the same command as build-ptx.sh
            Process p = new ProcessBuilder(List.of(
                            nvcc.toString(),
                            "-ptx",
                            "-arch=compute_80",
                            "-O3",
                            "-o",
                            out.toString(),
                            SOURCE.toString()))
                    .redirectErrorStream(true)
                    .start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("nvcc finished").isTrue();
            assertThat(p.exitValue()).as("nvcc: %s", log).isZero();
            String built = Files.readString(out);
            assertThat(code(shipped))
                    .as("kernels.ptx is stale: run openledger-lora/src/main/cuda/build-ptx.sh")
                    .isEqualTo(code(built));
            assertThat(shipped).contains(".entry matmul_bf16(", ".entry lora_shrink(", ".entry attention(");
        } finally {
            FileTrees.deleteQuietly(dir);
        }
    }

    private static List<String> code(String ptx) {
        return ptx.lines().filter(l -> !l.startsWith("//")).toList();
    }
}
