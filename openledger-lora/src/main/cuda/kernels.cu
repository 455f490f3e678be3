// OpenLoRA's CUDA kernels: one forward pass of a Llama-family decoder over a batch of rows, each row
// with its own LoRA adapter or none (the BGMV idea of Punica and S-LoRA: the base projection runs
// once over the whole batch and each row adds the low-rank delta of its own adapter).
//
// Compiled to PTX by build-ptx.sh into src/main/resources/io/openledger/lora/cuda/kernels.ptx,
// which CudaBatchEngine loads through the driver API (so running needs a driver, not a toolkit).
//
// Batch invariance: every value a kernel writes for a row is computed by the same threads in the
// same order whatever the other rows of the batch are, so a request gets the same bits alone and in
// any batch (the guarantee CpuBatchEngine gives, which the tests check on the GPU too).
//
// Activations are float32 row-major [rows, width]. Weights are float32 or bfloat16 (uint16 bits)
// in PyTorch's nn.Linear layout [out, in].

#include <stdint.h>

// One adapter's matrices for one layer and projection (rank 0: the adapter leaves it alone).
// A is PEFT's lora_A [rank, in] and B is lora_B [out, rank], both row-major.
struct LoraDesc {
    const void* a;
    const void* b;
    int rank;
    float scale;
    int bf16;
    int pad;
};

#define PROJECTIONS 7
#define WARP 32
#define MM_WARPS 8    // output features per matmul block, one warp each
#define MM_INPUTS 32  // batch rows per matmul block, one lane each in the epilogue
#define MM_CHUNK 256  // input features staged in shared memory at a time (8 per lane)
#define STAGE_VECTORS (MM_INPUTS * MM_CHUNK / 4 / (MM_WARPS * WARP))  // float4s each thread stages

__device__ __forceinline__ float bf(uint16_t bits) {
    return __uint_as_float(((uint32_t) bits) << 16);
}

// the bfloat16 in the low (first in memory) or high half of a 32-bit word
__device__ __forceinline__ float lo(uint32_t w) {
    return __uint_as_float(w << 16);
}

__device__ __forceinline__ float hi(uint32_t w) {
    return __uint_as_float(w & 0xffff0000u);
}

// four consecutive weights from p[i] (i a multiple of 4, the row aligned): one 16- or 8-byte load
__device__ __forceinline__ void load4(const float* p, long i, float* out) {
    float4 v = *(const float4*) (p + i);
    out[0] = v.x;
    out[1] = v.y;
    out[2] = v.z;
    out[3] = v.w;
}

__device__ __forceinline__ void load4(const uint16_t* p, long i, float* out) {
    uint2 v = *(const uint2*) (p + i);
    out[0] = lo(v.x);
    out[1] = hi(v.x);
    out[2] = lo(v.y);
    out[3] = hi(v.y);
}

__device__ __forceinline__ float load(const float* p, long i) {
    return p[i];
}

__device__ __forceinline__ float load(const uint16_t* p, long i) {
    return bf(p[i]);
}

__device__ __forceinline__ const LoraDesc* descFor(const LoraDesc* table, const int* rowSlot, int row, int layer,
                                                   int layers, int proj) {
    if (table == 0) {
        return 0;
    }
    int slot = rowSlot[row];
    if (slot < 0) {
        return 0;
    }
    const LoraDesc* d = table + ((long) slot * layers + layer) * PROJECTIONS + proj;
    return d->rank > 0 ? d : 0;
}

// x[r] = embed[tokens[r]]; one block per row
extern "C" __global__ void embed_rows(const float* embed, const int* tokens, float* x, int h) {
    int r = blockIdx.x;
    long src = (long) tokens[r] * h;
    for (int j = threadIdx.x; j < h; j += blockDim.x) {
        x[(long) r * h + j] = embed[src + j];
    }
}

