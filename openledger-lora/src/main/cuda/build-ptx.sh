#!/usr/bin/env bash
# Regenerates the PTX that CudaBatchEngine loads from kernels.cu. Needs CUDA's nvcc (12.x or 13.x);
# the PTX targets compute capability 8.0 (Ampere and newer; the driver JIT-compiles it for the GPU
# it runs on). CudaPtxTest checks that the committed PTX is what this script makes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
nvcc="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
out="$here/../resources/io/openledger/lora/cuda/kernels.ptx"
"$nvcc" -ptx -arch=compute_80 -O3 -o "$out" "$here/kernels.cu"
echo "wrote $out"
