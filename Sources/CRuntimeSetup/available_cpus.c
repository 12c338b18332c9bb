// How many CPUs this process may keep busy. GNU OpenMP sizes its team from the
// affinity mask alone; a container's CPU quota (cgroups) also limits it, and a team
// wider than the quota is throttled to a standstill at every barrier.
#define _GNU_SOURCE
#include "runtime_setup.h"
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int affinity_cpus(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
    // More CPUs than a cpu_set_t holds (1024), or no mask: all online ones.
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 1;
}

static int quota_cpus(long quota, long period) {
    if (quota <= 0 || period <= 0) return 0;
    return (int)((quota + period - 1) / period);
}

int cbam_cpu_max_cpus(const char *text) {
    char quota[32];
    long period;
    if (sscanf(text, "%31s %ld", quota, &period) != 2 || strcmp(quota, "max") == 0) return 0;
    return quota_cpus(strtol(quota, NULL, 10), period);
}

static int read_text(const char *path, char *text, size_t size) {
    FILE *file = fopen(path, "r");
    if (!file) return 0;
    size_t length = fread(text, 1, size - 1, file);
    fclose(file);
    text[length] = 0;
    return length > 0;
}

// The quota in force in one cgroup directory (0 for none): v2's cpu.max, or v1's pair.
static int quota_in(const char *directory, int v2) {
    char path[PATH_MAX], text[64], period[64];
    if (v2) {
        snprintf(path, sizeof path, "%s/cpu.max", directory);
        return read_text(path, text, sizeof text) ? cbam_cpu_max_cpus(text) : 0;
    }
    snprintf(path, sizeof path, "%s/cpu.cfs_quota_us", directory);
    if (!read_text(path, text, sizeof text)) return 0;
    snprintf(path, sizeof path, "%s/cpu.cfs_period_us", directory);
    if (!read_text(path, period, sizeof period)) return 0;
    return quota_cpus(strtol(text, NULL, 10), strtol(period, NULL, 10));
}

// The tightest quota on `cgroup` (as /proc/self/cgroup names it) and its ancestors
// under `mount`. Walking up also finds a container's own quota when /proc shows the
// host's path but the container's cgroup is mounted at the root.
static int tightest_quota(const char *mount, const char *cgroup, int v2) {
    char directory[PATH_MAX];
    int tightest = 0;
    snprintf(directory, sizeof directory, "%s%s", mount, cgroup);
    size_t root = strlen(mount);
    for (;;) {
        int cpus = quota_in(directory, v2);
        if (cpus > 0 && (tightest == 0 || cpus < tightest)) tightest = cpus;
        char *slash = strrchr(directory, '/');
        if (!slash || (size_t)(slash - directory) < root) break;
        *slash = 0;
    }
    return tightest;
}

// Lines of /proc/self/cgroup: "0::/path" (v2), "4:cpu,cpuacct:/path" (v1).
static int cgroup_quota_cpus(void) {
    FILE *file = fopen("/proc/self/cgroup", "r");
    if (!file) return 0;
    char line[PATH_MAX + 64];
    int tightest = 0;
    while (fgets(line, sizeof line, file)) {
        line[strcspn(line, "\n")] = 0;
        char *controllers = strchr(line, ':');
        char *path = controllers ? strchr(controllers + 1, ':') : NULL;
        if (!path) continue;
        *path++ = 0;
        controllers++;
        int cpus = 0;
        if (*controllers == 0) {
            cpus = tightest_quota("/sys/fs/cgroup", path, 1);
        } else {
            for (char *name = strtok(controllers, ","); name; name = strtok(NULL, ","))
                if (strcmp(name, "cpu") == 0) cpus = tightest_quota("/sys/fs/cgroup/cpu", path, 0);
        }
        if (cpus > 0 && (tightest == 0 || cpus < tightest)) tightest = cpus;
    }
    fclose(file);
    return tightest;
}

int cbam_available_cpus(void) {
    int cpus = affinity_cpus(), quota = cgroup_quota_cpus();
    return quota > 0 && quota < cpus ? quota : cpus;
}
