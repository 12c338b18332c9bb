// What GNU OpenMP must be told before it starts. libgomp reads OMP_NUM_THREADS and
// GOMP_SPINCOUNT once, in its constructor, from the environment the process started
// with: C libraries' constructors run before the executable's, and even a setenv in the
// executable's .preinit_array (which runs first) is undone when libc's own start-up
// installs the original environment. So when a variable needs setting, the process
// starts itself again at once with it set (execve of /proc/self/exe, same arguments,
// same pid), and once libgomp has read it, an ordinary constructor takes it out again,
// so that child processes and anyone reading the environment see what the user gave.
// A variable the user set wins; a failed exec leaves OpenMP's defaults.
#include "runtime_setup.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// libgomp's default busy-waits 300,000 rounds at each barrier before sleeping (4 ms on
// this host: 13 ns per `pause`). Beside another busy process that holds a core the
// descheduled thread could have moved to, every pass pays for it: `cbam bench network
// --model cbam --image-size 32` beside `taskset -c 0 sh -c 'while :; do :; done'`
// trained at 0.31 of its idle speed on 2 cores (an earlier host), and at 0.42 / 0.46 /
// 0.50 with 10,000 / 3,000 / 1,000 rounds (this host). Idle, a longer wait catches a
// partner about to arrive, and waking a sleeping thread costs this VM tens of
// microseconds: batch-1 latency 0.61 / 0.67 / 0.93 ms with 10,000 / 3,000 / 1,000
// rounds (sleeping at once: 1.7 ms); idle throughput was the same for all of them. So
// the rounds follow what the machine is doing when the process starts: 10,000 (about
// 0.13 ms) when nothing else is runnable, 1,000 beside other work. A training run
// (`train`, `compare`) always takes 1,000: it lasts long enough for other work to start
// beside it later, when 10,000 rounds would keep costing it (contention begun 1.5 s
// after the start: training at 0.42× of idle with 10,000 rounds, batch-1 latency 6.2
// ms), and its throughput does not need the longer wait. OMP_WAIT_POLICY or
// GOMP_SPINCOUNT win.
static const long idle_spin_rounds = 10000, busy_spin_rounds = 1000;

// /proc/stat's procs_running counts this process too (in a container it may count the
// host's tasks, which errs towards busy).
long cbam_spin_rounds(const char *proc_stat, int trains) {
    if (trains) return busy_spin_rounds;
    const char *line = proc_stat ? strstr(proc_stat, "procs_running ") : NULL;
    long running = 0;
    if (!line || sscanf(line, "procs_running %ld", &running) != 1) return busy_spin_rounds;
    return running <= 1 ? idle_spin_rounds : busy_spin_rounds;
}

// Whether the command line runs a training: `cbam train …` or `cbam compare …`.
static int trains(int argc, char **argv) {
    return argc > 1 && (strcmp(argv[1], "train") == 0 || strcmp(argv[1], "compare") == 0);
}

// The rounds for this command line, from /proc/stat's procs_running line (NULL where
// it cannot be read: `cbam_spin_rounds` then errs towards busy).
static long spin_rounds_now(int argc, char **argv) {
    FILE *stat = fopen("/proc/stat", "r");
    // Line by line: the interrupt line before it can be longer than any buffer.
    char line[256];
    const char *running = NULL;
    while (stat && !running && fgets(line, sizeof line, stat))
        if (strncmp(line, "procs_running ", 14) == 0) running = line;
    if (stat) fclose(stat);
    return cbam_spin_rounds(running, trains(argc, argv));
}

// Names the variables the restart added, for the constructor to take out again.
#define ADDED "CBAM_OPENMP_ADDED"

// The value of `name` in `envp`, the environment the process started with (what libgomp
// will read), or NULL.
static const char *lookup(char **envp, const char *name) {
    size_t length = strlen(name);
    for (char **entry = envp; *entry; entry++)
        if (strncmp(*entry, name, length) == 0 && (*entry)[length] == '=') return *entry + length + 1;
    return NULL;
}

static void before_openmp(int argc, char **argv, char **envp) {
    // Threads inherit the floating-point state of the thread that creates them, and
    // none exists yet: every thread of the process (OpenMP's too) flushes denormals.
    cbam_flush_denormals();
    if (lookup(envp, ADDED)) return;  // the restarted process

    static char threads[32], spin[48], added[64];
    char *extra[3];
    int count = 0;
    added[0] = 0;
    if (!lookup(envp, "OMP_NUM_THREADS")) {
        snprintf(threads, sizeof threads, "OMP_NUM_THREADS=%d", cbam_available_cpus());
        extra[count++] = threads;
        strcat(added, " OMP_NUM_THREADS");
    }
    if (!lookup(envp, "OMP_WAIT_POLICY") && !lookup(envp, "GOMP_SPINCOUNT")) {
        snprintf(spin, sizeof spin, "GOMP_SPINCOUNT=%ld", spin_rounds_now(argc, argv));
        extra[count++] = spin;
        strcat(added, " GOMP_SPINCOUNT");
    }
    if (count == 0) return;

    size_t given = 0;
    while (envp[given]) given++;
    char **environment = malloc((given + count + 2) * sizeof *environment);
    if (!environment) return;
    memcpy(environment, envp, given * sizeof *environment);
    memcpy(environment + given, extra, count * sizeof *environment);
    char marker[sizeof ADDED + sizeof added + 1];
    snprintf(marker, sizeof marker, ADDED "=%s", added + 1);
    environment[given + count] = marker;
    environment[given + count + 1] = NULL;
    execve("/proc/self/exe", argv, environment);
    free(environment);  // no /proc, or no exec: carry on with OpenMP's defaults
}

__attribute__((section(".preinit_array"), used))
static void (*const run_before_openmp)(int, char **, char **) = before_openmp;

// Runs after libgomp's constructor (it is a library this executable links).
__attribute__((constructor))
static void after_openmp(void) {
    const char *added = getenv(ADDED);
    if (!added) return;
    char names[64];
    snprintf(names, sizeof names, "%s", added);
    for (char *name = strtok(names, " "); name; name = strtok(NULL, " ")) unsetenv(name);
    unsetenv(ADDED);
}
