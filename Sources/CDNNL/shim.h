#include <oneapi/dnnl/dnnl.h>

// oneDNN here runs on GNU OpenMP. Our own memory-bound passes run on the same
// thread team through libgomp's entry point, so the two never oversubscribe the
// cores (two runtimes would spin against each other).
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
int omp_get_max_threads(void);
void omp_set_num_threads(int n);
