// Denormal floats take a microcode assist on x86 (tens to hundreds of cycles per
// operation), so a layer whose values decay towards zero can run many times slower.
// Flush-to-zero writes results below FLT_MIN as zero and denormals-are-zero reads
// such inputs as zero; both are bits of the per-thread MXCSR register.
#include "runtime_setup.h"
#include <xmmintrin.h>

#define FLUSH_TO_ZERO 0x8000
#define DENORMALS_ARE_ZERO 0x0040

void cbam_flush_denormals(void) {
    _mm_setcsr(_mm_getcsr() | FLUSH_TO_ZERO | DENORMALS_ARE_ZERO);
}

int cbam_flushes_denormals(void) {
    unsigned bits = FLUSH_TO_ZERO | DENORMALS_ARE_ZERO;
    return (_mm_getcsr() & bits) == bits;
}
