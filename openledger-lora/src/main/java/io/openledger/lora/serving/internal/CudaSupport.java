package io.openledger.lora.serving.internal;

import java.util.Optional;

/**
 * Whether the CUDA engine can run here: JCuda on the class path (on the module path JCuda finds its
 * natives only on {@code java.library.path}), its driver-API natives loadable (they link {@code
 * libcuda.so.1}, which only a driver installs) and at least one device. Probed once; nothing of JCuda
 * is touched unless its classes are present.
 */
public final class CudaSupport {
    private static volatile Optional<String> reason;

    private CudaSupport() {}

    /** Why the CUDA engine cannot run here, or empty if it can. */
    public static Optional<String> unavailableReason() {
        Optional<String> r = reason;
        if (r == null) {
            synchronized (CudaSupport.class) {
                r = reason;
                if (r == null) {
                    r = probe();
                    reason = r;
                }
            }
        }
        return r;
    }

    private static Optional<String> probe() {
        try {
            Class.forName("jcuda.driver.JCudaDriver", false, CudaSupport.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.of("JCuda (org.jcuda:jcuda) is not on the class or module path");
        }
        return Probe.devices();
    }

    // loaded only once JCuda's classes are known to be there
    private static final class Probe {
        static Optional<String> devices() {
            try {
                jcuda.driver.JCudaDriver.setExceptionsEnabled(true);
                jcuda.driver.JCudaDriver.cuInit(0);
                int[] count = new int[1];
                jcuda.driver.JCudaDriver.cuDeviceGetCount(count);
                if (count[0] < 1) {
                    return Optional.of("the CUDA driver reports no device");
                }
                return Optional.empty();
            } catch (LinkageError e) {
                if (jcuda.driver.JCudaDriver.class.getModule().isNamed()) {
                    // JCuda looks for its natives only inside its own module (Class.getResourceAsStream),
                    // not in jcuda-natives beside it, then on java.library.path
                    return Optional.of("JCuda's natives did not load from the module path (" + firstLine(e)
                            + "): put jcuda and jcuda-natives on the class path, or the natives' .so files on"
                            + " -Djava.library.path; without a CUDA driver they cannot load either way");
                }
                return Optional.of("no CUDA driver: JCuda's natives did not load (" + firstLine(e) + ")");
            } catch (RuntimeException e) {
                return Optional.of("CUDA driver unusable: " + firstLine(e));
            }
        }

        private static String firstLine(Throwable e) {
            String m = String.valueOf(e.getMessage());
            int nl = m.indexOf('\n');
            return nl < 0 ? m : m.substring(0, nl);
        }
    }
}
