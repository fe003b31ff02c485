// mma_probe.cu: one warp computes D = A·B + C for a 16x8x16 tile with tc_mma_m16n8k16_f16f32,
// loading and storing the fragments by the PTX ISA's layouts. `verify` runs it against a plain
// matrix product (io.tokencost.kernels.mmaprobe.MmaProbe) on cuda and emu: on a GPU it confirms the
// fragment layouts every tensor-core kernel relies on; on emu it checks the emulation of them.
#include "tc_compat.h"

// a: fp16 bits [16 x 16] row-major; b: fp16 bits [8 x 16] (B column-major: b[n*16 + k]);
// c, d: float [16 x 8] row-major. Launch 1 block of 32 threads.
extern "C" __global__ void TC_LAUNCH_BOUNDS(32)
mma_probe(float* __restrict__ d, const unsigned short* __restrict__ a, const unsigned short* __restrict__ b,
          const float* __restrict__ c)
{
    const int lane = static_cast<int>(threadIdx.x & 31u);
    const int g = lane >> 2;
    const int t = lane & 3;
    unsigned int af[4];
    unsigned int bf[2];
    float cf[4];
    float df[4];
    for (int r = 0; r < 4; ++r) {
        unsigned int word = 0;
        for (int h = 0; h < 2; ++h) {
            const int i = 2 * r + h;
            const int row = g + 8 * ((i >> 1) & 1);
            const int col = 2 * t + (i & 1) + 8 * (i >> 2);
            word |= static_cast<unsigned int>(a[row * 16 + col]) << (16 * h);
        }
        af[r] = word;
    }
    for (int r = 0; r < 2; ++r) {
        unsigned int word = 0;
        for (int h = 0; h < 2; ++h) {
            const int i = 2 * r + h;
            const int k = 2 * t + (i & 1) + 8 * (i >> 1);
            word |= static_cast<unsigned int>(b[g * 16 + k]) << (16 * h);
        }
        bf[r] = word;
    }
    for (int i = 0; i < 4; ++i) {
        cf[i] = c[(g + 8 * (i >> 1)) * 8 + 2 * t + (i & 1)];
    }
    tc_mma_m16n8k16_f16f32(df, af, bf, cf);
    for (int i = 0; i < 4; ++i) {
        d[(g + 8 * (i >> 1)) * 8 + 2 * t + (i & 1)] = df[i];
    }
}

// ldmatrix_probe: one warp loads four 8x8 matrices of 16-bit elements (`in`: matrix i row r col c
// at in[64 i + 8 r + c]) into shared memory, each lane gives the address of row l % 8 of matrix
// l / 8, and ldmatrix .x4 (trans == 0) or .x4.trans hands out the fragments: out[4 l + i] = lane
// l's r[i]. `verify` compares them with the PTX ISA's layouts (io.tokencost.kernels.mmaprobe.MmaProbe), so
// a GPU names a layout mismatch here before a GEMM or attention check fails on it.
// Launch 1 block of 32 threads.
extern "C" __global__ void TC_LAUNCH_BOUNDS(32)
ldmatrix_probe(unsigned int* __restrict__ out, const unsigned short* __restrict__ in, int trans)
{
    alignas(16) __shared__ unsigned short tile[4 * 64];
    const int lane = static_cast<int>(threadIdx.x & 31u);
    for (int i = lane; i < 4 * 64; i += 32) {
        tile[i] = in[i];
    }
    __syncthreads();
    unsigned int r[4];
    const unsigned short* row = tile + 64 * (lane / 8) + 8 * (lane % 8);
    if (trans != 0) {
        tc_ldmatrix_x4_trans(r, row);
    } else {
        tc_ldmatrix_x4(r, row);
    }
    for (int i = 0; i < 4; ++i) {
        out[4 * lane + i] = r[i];
    }
}
