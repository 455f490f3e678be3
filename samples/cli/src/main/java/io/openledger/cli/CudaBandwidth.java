package io.openledger.cli;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD8;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * The GPU's memory rate, the bound serve-bench holds a CUDA decode step against: the traffic (bytes
 * read plus bytes written) of a device-to-device copy of 1 GiB, best of 10 after a warm-up, which is
 * about what a pass that only reads could reach. Loaded only for {@code --backend CUDA}.
 */
final class CudaBandwidth {
    private CudaBandwidth() {}

    /** Bytes per second device 0 moves in a large copy, read and written counted together. */
    static double deviceCopyBytesPerSecond() {
        JCudaDriver.setExceptionsEnabled(true);
        cuInit(0);
        CUdevice dev = new CUdevice();
        cuDeviceGet(dev, 0);
        CUcontext ctx = new CUcontext();
        cuDevicePrimaryCtxRetain(ctx, dev);
        cuCtxSetCurrent(ctx);
        long bytes = 1L << 30;
        CUdeviceptr a = new CUdeviceptr();
        CUdeviceptr b = new CUdeviceptr();
        cuMemAlloc(a, bytes);
        cuMemAlloc(b, bytes);
        try {
            cuMemsetD8(a, (byte) 1, bytes);
            cuMemcpyDtoD(b, a, bytes);
            cuCtxSynchronize();
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 10; i++) {
                long t0 = System.nanoTime();
                cuMemcpyDtoD(b, a, bytes);
                cuCtxSynchronize();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            return 2.0 * bytes / best;
        } finally {
            cuMemFree(a);
            cuMemFree(b);
            cuDevicePrimaryCtxRelease(dev);
        }
    }
}