// block-wide sum of a double (blockDim.x a multiple of 32, at most 1024)
__device__ double blockSum(double v) {
    __shared__ double partial[32];
    for (int o = 16; o > 0; o >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, o);
    }
    int warp = threadIdx.x / WARP;
    int lane = threadIdx.x % WARP;
    if (lane == 0) {
        partial[warp] = v;
    }
    __syncthreads();
    double s = 0;
    int warps = blockDim.x / WARP;
    for (int w = 0; w < warps; w++) {
        s += partial[w];
    }
    __syncthreads();
    return s;
}

// RMSNorm of one row as the CPU engine does it: the sum of squares in double, one float scale
__device__ void normRow(const float* x, const float* w, float* out, int h, float eps) {
    double ss = 0;
    for (int j = threadIdx.x; j < h; j += blockDim.x) {
        float v = x[j];
        ss += (double) (v * v);
    }
    ss = blockSum(ss);
    float inv = (float) (1.0 / sqrt(ss / h + (double) eps));
    for (int j = threadIdx.x; j < h; j += blockDim.x) {
        out[j] = w[j] * (x[j] * inv);
    }
}

// The residual and the next norm, one block per row: x += y (if y), then out = RMSNorm(x) · w (if w)
extern "C" __global__ void residual_norm(float* x, const float* y, const float* w, float* out, int h, float eps) {
    long base = (long) blockIdx.x * h;
    if (y != 0) {
        for (int j = threadIdx.x; j < h; j += blockDim.x) {
            x[base + j] += y[base + j];
        }
        __syncthreads();
    }
    if (w != 0) {
        normRow(x + base, w, out + base, h, eps);
    }
}

// The final norm of the rows that want logits: out[i] = RMSNorm(x[rows[i]]) · w
extern "C" __global__ void gather_norm(const float* x, const int* rows, const float* w, float* out, int h, float eps) {
    normRow(x + (long) rows[blockIdx.x] * h, w, out + (long) blockIdx.x * h, h, eps);
}

// The LoRA shrink for the projections of one input: ax[p][i][j] = scale · (A_j · x_i) for each row i
// with an adapter on projection projs[p] (blockIdx.y = p), one warp per rank (ranks in groups of
// blockDim.x / 32, blockIdx.z the group).
extern "C" __global__ void lora_shrink(const float* x, int inDim, float* ax, int axStride, int t, const LoraDesc* table,
                                       const int* rowSlot, int layer, int layers, int proj0, int proj1, int proj2) {
    int i = blockIdx.x;
    int p = blockIdx.y;
    int proj = p == 0 ? proj0 : p == 1 ? proj1 : proj2;
    const LoraDesc* d = descFor(table, rowSlot, i, layer, layers, proj);
    int warp = threadIdx.x / WARP;
    int lane = threadIdx.x % WARP;
    int j = blockIdx.z * (blockDim.x / WARP) + warp; // this warp's rank
    if (d == 0 || j >= d->rank) {
        return;
    }
    const float* xi = x + (long) i * inDim;
    float* out = ax + ((long) p * t + i) * axStride;
    // 16-byte loads where the rows allow (8 bfloat16 or 4 float32 weights a lane at a time): the
    // adapters of a batch are distinct and read from memory, and wide loads keep more of them in flight
    bool vec = d->bf16 ? inDim % 8 == 0 : inDim % 4 == 0;
    {
        float s = 0;
        long row = (long) j * inDim;
        if (vec && d->bf16) {
            const uint4* a4 = (const uint4*) ((const uint16_t*) d->a + row);
            const float4* x4 = (const float4*) xi;
#pragma unroll 4
            for (int v = lane; v < inDim / 8; v += WARP) {
                uint4 w = a4[v];
                float4 p = x4[2 * v];
                float4 q = x4[2 * v + 1];
                s = fmaf(lo(w.x), p.x, s);
                s = fmaf(hi(w.x), p.y, s);
                s = fmaf(lo(w.y), p.z, s);
                s = fmaf(hi(w.y), p.w, s);
                s = fmaf(lo(w.z), q.x, s);
                s = fmaf(hi(w.z), q.y, s);
                s = fmaf(lo(w.w), q.z, s);
                s = fmaf(hi(w.w), q.w, s);
            }
        } else if (vec) {
            const float4* a4 = (const float4*) ((const float*) d->a + row);
            const float4* x4 = (const float4*) xi;
#pragma unroll 4
            for (int v = lane; v < inDim / 4; v += WARP) {
                float4 w = a4[v];
                float4 p = x4[v];
                s = fmaf(w.x, p.x, s);
                s = fmaf(w.y, p.y, s);
                s = fmaf(w.z, p.z, s);
                s = fmaf(w.w, p.w, s);
            }
        } else if (d->bf16) {
            const uint16_t* a = (const uint16_t*) d->a;
            for (int k = lane; k < inDim; k += WARP) {
                s = fmaf(bf(a[row + k]), xi[k], s);
            }
        } else {
            const float* a = (const float*) d->a;
            for (int k = lane; k < inDim; k += WARP) {
                s = fmaf(a[row + k], xi[k], s);
            }
        }
        for (int o = 16; o > 0; o >>= 1) {
            s += __shfl_xor_sync(0xffffffffu, s, o);
        }
        if (lane == 0) {
            out[j] = s * d->scale;
        }
    }
}

