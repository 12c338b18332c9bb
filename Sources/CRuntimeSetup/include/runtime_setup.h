#ifndef CBAM_RUNTIME_SETUP_H
#define CBAM_RUNTIME_SETUP_H

// The process's arithmetic and thread environment, set before GNU OpenMP starts
// (start_up.c); Swift reads it through OneDNN's `AvailableCPUs` and `Denormals`.

/// CPUs this process may compute on: those in its affinity mask, capped by a cgroup
/// CPU quota (v2 `cpu.max`, v1 `cpu.cfs_quota_us`) rounded up. At least 1.
int cbam_available_cpus(void);

/// CPUs a cgroup v2 `cpu.max` text allows ("150000 100000" → 2, rounded up);
/// 0 for no limit ("max 100000") or text it cannot read.
int cbam_cpu_max_cpus(const char *text);

/// GOMP_SPINCOUNT as start-up chooses it from a /proc/stat text: 10,000 rounds when
/// `procs_running` counts only this process, 1,000 beside other runnable work (or when
/// the text does not say), and 1,000 for a training run (`trains` nonzero) whatever runs.
long cbam_spin_rounds(const char *proc_stat, int trains);

/// Sets flush-to-zero and denormals-are-zero on the calling thread (MXCSR).
void cbam_flush_denormals(void);

/// Whether the calling thread flushes denormals (both MXCSR bits set).
int cbam_flushes_denormals(void);

/// The vector units the release build compiled the Swift kernels for (cpu_check.c):
/// 4 AVX-512, 3 AVX2 with FMA, 0 baseline x86-64 (or a debug build, or CBAM_TARGET_CPU).
int cbam_kernel_level(void);

#endif
