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

// libgomp's default busy-waits 300,000 rounds (0.2 ms here) at each barrier before
// sleeping. Beside another busy process that holds a core the descheduled thread could
// have moved to, and every pass pays for it: `cbam bench network --model cbam
// --image-size 32` beside `taskset -c 0 sh -c 'while :; do :; done'` trained at 0.31 of
// its idle speed on 2 cores, and at 0.45 / 0.47 / 0.52 / 0.53 with 10,000 / 3,000 /
// 1,000 / 0 rounds. 1,000 rounds (about a microsecond) still catch a partner that is
// about to arrive: idle batch-1 latency stayed 0.7–0.9 ms (noisy, as with the default),
// where sleeping at once (0, or OMP_WAIT_POLICY=PASSIVE) made it 1.9–2.4 ms. Idle
// throughput was the same for all of them. Beside the busy loop, batch-1 latency is
// 2.5 ms against the default's 0.7–1.5; OMP_WAIT_POLICY=ACTIVE brings spinning back.
static const long spin_rounds = 1000;

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
    (void)argc;
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
        snprintf(spin, sizeof spin, "GOMP_SPINCOUNT=%ld", spin_rounds);
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