// y[i][r] = W[r] · x[i] for t inputs and `rows` outputs, plus row i's LoRA delta Σ_j ax[i][j] · B[r][j]
// (fused multiply-adds in the order of j, as PEFT's lora_B(lora_A(x)) · s) where row i has an
// adapter on `proj`. A block computes MM_WARPS outputs (a warp each) for MM_INPUTS inputs, staging
// the inputs in shared memory MM_CHUNK features at a time; each lane accumulates 8 of the chunk's
// features (two runs of 4) of each input, the 32 lanes' sums are reduced by recursive halving so that lane b ends
// with input b's sum, and lane b then adds input b's delta. The order of every sum depends only on
// `cols`, never on t or on the input's place in the block.
template <int O>
__device__ __forceinline__ void halve(float* acc, int lane) {
    bool upper = (lane & O) != 0;
#pragma unroll
    for (int b = 0; b < O; b++) {
        float keep = upper ? acc[b + O] : acc[b];
        float send = upper ? acc[b] : acc[b + O];
        acc[b] = keep + __shfl_xor_sync(0xffffffffu, send, O);
    }
}

template <typename T>
__device__ void matmulBody(const T* w, const float* x, float* y, int t, int rows, int cols, const float* ax,
                           int axStride, const LoraDesc* table, const int* rowSlot, int layer, int layers, int proj) {
    __shared__ __align__(16) float xs[MM_INPUTS][MM_CHUNK];
    bool vec = cols % 4 == 0; // rows start 16-byte (float32) or 8-byte (bfloat16) aligned
    int warp = threadIdx.x / WARP;
    int lane = threadIdx.x % WARP;
    int r = blockIdx.x * MM_WARPS + warp;
    int i0 = blockIdx.y * MM_INPUTS;
    int nt = min(MM_INPUTS, t - i0);
    float acc[MM_INPUTS];
#pragma unroll
    for (int b = 0; b < MM_INPUTS; b++) {
        acc[b] = 0;
    }
    const T* wr = w + (long) min(r, rows - 1) * cols;
    // lane b's input's LoRA B row for output r, loaded now so that its latency (the adapters of a
    // batch are distinct, so it comes from memory) overlaps the base product: up to 64 bytes (rank 32
    // in bfloat16, 16 in float32); a longer row is read in the epilogue
    const LoraDesc* d = ax != 0 && r < rows && lane < nt ? descFor(table, rowSlot, i0 + lane, layer, layers, proj) : 0;
    uint4 pre[4];
    int preWords = 0;
    if (d != 0) {
        int words = d->bf16 ? (d->rank + 1) / 2 : d->rank;
        const uint4* row = (const uint4*) ((const char*) d->b + (long) r * d->rank * (d->bf16 ? 2 : 4));
        if (words <= 16 && words % 4 == 0 && (((unsigned long long) row) & 15) == 0) {
            preWords = words;
#pragma unroll
            for (int u = 0; u < 4; u++) {
                pre[u] = u * 4 < words ? row[u] : make_uint4(0, 0, 0, 0);
            }
        }
    }
    for (int k0 = 0; k0 < cols; k0 += MM_CHUNK) {
        int kc = min(MM_CHUNK, cols - k0);
        // staging: every load of a thread's share issued before any store, so that the block waits
        // for memory once per chunk (a load-store loop waited 32 times, most of the kernel's time)
        if (vec) {
            float4 part[STAGE_VECTORS];
#pragma unroll
            for (int u = 0; u < STAGE_VECTORS; u++) {
                int e = threadIdx.x + u * MM_WARPS * WARP;
                int b = e / (MM_CHUNK / 4);
                int k = 4 * (e % (MM_CHUNK / 4));
                part[u] = b < nt && k < kc ? *(const float4*) (x + (long) (i0 + b) * cols + k0 + k)
                                           : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
            }
#pragma unroll
            for (int u = 0; u < STAGE_VECTORS; u++) {
                int e = threadIdx.x + u * MM_WARPS * WARP;
                *(float4*) &xs[e / (MM_CHUNK / 4)][4 * (e % (MM_CHUNK / 4))] = part[u];
            }
        } else {
            for (int e = threadIdx.x; e < MM_INPUTS * MM_CHUNK; e += blockDim.x) {
                int b = e / MM_CHUNK;
                int k = e % MM_CHUNK;
                xs[b][k] = b < nt && k < kc ? x[(long) (i0 + b) * cols + k0 + k] : 0.0f;
            }
        }
        __syncthreads();
        // lane L takes features 4L..4L+3 and 128+4L..128+4L+3 of the chunk: its weights in two
        // 4-wide loads (coalesced over the warp), and the staged inputs as float4s that the warp
        // reads from consecutive banks (lane-strided 8-wide slices conflicted 8 ways)
        if (r < rows) {
            float wv[8];
#pragma unroll
            for (int e = 0; e < 2; e++) {
                int kk = 128 * e + 4 * lane;
                if (vec && kk < kc) {
                    load4(wr, (long) k0 + kk, &wv[4 * e]);
                } else {
#pragma unroll
                    for (int q = 0; q < 4; q++) {
                        wv[4 * e + q] = kk + q < kc ? load(wr, (long) k0 + kk + q) : 0.0f;
                    }
                }
            }
#pragma unroll
            for (int b = 0; b < MM_INPUTS; b++) {
                if (b < nt) {
                    float s = acc[b];
#pragma unroll
                    for (int e = 0; e < 2; e++) {
                        float4 xv = *(const float4*) &xs[b][128 * e + 4 * lane];
                        s = fmaf(wv[4 * e], xv.x, s);
                        s = fmaf(wv[4 * e + 1], xv.y, s);
                        s = fmaf(wv[4 * e + 2], xv.z, s);
                        s = fmaf(wv[4 * e + 3], xv.w, s);
                    }
                    acc[b] = s;
                }
            }
        }
        __syncthreads();
    }
    if (r >= rows) {
        return;
    }
    // recursive halving: after the step with offset o, lane L holds, for each b whose bits above o
    // agree with L's, the sum over the lanes that agree with L below o
    halve<16>(acc, lane);
    halve<8>(acc, lane);
    halve<4>(acc, lane);
    halve<2>(acc, lane);
    halve<1>(acc, lane);
    if (lane >= nt) {
        return;
    }
    int i = i0 + lane;
    float v = acc[0];
    if (d != 0) {
        const float* a = ax + (long) i * axStride;
        int rank = d->rank;
        float delta = 0;
        if (preWords > 0) {
#pragma unroll
            for (int u = 0; u < 4; u++) {
                uint32_t ws[4] = {pre[u].x, pre[u].y, pre[u].z, pre[u].w};
#pragma unroll
                for (int q = 0; q < 4; q++) {
                    int word = u * 4 + q;
                    if (d->bf16) {
                        if (2 * word < rank) {
                            delta = fmaf(a[2 * word], lo(ws[q]), delta);
                        }
                        if (2 * word + 1 < rank) {
                            delta = fmaf(a[2 * word + 1], hi(ws[q]), delta);
                        }
                    } else if (word < rank) {
                        delta = fmaf(a[word], __uint_as_float(ws[q]), delta);
                    }
                }
            }
        } else if (d->bf16) {
            const uint16_t* bm = (const uint16_t*) d->b + (long) r * rank;
            for (int j = 0; j < rank; j++) {
                delta = fmaf(a[j], bf(bm[j]), delta);
            }
        } else {
            const float* bm = (const float*) d->b + (long) r * rank;
            for (int j = 0; j < rank; j++) {
                delta = fmaf(a[j], bm[j], delta);
            }
        }
        v += delta;
    }
    y[(long) i * rows + r] = v;
}

