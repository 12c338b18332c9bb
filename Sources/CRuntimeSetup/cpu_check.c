// Release builds compile the Swift kernels for the vector units of the CPU that built
// them (Package.swift's `kernelCPU`, passed here as CBAM_KERNEL_LEVEL: 4 for AVX-512,
// 3 for AVX2 with FMA, 0 for baseline x86-64 or a CPU named by CBAM_TARGET_CPU).
// Copied to a CPU without those units, the first vector instruction would kill the
// process with SIGILL and no word of why; this check, which runs before main, says so.
// (The start-up restart in start_up.c runs first; the restarted process checks too.)
#include "runtime_setup.h"
#include <stdio.h>
#include <stdlib.h>

#ifndef CBAM_KERNEL_LEVEL
#define CBAM_KERNEL_LEVEL 0
#endif

int cbam_kernel_level(void) { return CBAM_KERNEL_LEVEL; }

#if defined(__x86_64__) && CBAM_KERNEL_LEVEL >= 3
static int has_built_units(void) {
    __builtin_cpu_init();
#if CBAM_KERNEL_LEVEL >= 4
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#else
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
}

__attribute__((constructor))
static void check_vector_units(void) {
    if (has_built_units()) return;
    fprintf(stderr, "cbam: this build uses %s, which this CPU lacks (it was built on another machine). "
                    "Build cbam on this machine, or build it with CBAM_TARGET_CPU=x86-64 to run on any x86-64 CPU.\n",
            CBAM_KERNEL_LEVEL >= 4 ? "AVX-512" : "AVX2 and FMA");
    exit(1);
}
#endif
