#ifndef CBAM_MACHINE_PEAK_H
#define CBAM_MACHINE_PEAK_H

/// Runs `iterations` rounds of independent fused multiply-adds on this thread with the
/// widest vectors the CPU has (AVX-512, else AVX2 + FMA, else SSE) and returns the
/// single-precision FLOPs done (2 per lane per FMA). The caller times it.
double cbam_fma_flops(long iterations);

/// The same with AVX-512 BF16 dot products (2 FLOPs per bf16 pair, 32 pairs an
/// instruction); 0 without them.
double cbam_bf16_dot_flops(long iterations);

/// The vector width in floats that `cbam_fma_flops` uses: 16, 8 or 4.
int cbam_fma_lanes(void);

#endif