extern "C" __global__ void __launch_bounds__(MM_WARPS * WARP)
    matmul_f32(const float* w, const float* x, float* y, int t, int rows, int cols, const float* ax, int axStride,
               const LoraDesc* table, const int* rowSlot, int layer, int layers, int proj) {
    matmulBody(w, x, y, t, rows, cols, ax, axStride, table, rowSlot, layer, layers, proj);
}

extern "C" __global__ void __launch_bounds__(MM_WARPS * WARP)
    matmul_bf16(const uint16_t* w, const float* x, float* y, int t, int rows, int cols, const float* ax,
                int axStride, const LoraDesc* table, const int* rowSlot, int layer, int layers, int proj) {
    matmulBody(w, x, y, t, rows, cols, ax, axStride, table, rowSlot, layer, layers, proj);
}

// After the q, k and v projections, one block per row: the biases (if any), rotary embedding at the
// row's position (Hugging Face rotate_half: pairs (i, i + d/2); the angle in float, cos and sin in
// double then rounded, as the CPU engine does), then the row's key and value into its page of the
// KV cache (layout [page][pageTokens][kvDim], per layer).
extern "C" __global__ void qkv_finish(float* q, float* k, float* v, const float* qb, const float* kb, const float* vb,
                                      const int* rowPos, const int* rowPages, const int* pageTables,
                                      const float* invFreq, float* kc, float* vc, int heads, int kvHeads, int hd,
                                      int pageTokens) {
    int r = blockIdx.x;
    int qDim = heads * hd;
    int kvDim = kvHeads * hd;
    float* qr = q + (long) r * qDim;
    float* kr = k + (long) r * kvDim;
    float* vr = v + (long) r * kvDim;
    if (qb != 0) {
        for (int j = threadIdx.x; j < qDim; j += blockDim.x) {
            qr[j] += qb[j];
        }
    }
    if (kb != 0) {
        for (int j = threadIdx.x; j < kvDim; j += blockDim.x) {
            kr[j] += kb[j];
        }
    }
    if (vb != 0) {
        for (int j = threadIdx.x; j < kvDim; j += blockDim.x) {
            vr[j] += vb[j];
        }
    }
    __syncthreads();
    int pos = rowPos[r];
    int half = hd / 2;
    for (int e = threadIdx.x; e < (heads + kvHeads) * half; e += blockDim.x) {
        int head = e / half;
        int i = e % half;
        float angle = (float) pos * invFreq[i];
        float c = (float) cos((double) angle);
        float s = (float) sin((double) angle);
        float* vec = head < heads ? qr + head * hd : kr + (head - heads) * hd;
        float a = vec[i];
        float b = vec[i + half];
        vec[i] = a * c - b * s;
        vec[i + half] = b * c + a * s;
    }
    __syncthreads();
    int page = pageTables[rowPages[r] + pos / pageTokens];
    long off = ((long) page * pageTokens + pos % pageTokens) * kvDim;
    for (int j = threadIdx.x; j < kvDim; j += blockDim.x) {
        kc[off + j] = kr[j];
        vc[off + j] = vr[j];
    }
}

