import CRuntimeSetup

/// The CPUs this process may compute on, which size the OpenMP team (unless
/// OMP_NUM_THREADS says otherwise): its affinity mask (`taskset`, `mpirun --bind-to`),
/// capped by a container's cgroup CPU quota, which OpenMP alone would not see.
public enum AvailableCPUs {
    public static var count: Int { Int(cbam_available_cpus()) }

    /// The CPUs a cgroup v2 `cpu.max` text allows, rounded up ("150000 100000" → 2);
    /// nil for no limit ("max 100000").
    public static func quota(cpuMax text: String) -> Int? {
        let cpus = Int(cbam_cpu_max_cpus(text))
        return cpus > 0 ? cpus : nil
    }
}
