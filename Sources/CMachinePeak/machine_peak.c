// A single-precision FMA throughput probe: what a core can do at best, the figure
// convolution throughput is quoted against. Twelve independent accumulators hide the
// FMA latency (4 cycles) on two pipes; the results are summed so the work is kept.
#include "machine_peak.h"
#include <immintrin.h>

#define ACCUMULATORS 12

__attribute__((target("avx512f")))
static double fma512(long iterations) {
    __m512 acc[ACCUMULATORS];
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < ACCUMULATORS; i++) acc[i] = _mm512_set1_ps((float)i);
    for (long n = 0; n < iterations; n++) {
#pragma GCC unroll 12
        for (int i = 0; i < ACCUMULATORS; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    }
    __m512 sum = acc[0];
    for (int i = 1; i < ACCUMULATORS; i++) sum = _mm512_add_ps(sum, acc[i]);
    volatile float keep = _mm512_reduce_add_ps(sum);
    (void)keep;
    return 2.0 * 16 * ACCUMULATORS * (double)iterations;
}

__attribute__((target("avx2,fma")))
static double fma256(long iterations) {
    __m256 acc[ACCUMULATORS];
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < ACCUMULATORS; i++) acc[i] = _mm256_set1_ps((float)i);
    for (long n = 0; n < iterations; n++) {
#pragma GCC unroll 12
        for (int i = 0; i < ACCUMULATORS; i++) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    }
    __m256 sum = acc[0];
    for (int i = 1; i < ACCUMULATORS; i++) sum = _mm256_add_ps(sum, acc[i]);
    float lanes[8];
    _mm256_storeu_ps(lanes, sum);
    volatile float keep = lanes[0];
    (void)keep;
    return 2.0 * 8 * ACCUMULATORS * (double)iterations;
}

static double fma128(long iterations) {
    __m128 acc[ACCUMULATORS];
    const __m128 a = _mm_set1_ps(0.999999f), b = _mm_set1_ps(1e-7f);
    for (int i = 0; i < ACCUMULATORS; i++) acc[i] = _mm_set1_ps((float)i);
    for (long n = 0; n < iterations; n++) {
#pragma GCC unroll 12
        for (int i = 0; i < ACCUMULATORS; i++) acc[i] = _mm_add_ps(_mm_mul_ps(acc[i], a), b);
    }
    __m128 sum = acc[0];
    for (int i = 1; i < ACCUMULATORS; i++) sum = _mm_add_ps(sum, acc[i]);
    volatile float keep = _mm_cvtss_f32(sum);
    (void)keep;
    return 2.0 * 4 * ACCUMULATORS * (double)iterations;
}

// The bf16 counterpart: vdpbf16ps multiplies 32 bf16 pairs into 16 float sums, so it
// promises twice the FMA's arithmetic; whether a core delivers it is what this measures
// (some run it on one pipe at half rate, which leaves bf16 no faster than fp32).
__attribute__((target("avx512f,avx512bf16")))
static double dot_bf16(long iterations) {
    __m512 acc[ACCUMULATORS];
    const __m512bh a = (__m512bh)_mm512_set1_epi16(0x3f80), b = (__m512bh)_mm512_set1_epi16(0x3380);
    for (int i = 0; i < ACCUMULATORS; i++) acc[i] = _mm512_set1_ps((float)i);
    for (long n = 0; n < iterations; n++) {
#pragma GCC unroll 12
        for (int i = 0; i < ACCUMULATORS; i++) acc[i] = _mm512_dpbf16_ps(acc[i], a, b);
    }
    __m512 sum = acc[0];
    for (int i = 1; i < ACCUMULATORS; i++) sum = _mm512_add_ps(sum, acc[i]);
    volatile float keep = _mm512_reduce_add_ps(sum);
    (void)keep;
    return 2.0 * 32 * ACCUMULATORS * (double)iterations;
}

double cbam_bf16_dot_flops(long iterations) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512bf16")) return 0;
    return dot_bf16(iterations);
}

int cbam_fma_lanes(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 16;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 8;
    return 4;
}

double cbam_fma_flops(long iterations) {
    switch (cbam_fma_lanes()) {
    case 16: return fma512(iterations);
    case 8: return fma256(iterations);
    default: return fma128(iterations);
    }
}