#define MAX_HEAD_DIM 256

// Grouped-query attention of row r over positions [start, pos] of its sequence's paged cache: one
// block per (row, kv head), one warp per query head of the group, an online softmax (running max and
// sum, as FlashAttention) over the positions in order.
extern "C" __global__ void attention(const float* q, const float* kc, const float* vc, float* out, const int* rowPos,
                                     const int* rowPages, const int* pageTables, int heads, int kvHeads, int hd,
                                     int pageTokens, int window, float scale) {
    int r = blockIdx.x;
    int kvHead = blockIdx.y;
    int group = heads / kvHeads;
    int warp = threadIdx.x / WARP;
    int lane = threadIdx.x % WARP;
    if (warp >= group) {
        return;
    }
    int head = kvHead * group + warp;
    int kvDim = kvHeads * hd;
    const float* qh = q + (long) r * heads * hd + head * hd;
    const int* pt = pageTables + rowPages[r];
    int pos = rowPos[r];
    int start = window > 0 ? max(0, pos - window + 1) : 0;
    int per = (hd + WARP - 1) / WARP;
    float qv[MAX_HEAD_DIM / WARP];
    float acc[MAX_HEAD_DIM / WARP];
#pragma unroll
    for (int u = 0; u < MAX_HEAD_DIM / WARP; u++) {
        int e = lane + u * WARP;
        qv[u] = u < per && e < hd ? qh[e] : 0.0f;
        acc[u] = 0;
    }
    float m = -INFINITY;
    float l = 0;
    for (int j = start; j <= pos; j++) {
        long row = ((long) pt[j / pageTokens] * pageTokens + j % pageTokens) * kvDim + kvHead * hd;
        float s = 0;
#pragma unroll
        for (int u = 0; u < MAX_HEAD_DIM / WARP; u++) {
            int e = lane + u * WARP;
            if (u < per && e < hd) {
                s = fmaf(kc[row + e], qv[u], s);
            }
        }
        for (int o = 16; o > 0; o >>= 1) {
            s += __shfl_xor_sync(0xffffffffu, s, o);
        }
        s *= scale;
        float mNew = fmaxf(m, s);
        float corr = expf(m - mNew);
        float p = expf(s - mNew);
        l = l * corr + p;
#pragma unroll
        for (int u = 0; u < MAX_HEAD_DIM / WARP; u++) {
            int e = lane + u * WARP;
            if (u < per && e < hd) {
                acc[u] = acc[u] * corr + p * vc[row + e];
            }
        }
        m = mNew;
    }
    float* o = out + (long) r * heads * hd + head * hd;
#pragma unroll
    for (int u = 0; u < MAX_HEAD_DIM / WARP; u++) {
        int e = lane + u * WARP;
        if (u < per && e < hd) {
            o[e] = acc[u] / l;
        }
    }
}

// SwiGLU in place: gate = silu(gate) · up, over n elements
extern "C" __global__ void swiglu(float* gate, const float* up, long n) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        float g = gate[i];
        gate[i] = g / (1.0f + expf(-g)) * up[i];
    }
}

// Writes its pointer argument's address to *out: the host reads device addresses this way (JCuda
// keeps them private) to fill the adapters' descriptors.
extern "C" __global__ void address_of(const void* p, unsigned long long* out) {
    *out = (unsigned long long) p;
}
